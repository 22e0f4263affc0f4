import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';

/**
 * axios: an `AxiosError` (`isAxiosError: true`) with a `code`; a status on `response.status`
 * (the status rule reads it). axios reports its own `timeout` as `ECONNABORTED` (or `ETIMEDOUT`
 * with `transitional.clarifyTimeoutError`), a timeout rather than a reset connection.
 */
export const axiosFamily: ClientFamily = {
  name: 'axios',
  classify(error, facts) {
    if (readProperty(error, 'isAxiosError') !== true) return undefined;
    switch (facts.code) {
      case 'ECONNABORTED':
      case 'ETIMEDOUT': return { disposition: 'transient', category: 'timeout', reason: `axios timeout (${facts.code})` };
      case 'ERR_NETWORK': return { disposition: 'transient', category: 'network', reason: 'axios ERR_NETWORK' };
      case 'ERR_FR_TOO_MANY_REDIRECTS': return { disposition: 'permanent', category: 'redirect_loop', reason: 'axios ERR_FR_TOO_MANY_REDIRECTS' };
      case 'ERR_INVALID_URL':
      case 'ERR_BAD_OPTION':
      case 'ERR_BAD_OPTION_VALUE': return { disposition: 'permanent', category: 'invalid_request', reason: `axios ${facts.code}` };
      default: return undefined;
    }
  },
};
