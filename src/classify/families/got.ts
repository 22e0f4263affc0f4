import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { verdict } from '../verdict.js';

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
      const found = verdict('transient', 'timeout', `got timeout in phase ${phase}`);
      return BEFORE_CONNECTION.has(phase) ? { ...found, notProcessed: true } : found;
    }
    if (facts.code === 'ERR_BODY_PARSE_FAILURE') return verdict('transient', 'malformed_response', 'got ERR_BODY_PARSE_FAILURE');
    if (facts.code === 'ERR_TOO_MANY_REDIRECTS') return verdict('permanent', 'redirect_loop', 'got ERR_TOO_MANY_REDIRECTS');
    return undefined;
  },
};
