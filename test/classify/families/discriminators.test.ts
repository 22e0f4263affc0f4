/**
 * Each client family's `claims` lets the classifier skip its matcher: it must never turn away an
 * error the matcher would have classified (that would change a verdict), and for the errors
 * every service sees (a 503, a reset connection, a plain Error) no matcher runs at all, which is
 * what keeps classification cheap with fifteen families (issue 15).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';
import { readErrorFacts } from '../../../src/classify/error-facts.js';
import { CLIENT_FAMILIES } from '../../../src/classify/families/index.js';

/** mulberry32: a seeded generator, so the shapes below are the same on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASS_NAMES = ['Error', 'TypeError', 'APIError', 'RateLimitError', 'APIConnectionError', 'ConflictError', 'DatabaseError', 'ReplyError', 'Other'];
const CLASSES = CLASS_NAMES.map((name) => ({ [name]: class extends Error {} })[name]!);
const CAUSE = Symbol('a nested error');

/** Values for every field some family reads, each family's own marks included. */
const FIELDS: Record<string, readonly unknown[]> = {
  name: ['Error', 'TypeError', 'AI_APICallError', 'AI_LoadAPIKeyError', 'NetworkError', 'TimeoutError', 'ReplyError', 'MaxRetriesPerRequestError',
    'MongoNetworkError', 'MongoServerError', 'PrismaClientKnownRequestError', 'PrismaClientValidationError', 'ThrottlingException', 'AccessDenied', 'AbortError', ''],
  message: ['boom', 'fetch failed', 'terminated', 'Connection is closed.', "Can't add new command when connection is in closed state",
    'BUSY running script', 'ERR syntax error', 'prompt is too long', 'credit balance is too low', 'No connection established',
    'canceling statement due to statement timeout', 'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable'],
  code: ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_NETWORK', 'HPE_INVALID_CONSTANT', '40001', '57014', '23505', 'P2002', 'P1001', 'P0001', 'P2010', 'P2039',
    'PROTOCOL_CONNECTION_LOST', 'ER_LOCK_DEADLOCK', 'rate_limit_exceeded', 'insufficient_quota', 'ERR_BODY_PARSE_FAILURE', '__proto__',
    0, 1, 4, 8, 14, 16, 17, 112, 11000, -104, 1.5],
  errno: [1213, 1205, -104], sqlState: ['40001', 'HY000'], severity: ['ERROR'], clientVersion: ['5.0.0'], errorCode: ['P1001', 'P9999'],
  meta: [{ driverAdapterError: { cause: { kind: 'postgres', code: '23514', severity: 'ERROR' } } }, { driverAdapterError: { cause: { kind: 'UniqueConstraintViolation' } } }, null],
  errorLabels: [['TransientTransactionError'], ['NoWritesPerformed', 'RetryableWriteError'], [], 'x'], codeName: ['WriteConflict'],
  $metadata: [{ httpStatusCode: 400 }, {}, null], $fault: ['client', 'server', 'x'], $retryable: [{ throttling: true }, {}],
  Code: ['Throttling', 'NoSuchKey'], CancellationReasons: [[{ Code: 'ConditionalCheckFailed' }], [{ Code: 'TransactionConflict' }]],
  details: ['No connection established to x', 'Received message larger than max', 'x'], metadata: [{}, null],
  error: [{ error: { type: 'overloaded_error' } }, { error: { message: 'prompt is too long' } }, { code: 'x' }, 'str', null],
  apiMessage: ['Overloaded', 'prompt is too long'], workspaceID: ['ws_1'], type: ['insufficient_quota', 'requests', 'overloaded_error'],
  isAxiosError: [true], timings: [{}], options: [{}], event: ['connect', 'request'], request: [{}],
  status: [503, 429, 409, 400], response: [{ status: 503 }, null], headers: [{ 'x-should-retry': 'true' }, null],
  data: [{ error: { code: 'insufficient_quota' } }, { error: {} }], isRetryable: [true, false], fatal: [true], beforeHandshake: [true],
  syscall: ['connect', 'read'], cause: [CAUSE, { code: 'ECONNRESET' }],
};
const KEYS = Object.keys(FIELDS);

/** A thrown value with a random subset of those fields; a few throw when read. */
function shape(random: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (random() < 0.02) return pick(['oops', null, undefined, 42]);
  const value: object = random() < 0.1 ? {} : new (pick(CLASSES))('m');
  const density = 0.05 + random() * 0.2;
  for (const key of KEYS) {
    if (random() >= density) continue;
    const field = pick(FIELDS[key]!);
    const descriptor = random() < 0.03
      ? { get: () => { throw new Error('trap'); } }
      : { value: field === CAUSE ? (depth < 2 ? shape(random, depth + 1) : undefined) : field, writable: true };
    Object.defineProperty(value, key, { ...descriptor, enumerable: true, configurable: true });
  }
  return value;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('client family discriminators', () => {
  it('no family turns away an error its matcher classifies (20,000 generated shapes)', () => {
    const random = generator(15);
    const verdicts = new Map<string, number>();
    const refused: string[] = [];
    for (let index = 0; index < 20_000; index++) {
      const value = shape(random);
      const facts = readErrorFacts(value);
      for (const family of CLIENT_FAMILIES) {
        if (family.classify(value, facts) === undefined) continue;
        verdicts.set(family.name, (verdicts.get(family.name) ?? 0) + 1);
        let claimed: boolean;
        try {
          claimed = family.claims(facts, value);
        } catch {
          claimed = true; // the classifier runs the matcher when a claim throws
        }
        if (!claimed && refused.length < 5) refused.push(`${family.name}: ${typeof value === 'object' && value !== null ? Object.keys(value).join(', ') : String(value)}`);
      }
    }
    expect(refused).toEqual([]);
    // The shapes reach every family's verdicts, so a discriminator too narrow is noticed.
    expect(CLIENT_FAMILIES.filter((family) => !verdicts.has(family.name)).map((family) => family.name)).toEqual([]);
  });

  it('runs no family matcher for a 503, a reset connection or a plain Error, and only its own for a PostgreSQL error', () => {
    const matchers = CLIENT_FAMILIES.map((family) => vi.spyOn(family, 'classify'));
    const classifier = new ErrorClassifier();
    const ran = () => CLIENT_FAMILIES.filter((_, index) => matchers[index]!.mock.calls.length > 0).map((family) => family.name);

    expect(classifier.classify(Object.assign(new Error('Service Unavailable'), { status: 503 })).category).toBe('unavailable');
    expect(classifier.classify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' })).category).toBe('network');
    expect(classifier.classify(new Error('boom')).category).toBe('unknown');
    expect(ran()).toEqual([]);

    const serialization = Object.assign(new Error('could not serialize access'), { code: '40001', severity: 'ERROR' });
    expect(classifier.classify(serialization)).toMatchObject({ category: 'serialization_failure', notProcessed: true });
    expect(ran()).toEqual(['PostgreSQL (pg)']);
  });

  it('a field that throws when a discriminator reads it directly still lets the family decide', () => {
    const classifier = new ErrorClassifier();
    // Anthropic's claim reads `error` directly, which throws; its matcher reads it safely and decides by `apiMessage`.
    const hostile = Object.defineProperty({ apiMessage: 'prompt is too long' }, 'error', { get: () => { throw new Error('trap'); } });
    expect(classifier.classify(hostile)).toMatchObject({ disposition: 'permanent', category: 'context_length' });
  });
});
