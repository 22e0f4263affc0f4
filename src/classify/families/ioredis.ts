import type { ClientFamily } from './client-family.js';
import { familyVerdict, lookUp, readString, type CodeMeaning } from './family-verdict.js';

/**
 * Redis errors as ioredis reports them. A server error is a `ReplyError` whose message starts
 * with Redis's error prefix (`BUSY ...`, `WRONGTYPE ...`); the client's own are a
 * `MaxRetriesPerRequestError`, a `ClusterAllFailedError`, or a plain `Error` with one of its
 * fixed messages. Redis answers every prefixed rejection below without running the command, so
 * the transient ones are marked `notProcessed`.
 */
const PREFIXES: Readonly<Record<string, CodeMeaning>> = {
  LOADING: ['transient', 'unavailable', true], // loading the dataset into memory
  BUSY: ['transient', 'unavailable', true], // a script or function is running
  TRYAGAIN: ['transient', 'unavailable', true], // a multi-key command during resharding
  CLUSTERDOWN: ['transient', 'unavailable', true],
  MASTERDOWN: ['transient', 'unavailable', true], // a replica lost its primary
  READONLY: ['transient', 'unavailable', true], // a write to a replica, as after a failover
  NOREPLICAS: ['transient', 'unavailable', true],
  OOM: ['transient', 'capacity', true], // used memory > maxmemory
  WRONGTYPE: ['permanent', 'invalid_request'],
  NOSCRIPT: ['permanent', 'not_found'], // EVALSHA of a script the server does not hold
  EXECABORT: ['permanent', 'invalid_request'], // the transaction was discarded for earlier errors
  NOAUTH: ['permanent', 'auth'],
  WRONGPASS: ['permanent', 'auth'],
  NOPERM: ['permanent', 'auth'],
};

/** `ERR ...` replies that say what went wrong; other `ERR`s are left to the generic rules. */
const ERR_MESSAGES: ReadonlyArray<readonly [RegExp, ...CodeMeaning]> = [
  [/^ERR max number of clients reached/, 'transient', 'unavailable', true],
  [/^ERR (syntax error|unknown command|unknown subcommand|wrong number of arguments|value is not an integer|value is not a valid float)/i, 'permanent', 'invalid_request'],
];

/** ioredis's own fixed messages. */
const CLIENT_MESSAGES: ReadonlyArray<readonly [string, ...CodeMeaning]> = [
  // enableOfflineQueue: false and no connection: the command was never written.
  ["Stream isn't writeable and enableOfflineQueue options is false", 'transient', 'network', true],
  ['Connection is closed.', 'transient', 'network'],
];

const CLIENT_TEXTS = new Set(CLIENT_MESSAGES.map(([text]) => text));
const OWN_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'ReplyError']);

const PREFIX = /^([A-Z]+)\b/;

export const ioredisFamily: ClientFamily = {
  name: 'Redis (ioredis)',
  claims: (facts) => OWN_NAMES.has(facts.name) || (facts.name === 'Error' && CLIENT_TEXTS.has(facts.message)),
  classify(error, facts) {
    const { name, message } = facts;
    if (name === 'MaxRetriesPerRequestError') return familyVerdict('transient', 'network', 'ioredis MaxRetriesPerRequestError');
    if (name === 'ClusterAllFailedError') return familyVerdict('transient', 'unavailable', 'ioredis ClusterAllFailedError');
    if (name === 'ReplyError') {
      const prefix = PREFIX.exec(message)?.[1];
      const meaning = lookUp(PREFIXES, prefix);
      if (meaning) return familyVerdict(meaning[0], meaning[1], `Redis ${prefix}`, meaning[2]);
      for (const [pattern, disposition, category, notProcessed] of ERR_MESSAGES) {
        if (pattern.test(message)) return familyVerdict(disposition, category, `Redis ${message.slice(0, 40)}`, notProcessed);
      }
      return undefined;
    }
    if (name !== 'Error' || readString(error, 'code') !== undefined) return undefined;
    for (const [text, disposition, category, notProcessed] of CLIENT_MESSAGES) {
      if (message === text) return familyVerdict(disposition, category, `ioredis: ${text}`, notProcessed);
    }
    return undefined;
  },
};
