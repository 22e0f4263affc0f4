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

  it('a static fallback value written in each call is that call\'s own object, never an earlier call\'s', async () => {
    const registry = new CircuitBreakerRegistry();
    const call = () => executeWithHealing(async () => { throw httpError(404); }, {},
      { circuitName: 'cart', registry, retry: { maxAttempts: 1 }, fallback: { name: 'empty', value: { user: 'guest', items: [] as string[] } } });
    const alice = await call();
    (alice.result as { items: string[] }).items.push('alice-secret-item'); // a caller changes its result
    const bob = await call();
    expect(bob.result).toEqual({ user: 'guest', items: [] });
    expect(bob.result).not.toBe(alice.result);
  });

  it('one lastGood fallback of a name is shared wherever it stands in the list of fallbacks', async () => {
    const registry = new CircuitBreakerRegistry();
    const cache = { name: 'cache', lastGood: { ttlMs: 60_000, key: (a: { city: string }) => a.city } };
    const weather = (up: boolean, fallback: unknown) => executeWithHealing(async () => { if (!up) throw httpError(503); return 'sunny'; },
      { city: 'Oslo' }, { circuitName: 'weather', registry, retry: { maxAttempts: 1 }, fallback: fallback as never });
    expect((await weather(true, { ...cache })).result).toBe('sunny');
    const second = await weather(false, [{ ...cache }, { name: 'unknown', value: 'unknown' }]);
    expect(second).toMatchObject({ result: 'sunny', servedBy: 'cache' });
    const third = await weather(false, [() => { throw new Error('no live mirror'); }, { ...cache }]);
    expect(third).toMatchObject({ result: 'sunny', servedBy: 'cache' });
  });

  it('two unnamed lastGood fallbacks in one list keep a cache each, as they do in a pipeline\'s own options', async () => {
    const registry = new CircuitBreakerRegistry();
    const result = await executeWithHealing(async () => 'fresh', {}, {
      circuitName: 'svc', registry, fallback: [{ lastGood: { ttlMs: 1_000 } }, { lastGood: { ttlMs: 600_000 } }],
    });
    expect(result.status).toBe('ok');
  });

  it("an override that repeats the pipeline's own stateful options shares the pipeline's state, with or without a name", async () => {
    const registry = new CircuitBreakerRegistry();
    const lastGood = { name: 'cache', lastGood: { ttlMs: 60_000 } };
    const bulkhead = { maxConcurrent: 1 };
    const pipeline = new HealingPipeline({ registry, retry: { maxAttempts: 1 }, fallback: lastGood, bulkhead, adaptive: true });
    expect((await pipeline.execute(async () => 'fresh', {})).result).toBe('fresh');
    const served = await pipeline.execute(async () => { throw httpError(503); }, {}, { fallback: lastGood, bulkhead, adaptive: true });
    expect(served).toMatchObject({ status: 'ok', result: 'fresh', servedBy: 'cache' });
    // The bulkhead is the pipeline's: a call holding its one slot makes an override's call wait.
    const { fn, openAll } = gate();
    const holder = pipeline.execute(fn, {});
    let ran = false;
    const queued = pipeline.execute(async () => { ran = true; return 'second'; }, {}, { bulkhead });
    await flush();
    expect(ran).toBe(false);
    const refused = await queued; // the pipeline's one slot is taken: refused (and served by the pipeline's cache)
    expect(ran).toBe(false);
    expect(refused.healingActions[0]).toMatchObject({ kind: 'bulkhead', reason: 'full' });
    openAll();
    await holder;
  });

  it('keeps the state of at most 10,000 names per registry, forgetting the first kept: per-tenant names do not grow it for good', async () => {
    const registry = new CircuitBreakerRegistry();
    const { fn, openAll } = gate();
    const first = executeWithHealing(fn, {}, { name: 'tenant-0', registry, bulkhead: { maxConcurrent: 1 } }); // holds tenant-0's one slot
    await flush();
    for (let tenant = 1; tenant <= 10_000; tenant++) await executeWithHealing(async () => 1, {}, { name: `tenant-${tenant}`, registry, bulkhead: { maxConcurrent: 1 } });
    // tenant-0's bulkhead was forgotten: its next call gets a fresh one, not a refusal.
    const again = await executeWithHealing(async () => 'ran', {}, { name: 'tenant-0', registry, bulkhead: { maxConcurrent: 1 } });
    expect(again.result).toBe('ran');
    openAll();
    await first;
  });

  it('options with a getter are built from what the schema read, and never stand for a later literal the schema refuses', async () => {
    const registry = new CircuitBreakerRegistry();
    let reads = 0;
    const tricky = { circuitName: 'g', registry, get timeoutMs() { return reads++ === 0 ? 1_000 : -5; } };
    let seenSignal: AbortSignal | undefined;
    const result = await executeWithHealing(async (_: unknown, { signal }) => { seenSignal = signal; return 1; }, {}, tricky);
    expect(result.status).toBe('ok');
    expect(reads).toBe(1); // read once, by the schema
    expect(seenSignal).toBeInstanceOf(AbortSignal); // the accepted 1,000 ms limit gave the attempt a signal
    const refused = await refusal(() => executeWithHealing(async () => 1, {}, { circuitName: 'g', registry, timeoutMs: -5 }));
    expect(refused.option).toBe('timeoutMs');
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
