/**
 * Arbitrary options objects: valid ones build a pipeline that runs to a well-formed result and
 * leaves no timer behind; invalid ones throw a HealingConfigError naming the option; nothing
 * else ever comes out, and nothing hangs. Time is a manual clock; runs are bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker, CircuitBreakerRegistry, ErrorClassifier, executeWithHealing, HealingConfigError, HealingPipeline,
  type HealingOptions, type HealingResult,
} from '../../src/index.js';
import { injectFault, injectLatency } from '../../src/testing/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

const MAX_MS = 2 ** 31 - 1;
const ms = fc.oneof(fc.integer({ min: 0, max: MAX_MS }), fc.double({ min: 0, max: MAX_MS, noNaN: true }));
const positiveMs = fc.oneof(fc.integer({ min: 1, max: MAX_MS }), fc.double({ min: 0.001, max: MAX_MS, noNaN: true }));

const validRetry = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 25 }),
  minDelayMs: ms,
  maxDelayMs: ms,
  factor: fc.double({ min: 1, max: 100, noNaN: true }),
  jitter: fc.constantFrom('full', 'equal', 'none', true, false),
  maxElapsedMs: positiveMs,
  maxRetryAfterMs: ms,
}, { requiredKeys: [] });

const validOptions = fc.record({
  circuitName: fc.string({ minLength: 1, maxLength: 20 }),
  retry: validRetry,
  timeoutMs: positiveMs,
  maxReflections: fc.integer({ min: 0, max: 100 }),
  fallback: fc.constantFrom(undefined, () => 'from fallback', [() => { throw new Error('fallback 1'); }, () => 'from fallback 2']),
}, { requiredKeys: [] });

/** Runs until the execution settles, moving the manual clock; fails on a hang instead of waiting. */
async function settle<T>(pending: Promise<T>, clock: ManualClock): Promise<T> {
  let settled = false;
  const done = pending.finally(() => { settled = true; });
  for (let step = 0; step < 10_000 && !settled; step++) await clock.advance(MAX_MS);
  expect(settled, 'the execution settled (no hang)').toBe(true);
  return done;
}

function expectWellFormed(result: HealingResult<unknown>): void {
  expect(['ok', 'error']).toContain(result.status);
  if (result.status === 'error') {
    expect(result.error).toBeInstanceOf(Error);
    expect(result.healingActions.at(-1)!.kind).toBe('give_up');
  }
}

describe('valid options', () => {
  it('build a pipeline whose executions end well-formed, within the attempt budget, with no timer left', async () => {
    await fc.assert(fc.asyncProperty(validOptions, fc.boolean(), async (options, succeeds) => {
      const clock = new ManualClock();
      const registry = new CircuitBreakerRegistry({ clock });
      const pipeline = new HealingPipeline({ ...(options as HealingOptions), clock, registry });
      let calls = 0;
      const result = await settle(pipeline.execute(async () => {
        calls++;
        if (succeeds && calls === 2) return 'ok';
        throw Object.assign(new Error('busy'), { status: 503, headers: { 'retry-after': '1' } });
      }, { id: 1 }), clock);
      expectWellFormed(result);
      expect(result.attempts).toBe(calls);
      expect(calls).toBeLessThanOrEqual(options.retry?.maxAttempts ?? 3);
      if (result.status === 'error') {
        expect(['exhausted', 'deadline', 'retry_after', 'circuit_open']).toContain(result.healingActions.at(-1)!.reason);
      }
      expect(clock.timerCount).toBe(0);
    }), { numRuns: 150 });
  });
});

/** For each option, values that must be refused, and the path the error must name. */
const invalidField: ReadonlyArray<fc.Arbitrary<[path: string, patch: Record<string, unknown>]>> = [
  fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1_001 }), fc.double({ min: 1.1, max: 9.9, noInteger: true }), fc.constantFrom(Number.NaN, Infinity, '3', null, true))
    .map((value) => ['retry.maxAttempts', { retry: { maxAttempts: value } }]),
  fc.oneof(fc.double({ max: -0.001, noNaN: true }), fc.constantFrom(2 ** 31, Number.NaN, Infinity, '100', null))
    .map((value) => ['retry.minDelayMs', { retry: { minDelayMs: value } }]),
  fc.oneof(fc.double({ max: 0.999, noNaN: true }), fc.constantFrom(101, Number.NaN, 'x'))
    .map((value) => ['retry.factor', { retry: { factor: value } }]),
  fc.constantFrom('half', 1, null, {}).map((value) => ['retry.jitter', { retry: { jitter: value } }]),
  fc.oneof(fc.double({ max: 0, noNaN: true }), fc.constantFrom(Number.NaN, 2 ** 31, '1s', null))
    .map((value) => ['timeoutMs', { timeoutMs: value }]),
  fc.constantFrom('', 7, null, {}).map((value) => ['circuitName', { circuitName: value }]),
  fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 101 }), fc.constant(1.5)).map((value) => ['maxReflections', { maxReflections: value }]),
  fc.constantFrom('cache', 3, {}, null).map((value) => ['fallback', { fallback: value }]),
  fc.constantFrom({}, 'x', { classify: 1 }).map((value) => ['classifier', { classifier: value }]),
  fc.constantFrom({}, 'x', { info: () => {} }).map((value) => ['logger', { logger: value }]),
  fc.constantFrom({}, Date, { now: () => 1 }).map((value) => ['clock', { clock: value }]),
  fc.constantFrom({}, new AbortController()).map((value) => ['signal', { signal: value }]),
  fc.constantFrom('retries', 'maxAttempts', 'timeout', 'onRetry').map((key) => [key, { [key]: 1 }]),
  fc.constantFrom('retries', 'delay', 'minTimeout').map((key) => [`retry.${key}`, { retry: { [key]: 1 } }]),
];

