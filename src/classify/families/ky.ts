import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { fetchFailure } from './fetch.js';

/**
 * ky (2.x): a `NetworkError` wraps fetch's `TypeError`, which wraps the system error, so the code
 * is two `cause` levels down; a `TimeoutError` is ky's own `timeout`; an `HTTPError` has the
 * status on `response.status` (the status rule reads it). Each carries the `request`.
 */
export const kyFamily: ClientFamily = {
  name: 'ky',
  claims: (facts) => facts.name === 'NetworkError',
  classify(error, facts) {
    if (facts.name !== 'NetworkError' || readProperty(error, 'request') === undefined) return undefined;
    return fetchFailure(error, 'ky NetworkError');
  },
};
