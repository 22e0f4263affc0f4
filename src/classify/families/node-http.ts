import type { ClientFamily } from './client-family.js';
import { verdict } from '../verdict.js';

/**
 * `node:http` and `node:https`: connection failures are system errors (`ECONNREFUSED`,
 * `ECONNRESET` with "socket hang up"), which the network-code rule reads. What only this family
 * knows: llhttp's `HPE_*` codes say the response could not be parsed (a server or proxy that
 * broke the protocol or cut the stream), worth another try but with no proof the request was
 * not processed.
 */
export const nodeHttpFamily: ClientFamily = {
  name: 'node:http',
  claims: (facts) => facts.code !== undefined && facts.code.startsWith('HPE_'),
  classify(_error, facts) {
    if (facts.code === undefined || !facts.code.startsWith('HPE_')) return undefined;
    return verdict('transient', 'protocol_error', `node:http ${facts.code} (the response could not be parsed)`);
  },
};
