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
 * axios's `ERR_BAD_RESPONSE` by its words (a status it also carries is the status rule's): the
 * body was cut off mid-way, a network failure, or it was larger than `maxContentLength`, which
 * the next attempt's body is too.
 */
function badResponse(message: string) {
  if (message === 'stream has been aborted') return verdict('transient', 'network', 'axios: the response body was cut off');
  if (message.startsWith('maxContentLength size of ')) return verdict('permanent', 'payload_too_large', `axios: ${message}`);
  return undefined;
}

/**
 * axios: an `AxiosError` (`isAxiosError: true`) with a `code`; a status on `response.status`
 * (the status rule reads it). axios reports its own `timeout` as `ECONNABORTED` (or `ETIMEDOUT`
 * with `transitional.clarifyTimeoutError`), a timeout rather than a reset connection.
 */
export const axiosFamily: ClientFamily = {
  name: 'axios',
  claims: (facts) => lookUp(CODES, facts.code) !== undefined || facts.code === 'ERR_BAD_RESPONSE',
  classify(error, facts) {
    if (facts.code === 'ERR_BAD_RESPONSE') return readProperty(error, 'isAxiosError') === true ? badResponse(facts.message) : undefined;
    const meaning = lookUp(CODES, facts.code);
    if (meaning === undefined || readProperty(error, 'isAxiosError') !== true) return undefined;
    const [disposition, category] = meaning;
    return verdict(disposition, category, category === 'timeout' ? `axios timeout (${facts.code})` : `axios ${facts.code}`);
  },
};
