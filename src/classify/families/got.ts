import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';

/** got's timeout phases before a connection exists: a timeout in one proves nothing was sent. */
const BEFORE_CONNECTION = new Set(['lookup', 'connect', 'secureConnect']);

/**
 * got: a `RequestError` subclass with `code`, `options` and `timings`; an `HTTPError` keeps its
 * status only on `response.statusCode` (the status rule reads it). A `TimeoutError` (`ETIMEDOUT`)
 * names the phase it expired in (`event`); `ERR_BODY_PARSE_FAILURE` is a response body that was
 * not the JSON asked for; `ERR_TOO_MANY_REDIRECTS` a redirect loop.
 */
export const gotFamily: ClientFamily = {
  name: 'got',
  // What got's verdicts below read; `timings` and `options` are read only then.
  claims: (facts) => facts.name === 'TimeoutError' || facts.code === 'ERR_BODY_PARSE_FAILURE' || facts.code === 'ERR_TOO_MANY_REDIRECTS',
  classify(error, facts) {
    if (readProperty(error, 'timings') === undefined || readProperty(error, 'options') === undefined) return undefined;
    if (facts.name === 'TimeoutError') {
      const event = readProperty(error, 'event');
      const phase = typeof event === 'string' ? event : 'request';
      const verdict = { disposition: 'transient' as const, category: 'timeout', reason: `got timeout in phase ${phase}` };
      return BEFORE_CONNECTION.has(phase) ? { ...verdict, notProcessed: true } : verdict;
    }
    if (facts.code === 'ERR_BODY_PARSE_FAILURE') return { disposition: 'transient', category: 'malformed_response', reason: 'got ERR_BODY_PARSE_FAILURE' };
    if (facts.code === 'ERR_TOO_MANY_REDIRECTS') return { disposition: 'permanent', category: 'redirect_loop', reason: 'got ERR_TOO_MANY_REDIRECTS' };
    return undefined;
  },
};
