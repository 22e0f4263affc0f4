/**
 * Whatever a function throws (or a fallback throws), the classifier answers and the pipeline
 * resolves a well-formed HealingResult: never a rejection, never a hang. Bounded runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ErrorClassifier, executeWithHealing, HealingError, NonErrorThrownError, withSelfHealing, type HealingResult,
} from '../../src/index.js';

const trap = (): never => {
  throw new Error('trap');
};

/** Thrown values that have broken error handlers before: each is a named builder. */
const nasty: Record<string, () => unknown> = {
  'a Proxy whose every trap throws': () => new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap }),
  'a revoked Proxy': () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    return revocable.proxy;
  },
  'a Proxy of an Error whose get trap throws': () => new Proxy(new Error('x'), { get: trap }),
  'a Proxy of an Error whose getPrototypeOf throws': () => new Proxy(new Error('x'), { getPrototypeOf: trap }),
  'an Error whose message getter throws': () => Object.defineProperty(new Error('x'), 'message', { get: trap }),
  'an Error whose message is a number': () => Object.assign(new Error('x'), { message: 42 }),
  'an Error whose message is an object with a throwing toString': () => Object.assign(new Error('x'), { message: { toString: trap } }),
  'an Error whose name, code, status and cause getters throw': () => Object.defineProperties(new Error('x'), {
    name: { get: trap }, code: { get: trap }, status: { get: trap }, cause: { get: trap }, headers: { get: trap },
  }),
  'errors with cyclic causes': () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = new Error('b', { cause: a });
    return a;
  },
  'an object whose cause is itself': () => {
    const self: Record<string, unknown> = { message: 'self' };
    self.cause = self;
    return self;
  },
  'a 5 MB message': () => new Error(`${'x'.repeat(5_000_000)} Bearer abcdefghijklmnop`),
  'a 5 MB thrown string': () => 'invalid parameter '.repeat(300_000),
  'an object with a throwing toJSON': () => ({ toJSON: trap, message: 'm' }),
  'an object with a null prototype': () => Object.create(null) as unknown,
  'a symbol': () => Symbol('s'),
  'a bigint': () => 10n,
  'null': () => null,
  'undefined': () => undefined,
  'a function': () => trap,
  'a status that is a getter on the prototype': () => Object.create({ get status(): number { return trap(); } }) as unknown,
  'headers whose get() throws': () => Object.assign(new Error('busy'), { status: 429, headers: { get: trap } }),
  'a thenable': () => ({ then: trap }),
};

/** A named builder, so fast-check never holds the value itself (it cannot copy a revoked Proxy). */
function builder(name: string, build: () => unknown): () => unknown {
  return Object.assign(build, { toString: () => name });
}

/**
 * Arbitrary thrown values (as builders): anything fast-check makes, strings, objects without a
 * message but with odd status/code/headers, Errors, and the nasty ones.
 */
const thrownValue = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true })
    .map((value) => builder(fc.stringify(value), () => value)),
  fc.string({ maxLength: 2_000 }).map((text) => builder(JSON.stringify(text), () => text)),
  fc.record({ status: fc.oneof(fc.integer({ min: -1, max: 700 }), fc.string()), code: fc.string(), headers: fc.dictionary(fc.string(), fc.string()) }, { requiredKeys: [] })
    .map((value) => builder(fc.stringify(value), () => value)),
  fc.string().map((message) => builder(`new Error(${JSON.stringify(message)})`, () => new Error(message))),
  fc.constantFrom(...Object.keys(nasty)).map((name) => builder(name, nasty[name]!)),
);

function expectWellFormed(result: HealingResult<unknown>): void {
  expect(['ok', 'error']).toContain(result.status);
  expect(Array.isArray(result.healingActions)).toBe(true);
  if (result.status === 'error') {
    expect(result.error).toBeInstanceOf(Error);
    expect(result.healingActions.at(-1)!.kind).toBe('give_up');
    for (const action of result.healingActions) {
      if (action.error !== undefined) {
        expect(typeof action.error).toBe('string');
        expect(action.error.length).toBeLessThanOrEqual(520); // redacted and truncated
      }
    }
  }
}

const noWait = { maxAttempts: 3, minDelayMs: 0 };

describe('the classifier never throws and always answers', () => {
  it('for arbitrary thrown values', () => {
    const classifier = new ErrorClassifier();
    fc.assert(fc.property(thrownValue, (build) => {
      const verdict = classifier.classify(build());
      expect(['transient', 'permanent', 'recoverable']).toContain(verdict.disposition);
      expect(typeof verdict.category).toBe('string');
    }), { numRuns: 300 });
  });
});

describe('the pipeline resolves a HealingResult whatever is thrown', () => {
  it.each(Object.entries(nasty))('regression: %s (by fn, and by a fallback)', async (_name, build) => {
    expectWellFormed(await executeWithHealing(async () => { throw build(); }, {}, { retry: noWait }));
    expectWellFormed(await executeWithHealing(() => { throw build(); }, {}, { retry: noWait })); // synchronous throw
    const viaFallback = await executeWithHealing(async () => { throw new Error('primary'); }, {}, {
      retry: { maxAttempts: 1 }, fallback: () => { throw build(); },
    });
    expectWellFormed(viaFallback);
    expect(viaFallback.error).toBeInstanceOf(AggregateError);
  });

  it('regression: an Error whose message is not a string is still retried (and named in the actions)', async () => {
    let calls = 0;
    const result = await executeWithHealing(async () => {
      calls++;
      throw Object.assign(new Error('x'), { message: 503 });
    }, {}, { retry: noWait });
    expect(calls).toBe(3);
    expect(result.healingActions.map((a) => [a.kind, a.error])).toEqual([['retry', '503'], ['retry', '503'], ['give_up', '503']]);
  });

  it('regression: a value whose instanceof throws becomes a NonErrorThrownError that keeps it', async () => {
    const thrown = nasty['a revoked Proxy']!();
    const result = await executeWithHealing(async () => { throw thrown; }, {}, { retry: { maxAttempts: 1 } });
    expect(result.error).toBeInstanceOf(NonErrorThrownError);
    expect((result.error as NonErrorThrownError).thrown).toBe(thrown);
  });

  it('regression: withSelfHealing rejects with a HealingError even when the message cannot be read', async () => {
    const wrapped = withSelfHealing(async () => { throw nasty['an Error whose message getter throws']!(); }, { retry: { maxAttempts: 1 } });
    await expect(wrapped()).rejects.toBeInstanceOf(HealingError);
  });

  it('for arbitrary thrown values, from the first attempt or a later one', async () => {
    await fc.assert(fc.asyncProperty(thrownValue, fc.integer({ min: 1, max: 3 }), async (build, failFrom) => {
      let calls = 0;
      const result = await executeWithHealing(async () => {
        calls++;
        if (calls >= failFrom) throw build();
        throw Object.assign(new Error('busy'), { status: 503 });
      }, {}, { retry: noWait });
      expectWellFormed(result);
      expect(result.attempts).toBe(calls);
      expect(calls).toBeLessThanOrEqual(3);
    }), { numRuns: 200 });
  });
});
