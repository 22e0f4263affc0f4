import type { ClientFamily } from './client-family.js';
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
  classify(_error, facts) {
    if (facts.name !== 'TypeError' || !FETCH_NETWORK_MESSAGE.test(facts.message.trim())) return undefined;
    return networkCodeIn(_error, `fetch (${facts.message.trim()})`) ??
      verdict('transient', 'network', 'fetch network failure');
  },
};
