import type { Disposition } from '../classification.js';
import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { lookUp } from './family-verdict.js';
import { verdict } from '../verdict.js';

/** What axios's own codes mean; one table, read by both `claims` and `classify`. */
const CODES: Readonly<Record<string, readonly [Disposition, string]>> = {
  ECONNABORTED: ['transient', 'timeout'],
  ETIMEDOUT: ['transient', 'timeout'],
  ERR_NETWORK: ['transient', 'network'],
  ERR_FR_TOO_MANY_REDIRECTS: ['permanent', 'redirect_loop'],
  ERR_INVALID_URL: ['permanent', 'invalid_request'],
  ERR_BAD_OPTION: ['permanent', 'invalid_request'],
  ERR_BAD_OPTION_VALUE: ['permanent', 'invalid_request'],
};

/**
 * axios: an `AxiosError` (`isAxiosError: true`) with a `code`; a status on `response.status`
 * (the status rule reads it). axios reports its own `timeout` as `ECONNABORTED` (or `ETIMEDOUT`
 * with `transitional.clarifyTimeoutError`), a timeout rather than a reset connection.
 */
export const axiosFamily: ClientFamily = {
  name: 'axios',
  claims: (facts) => lookUp(CODES, facts.code) !== undefined,
  classify(error, facts) {
    const meaning = lookUp(CODES, facts.code);
    if (meaning === undefined || readProperty(error, 'isAxiosError') !== true) return undefined;
    const [disposition, category] = meaning;
    return verdict(disposition, category, category === 'timeout' ? `axios timeout (${facts.code})` : `axios ${facts.code}`);
  },
};