describe('invalid options', () => {
  it('throw a HealingConfigError naming the offending option, from the constructor and from execute overrides', async () => {
    await fc.assert(fc.asyncProperty(validOptions, fc.oneof(...invalidField), async (valid, [path, patch]) => {
      const options = { ...valid, ...patch, retry: { ...valid.retry, ...(patch.retry as object) } };
      let thrown: unknown;
      try {
        new HealingPipeline(options as HealingOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(HealingConfigError);
      expect((thrown as HealingConfigError).option).toBe(path);
      expect((thrown as HealingConfigError).message).toContain(path);
      const rejected = await new HealingPipeline().execute(async () => 'x', {}, options as HealingOptions).catch((error: unknown) => error);
      expect(rejected).toBeInstanceOf(HealingConfigError);
      expect((rejected as HealingConfigError).option).toBe(path);
    }), { numRuns: 200 });
  });

  it('anything at all as options: a pipeline or a HealingConfigError, never another error or a hang', async () => {
    const anything = fc.oneof(
      fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true }),
      fc.dictionary(fc.constantFrom('retry', 'timeoutMs', 'circuitName', 'fallback', 'maxReflections', 'jitter', '__proto__', 'constructor'),
        fc.anything({ withNullPrototype: true })),
    );
    await fc.assert(fc.asyncProperty(anything, async (options) => {
      const clock = new ManualClock();
      const registry = new CircuitBreakerRegistry({ clock });
      let pipeline: HealingPipeline | undefined;
      try {
        pipeline = new HealingPipeline(options as HealingOptions);
      } catch (error) {
        expect(error).toBeInstanceOf(HealingConfigError);
        expect(typeof (error as HealingConfigError).option).toBe('string');
      }
      const viaExecute = await settle(executeWithHealing(async () => 'x', {}, options as HealingOptions).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ), clock);
      if ('error' in viaExecute) expect(viaExecute.error).toBeInstanceOf(HealingConfigError);
      if (pipeline !== undefined) {
        const result = await settle(pipeline.execute(async () => 'x', {}, { clock, registry }), clock);
        expect(result).toMatchObject({ status: 'ok', result: 'x' });
      }
    }), { numRuns: 200 });
  });

  it('options whose getters throw, Proxies and revoked Proxies as options: a HealingConfigError', () => {
    const trap = (): never => { throw new Error('trap'); };
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    for (const options of [
      { get retry(): never { return trap(); } },
      { retry: { get maxAttempts(): never { return trap(); } } },
      new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap }),
      revocable.proxy,
    ]) {
      expect(() => new HealingPipeline(options as HealingOptions)).toThrow(HealingConfigError);
    }
  });
});

describe('other configuration entry points take anything without crashing', () => {
  const anything = fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true });
  const expectConfigErrorOr = (build: () => unknown, type: abstract new (...args: never[]) => unknown) => {
    try {
      expect(build()).toBeInstanceOf(type);
    } catch (error) {
      expect(error).toBeInstanceOf(HealingConfigError);
    }
  };

  it('breaker configs, registry options and classifier options', () => {
    fc.assert(fc.property(anything, anything, (config, options) => {
      expectConfigErrorOr(() => new CircuitBreakerRegistry().get('fuzz', config as never), CircuitBreaker);
      expectConfigErrorOr(() => new CircuitBreakerRegistry(options as never), CircuitBreakerRegistry);
      expectConfigErrorOr(() => new ErrorClassifier(options as never), ErrorClassifier);
    }), { numRuns: 200 });
  });

  it('chaos wrapper options', () => {
    fc.assert(fc.property(anything, (options) => {
      expectConfigErrorOr(() => injectFault(async () => 1, options as never), Function);
      expectConfigErrorOr(() => injectLatency(async () => 1, options as never), Function);
    }), { numRuns: 200 });
  });
});
