import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorClassifier, type Classification } from '../../src/index.js';

const classifier = new ErrorClassifier();
const DISPOSITIONS = ['transient', 'permanent', 'recoverable'];

function expectValid(result: Classification): void {
  expect(DISPOSITIONS).toContain(result.disposition);
  expect(typeof result.category).toBe('string');
  expect(typeof result.reason).toBe('string');
  if (result.retryAfterMs !== undefined) expect(result.retryAfterMs).toBeGreaterThanOrEqual(0);
}

const trap = (): never => {
  throw new Error('trap');
};

describe('ErrorClassifier: whatever was thrown', () => {
  it.each([
    ['a string', 'boom'],
    ['an empty string', ''],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a boolean', false],
    ['a bigint', 10n],
    ['a symbol', Symbol('boom')],
    ['a function', () => 1],
    ['an object without message', { reason: 'nope' }],
    ['an object with a non-string message and status', { message: 42, status: 'nope', code: 7 }],
    ['an object with a null prototype', Object.create(null) as unknown],
    ['an array', [1, 2, 3]],
  ])('classifies %s without throwing', (_label, thrown) => {
    expectValid(classifier.classify(thrown));
  });

  it('classifies a thrown string by its text', () => {
    expect(classifier.classify('rate limit exceeded')).toMatchObject({ disposition: 'transient', category: 'rate_limit' });
    expect(classifier.classify('invalid api key')).toMatchObject({ disposition: 'permanent' });
  });

  it('classifies a plain object carrying an HTTP status', () => {
    expect(classifier.classify({ status: 404 }).disposition).toBe('permanent');
  });

  it('classifies an object whose getters throw without throwing', () => {
    const thrown = {
      get status(): number { return trap(); },
      get message(): string { return trap(); },
      get code(): string { return trap(); },
      get headers(): unknown { return trap(); },
      get response(): unknown { return trap(); },
      get name(): string { return trap(); },
      get cause(): unknown { return trap(); },
    };
    expectValid(classifier.classify(thrown));
  });

  it('classifies an error whose headers getters and get() throw without throwing', () => {
    const error = Object.assign(new Error('busy'), {
      status: 503,
      headers: { get: trap },
    });
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient' });
    const error2 = Object.assign(new Error('busy'), { status: 503, headers: { get ['retry-after'](): string { return trap(); } } });
    expect(classifier.classify(error2).disposition).toBe('transient');
  });

  it('classifies a Proxy whose get trap throws without throwing', () => {
    expectValid(classifier.classify(new Proxy({}, { get: trap })));
  });

  it('classifies a Proxy whose every trap throws without throwing', () => {
    const thrown = new Proxy({}, {
      get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap,
    });
    expect(() => classifier.classify(thrown)).not.toThrow();
  });

  it('classifies a revoked Proxy without throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => classifier.classify(proxy)).not.toThrow();
  });

  it('classifies a Proxy whose getPrototypeOf trap throws with an error-class rule in place', () => {
    class MyError extends Error {}
    const withClassRule = new ErrorClassifier().addRule({ match: MyError, disposition: 'permanent' });
    expect(() => withClassRule.classify(new Proxy({}, { getPrototypeOf: trap }))).not.toThrow();
  });

  it('classifies an error with a cyclic cause chain without throwing', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expectValid(classifier.classify(a));
    const self = new Error('self') as Error & { cause?: unknown };
    self.cause = self;
    expectValid(classifier.classify(self));
  });

  it('classifies an error with a 1 MB message', () => {
    const result = classifier.classify(new Error('x'.repeat(1 << 20)));
    expect(result).toMatchObject({ disposition: 'transient', category: 'unknown' });
  });

  it('classifies a 1 MB message that ends with a known phrase', () => {
    const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
    expect(strict.classify(new Error(`${'x'.repeat(1 << 20)} service unavailable`)).disposition).toBe('transient');
  });

  // A pattern like /invalid\b.*\b(format|...)/ backtracks quadratically: 1 MB of "invalid " took
  // about two minutes, blocking the event loop, and would hit the test timeout by far.
  it('classifies a 1 MB message repeating "invalid" (no catastrophic backtracking)', () => {
    const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
    expect(strict.classify(new Error('invalid '.repeat(1 << 17))).category).toBe('unknown');
  });

  it('returns a valid classification for any value (property test)', () => {
    const withRules = new ErrorClassifier({ unknownDisposition: 'recoverable' })
      .addRule({ match: /quota/g, disposition: 'permanent' })
      .addRule({ match: (error) => (error as { code: string }).code.startsWith('E'), disposition: 'transient' });
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true }), (thrown) => {
        expectValid(classifier.classify(thrown));
        expectValid(withRules.classify(thrown));
      }),
      { numRuns: 500 },
    );
  });

  it('returns a valid classification for any error-shaped object (property test)', () => {
    const errorLike = fc.record({
      message: fc.oneof(fc.string(), fc.anything()),
      name: fc.oneof(fc.constantFrom('TypeError', 'SyntaxError', 'TimeoutError', 'ZodError', 'ValidationError'), fc.anything()),
      status: fc.oneof(fc.integer({ min: -1, max: 1_000 }), fc.string(), fc.anything()),
      code: fc.oneof(fc.constantFrom('ECONNRESET', 'EPIPE'), fc.anything()),
      headers: fc.oneof(fc.dictionary(fc.constantFrom('retry-after', 'Retry-After', 'retry-after-ms'), fc.oneof(fc.string(), fc.integer(), fc.anything())), fc.anything()),
      cause: fc.anything(),
    }, { requiredKeys: [] });
    fc.assert(
      fc.property(errorLike, (thrown) => {
        expectValid(classifier.classify(thrown));
      }),
      { numRuns: 500 },
    );
  });
});

describe('ErrorClassifier: prototype keys are not codes', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('code %j is classified like any unknown code', (code) => {
    const classification = new ErrorClassifier().classify(Object.assign(new Error('odd'), { code, type: code }));
    expect(classification).toMatchObject({ disposition: 'transient', category: 'unknown' });
  });
});

describe('ErrorClassifier: provider messages', () => {
  it('a 400 that mentions billing is not a spent quota (only the providers\' own words are)', () => {
    const classifier = new ErrorClassifier();
    expect(classifier.classify(Object.assign(new Error('invalid billing address'), { status: 400 })).category).toBe('invalid_request');
    expect(classifier.classify(Object.assign(new Error('Your credit balance is too low to access the API'), { status: 400 })))
      .toMatchObject({ disposition: 'permanent', category: 'quota' });
  });
});
