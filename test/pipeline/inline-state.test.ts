import { describe, expect, it } from 'vitest';
import { Bulkhead, CircuitBreakerRegistry, executeWithHealing, HealingConfigError, HealingPipeline } from '../../src/index.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));
const quota = () => Object.assign(new Error('Service Unavailable: quota'), { status: 503 });

/** A call that finishes when the test says so, counting how many run at once. */
function gate() {
  const pending: Array<() => void> = [];
  let running = 0;
  let peak = 0;
  const fn = () => new Promise<string>((resolve) => {
    peak = Math.max(peak, ++running);
    pending.push(() => { running--; resolve('done'); });
  });
  return { fn, openAll: () => { while (pending.length > 0) pending.shift()!(); }, get peak() { return peak; } };
}

/** Runs `attempt` and returns the HealingConfigError it must reject with. */
async function refusal(attempt: () => Promise<unknown>): Promise<HealingConfigError> {
  const error = await attempt().then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(HealingConfigError);
  return error as HealingConfigError;
}

describe('stateful options written inline in each call', () => {
  it('an inline bulkhead bounds concurrency across calls, by the circuit name', async () => {
    const registry = new CircuitBreakerRegistry();
    const state = gate();
    // A new options literal per call, as the README writes them.
    const calls = Array.from({ length: 6 }, () =>
      executeWithHealing(state.fn, {}, { circuitName: 'geo', registry, bulkhead: { maxConcurrent: 2, maxQueue: 10 } }));
    for (let i = 0; i < 5; i++) {
      await flush();
      state.openAll();
    }
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('ok'));
    expect(state.peak).toBe(2);
  });

  it('an inline lastGood fallback serves what an earlier call stored', async () => {
    const registry = new CircuitBreakerRegistry();
    const call = (up: boolean) => executeWithHealing(
      async () => { if (!up) throw httpError(503); return 'sunny'; },
      { city: 'Oslo' },
      { circuitName: 'weather', registry, retry: { maxAttempts: 1 }, fallback: { name: 'cache', lastGood: { ttlMs: 60_000, key: (a: { city: string }) => a.city } } },
    );
    expect((await call(true)).result).toBe('sunny');
    const served = await call(false);
    expect(served).toMatchObject({ status: 'ok', result: 'sunny', servedBy: 'cache' });
  });

  it('an inline retry budget is spent across calls', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('budgeted', { failureThreshold: 1_000 }); // so that the breaker stays out of it
    const attempts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await executeWithHealing(async () => { throw httpError(503); }, i, {
        circuitName: 'budgeted', registry, clock, retry: { maxAttempts: 2, minDelayMs: 0 },
        retryBudget: { ratio: 0, minRetries: 2, windowMs: 1_000 },
      });
      attempts.push(result.attempts);
      if (i === 3) expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'budget' });
    }
    // Two retries in the window, then none: with a budget per call it would be [2, 2, 2, 2].
    expect(attempts).toEqual([2, 2, 1, 1]);
  });

  it('inline adaptive: true learns across calls', async () => {
    const registry = new CircuitBreakerRegistry();
    // The breaker would open first with its default threshold; it is not what is measured here.
    registry.get('quota-api', { failureThreshold: 1_000 });
    const call = (fn: () => Promise<never>) =>
      executeWithHealing(fn, {}, { circuitName: 'quota-api', registry, adaptive: true, retry: { maxAttempts: 2, minDelayMs: 0 } });
    for (let i = 0; i < 10; i++) await call(async () => { throw quota(); });
    let calls = 0;
    const skipped = await call(async () => { calls++; throw quota(); });
    expect(calls).toBe(1); // retrying has not healed this category in the last 10 tries
    expect(skipped.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'adaptive' });
  });

  it("keys a pipeline's overrides by the pipeline's name", async () => {
    const state = gate();
    const pipeline = new HealingPipeline({ name: 'geocoder' });
    const calls = Array.from({ length: 4 }, () => pipeline.execute(state.fn, {}, { bulkhead: { maxConcurrent: 1, maxQueue: 10 } }));
    for (let i = 0; i < 5; i++) {
      await flush();
      state.openAll();
    }
    expect((await Promise.all(calls)).every((r) => r.status === 'ok')).toBe(true);
    expect(state.peak).toBe(1);
  });

  it('refuses stateful options given per call when there is no name to key them by, before fn runs', async () => {
    let calls = 0;
    const fn = async () => { calls++; return 1; };
    const cases = [
      [{ bulkhead: { maxConcurrent: 2 } }, 'bulkhead', "a bulkhead's slots"],
      [{ retryBudget: { ratio: 0.1 } }, 'retryBudget', "a retry budget's window"],
      [{ adaptive: true }, 'adaptive', 'what adaptive healing learned'],
      [{ fallback: [() => 0, { lastGood: { ttlMs: 1_000 } }] }, 'fallback.1', 'the results a lastGood fallback serves'],
    ] as const;
    for (const [options, option, what] of cases) {
      const error = await refusal(() => executeWithHealing(fn, {}, options));
      expect(error.option).toBe(option);
      expect(error.message).toContain(what);
      expect(error.message).toContain('add a circuitName (or name) to these options, or build a HealingPipeline');
      // A reused options object is refused the same way: state never depends on object identity.
      await refusal(() => executeWithHealing(fn, {}, options));
      await refusal(() => new HealingPipeline().execute(fn, {}, options));
    }
    expect(calls).toBe(0);
  });

  it('still reports a bad config with the precise message, before the missing name', async () => {
    const error = await refusal(() => executeWithHealing(async () => 1, {}, { bulkhead: { maxConcurrent: 0 } }));
    expect(error.option).toBe('bulkhead.maxConcurrent');
  });

  it('accepts instances without a name: the caller holds their state', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    const result = await executeWithHealing(async () => 'ok', {}, { bulkhead, adaptive: false });
    expect(result.result).toBe('ok');
  });

  it('refuses another config for a name that already keeps its state, naming the difference', async () => {
    const registry = new CircuitBreakerRegistry();
    await executeWithHealing(async () => 1, {}, { circuitName: 'search', registry, bulkhead: { maxConcurrent: 2 } });
    const error = await refusal(() => executeWithHealing(async () => 1, {}, { circuitName: 'search', registry, bulkhead: { maxConcurrent: 3 } }));
    expect(error.option).toBe('bulkhead');
    expect(error.message).toContain('"search" already keeps its state with another config: maxConcurrent (it has 2, asked for 3)');
    // Another registry is another namespace.
    const other = await executeWithHealing(async () => 1, {}, { circuitName: 'search', registry: new CircuitBreakerRegistry(), bulkhead: { maxConcurrent: 3 } });
    expect(other.status).toBe('ok');
  });
});
