import type { ClientFamily } from './client-family.js';
import type { Classification } from '../classification.js';
import { innerError, readProperty } from '../error-facts.js';
import { networkCodeIn } from '../rules/network-codes.js';
import { verdict } from '../verdict.js';

/** What each runtime's fetch says when the network fails (they all throw a plain `TypeError`). */
const FETCH_NETWORK_MESSAGE = /^(fetch failed|failed to fetch|network ?error|networkerror when attempting to fetch resource\.?|load failed|terminated|network connection was lost\.?)$/i;

/**
 * The global `fetch` and undici's own `fetch`: a network failure is a `TypeError` ("fetch
 * failed", "terminated" when the body was cut) whose `cause` holds the system or undici code
 * (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, ...). undici's `request()` throws errors with
 * their own `UND_ERR_*` codes, which the network-code rule reads; the caller's abort is a
 * `DOMException` `AbortError`, handled before every family.
 */
export const fetchFamily: ClientFamily = {
  name: 'fetch and undici',
  claims: (facts) => facts.name === 'TypeError',
  classify(error, facts) {
    if (facts.name !== 'TypeError' || !FETCH_NETWORK_MESSAGE.test(facts.message.trim())) return undefined;
    return fetchFailure(error, `fetch (${facts.message.trim()})`);
  },
};

/**
 * undici's fetch words for a redirect it will not follow, in the `cause` of "fetch failed": too
 * many hops (20), or any hop under `redirect: 'error'`. Another attempt meets the same redirects.
 */
const REDIRECT_CAUSES: Readonly<Record<string, readonly [category: string, what: string]>> = {
  'redirect count exceeded': ['redirect_loop', 'more than 20 redirects'],
  'unexpected redirect': ['client_error', "a redirect under redirect: 'error'"],
};

/**
 * What a failed fetch (or ky's `NetworkError`, which wraps one) was: a certificate or protocol
 * that TLS refused, a redirect undici would not follow, or, by default, the network.
 */
export function fetchFailure(error: unknown, reasonPrefix: string): Classification {
  const byCode = networkCodeIn(error, reasonPrefix);
  if (byCode !== undefined) return byCode;
  let current = innerError(error);
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const message = readProperty(current, 'message');
    const redirect = typeof message === 'string' && Object.hasOwn(REDIRECT_CAUSES, message) ? REDIRECT_CAUSES[message] : undefined;
    if (redirect !== undefined) return verdict('permanent', redirect[0], `${reasonPrefix}: ${redirect[1]}`);
    current = innerError(current);
  }
  return verdict('transient', 'network', `${reasonPrefix}: network failure`);
}
