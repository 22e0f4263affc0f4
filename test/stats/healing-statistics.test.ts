import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, HealingStatistics, chooseByResults, reconfigure, sleep } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

describe('HealingStatistics', () => {
  it('counts calls, successes, healed calls, attempts, retries and errors by category per pipeline, circuit and component', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const pipeline = new HealingPipeline({ name: 'billing', circuitName: 'stripe', registry, retry: { minDelayMs: 0, maxAttempts: 2 } });
    const statistics = new HealingStatistics();
    statistics.track(pipeline, { component: 'payments' });

    await pipeline.execute(async () => 1, {});                                    // ok first time
    await pipeline.execute(failing([networkError()], 2), {});                     // healed by a retry
    await pipeline.execute(failing([httpError(503), httpError(503)], 3), {});     // exhausted
    await pipeline.execute(failing([httpError(400)], 4), {});                     // needs other arguments, no reflector

    const stats = statistics.stats();
    expect(Object.keys(stats.pipelines)).toEqual(['billing']);
    expect(stats.circuits.stripe).toEqual(stats.pipelines.billing);
    expect(stats.components.payments).toEqual(stats.pipelines.billing);
    expect(stats.pipelines.billing).toMatchObject({
      calls: 4, successes: 2, failures: 2, healed: 1,
      successRate: 0.5, averageAttempts: (1 + 2 + 2 + 1) / 4, retryRate: 0.5,
      errorsByCategory: { network: 1, unavailable: 2, invalid_request: 1 },
    });
    expect(stats.pipelines.billing!.recoveries).toEqual({ retry: { total: 2, successful: 1, averageDurationMs: 0 } });
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats); // plain JSON
  });

  it('averages execution durations and recovery times over the calls, on the pipeline\'s clock', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ name: 'timed', clock, registry: new CircuitBreakerRegistry({ clock }), retry: { minDelayMs: 100, jitter: 'none', maxAttempts: 2 } });
    const statistics = new HealingStatistics();
    statistics.track(pipeline);
    const run = async (fn: () => Promise<number>, ms: number) => {
      const pending = pipeline.execute(fn, {});
      await clock.advance(ms);
      return pending;
    };
    const answerIn = (ms: number) => async () => { await sleep(clock, ms); return 1; };
    let calls = 0;
    const failOnceIn = (failMs: number, okMs: number) => async () => {
      await sleep(clock, calls++ === 0 ? failMs : okMs);
      if (calls === 1) throw httpError(503);
      return 2;
    };

    expect(await run(answerIn(40), 40)).toMatchObject({ status: 'ok', durationMs: 40 });
    // Healed by a retry: 30 ms failing, 100 ms of backoff, 50 ms answering.
    expect(await run(failOnceIn(30, 50), 180)).toMatchObject({ status: 'ok', healed: true, durationMs: 180 });
    expect(await run(answerIn(20), 20)).toMatchObject({ status: 'ok', durationMs: 20 });

    const timed = statistics.stats().pipelines.timed!;
    expect(timed).toMatchObject({ calls: 3, successes: 3, healed: 1 });
    expect(timed.averageDurationMs).toBe((40 + 180 + 20) / 3); // 80: the mean, not the sum
    expect(timed.recoveries).toEqual({ retry: { total: 1, successful: 1, averageDurationMs: 180 } });
  });

  it('reports each recovery strategy\'s mean recovery time per category from the time it took on the clock', async () => {
    const clock = new ManualClock();
    type Args = { model: string };
    const complete = async ({ model }: Args) => {
      if (model === 'large') throw Object.assign(new Error('maximum context length exceeded'), { status: 400, code: 'context_length_exceeded' });
      return `${model} answered`;
    };
    let recoveryMs = 0;
    const smaller = reconfigure<Args>({
      name: 'smaller-model', when: (failure) => failure.classification.category === 'context_length',
      change: async (args) => { await sleep(clock, recoveryMs); return { ...args, model: 'small' }; },
    });
    const pipeline = new HealingPipeline({ name: 'llm', clock, retry: { maxAttempts: 1 }, strategies: [chooseByResults([smaller])] });
    const statistics = new HealingStatistics();
    statistics.track(pipeline);
    for (const ms of [30, 90]) {
      recoveryMs = ms;
      const pending = pipeline.execute(complete, { model: 'large' });
      await flushMicrotasks();
      await clock.advance(ms);
      expect(await pending).toMatchObject({ status: 'ok', result: 'small answered', durationMs: ms });
    }
    const llm = statistics.stats().pipelines.llm!;
    expect(llm.strategies).toEqual([
      { category: 'context_length', strategy: 'smaller-model', tries: 2, successes: 2, successRate: 1, meanRecoveryMs: (30 + 90) / 2 },
    ]);
    expect(llm.averageDurationMs).toBe(60);
  });

  it('keeps the most recent recoveries in a bounded ring, newest first, and skips calls that needed nothing', async () => {
    const pipeline = new HealingPipeline({ name: 'p', retry: { minDelayMs: 0 } });
    const statistics = new HealingStatistics({ recentLimit: 2 });
    statistics.track(pipeline);
    await pipeline.execute(failing([httpError(503)], 'a'), {});
    await pipeline.execute(async () => 'plain', {});
    await pipeline.execute(failing([httpError(429)], 'b'), {});
    await pipeline.execute(failing([httpError(401, {}, 'token=abcdef123456 rejected')], 'c'), {});
    const recent = statistics.recentRecoveries();
    expect(recent).toHaveLength(2);
    expect(recent.map((r) => r.status)).toEqual(['error', 'ok']);
    expect(recent[1]!.actions[0]).toMatchObject({ kind: 'retry', category: 'rate_limit' });
    expect(recent[0]!.actions[0]!.error).toBe('token=[REDACTED] rejected');
    expect(statistics.recentRecoveries(1)).toHaveLength(1);
  });

  it('counts refusals of an open circuit as circuit_open errors', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('down', { failureThreshold: 1 }).recordFailure();
    const pipeline = new HealingPipeline({ circuitName: 'down', registry });
    const statistics = new HealingStatistics();
    statistics.track(pipeline);
    await pipeline.execute(async () => 1, {});
    expect(statistics.stats().circuits.down).toMatchObject({ calls: 1, failures: 1, errorsByCategory: { circuit_open: 1 } });
  });

  it('stops counting when untracked, forgets on reset, and reports null rates before any call', async () => {
    const pipeline = new HealingPipeline({ name: 'p' });
    const statistics = new HealingStatistics();
    const stop = statistics.track(pipeline);
    await pipeline.execute(async () => 1, {});
    stop();
    await pipeline.execute(async () => 1, {});
    expect(statistics.stats().pipelines.p!.calls).toBe(1);
    statistics.reset();
    expect(statistics.stats()).toEqual({ pipelines: {}, circuits: {}, components: {}, recentRecoveries: [] });
    statistics.record({ status: 'ok', result: 1, attempts: 0, healed: false, healingActions: [], circuitBreakerTriggered: false, args: {}, durationMs: 0 }, { pipeline: '__proto__' });
    expect(Object.keys(statistics.stats().pipelines)).toEqual(['__proto__']);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new HealingStatistics({ recentLimit: 0 })).toThrow(HealingConfigError);
    expect(() => new HealingStatistics({ recentLimit: 0 })).toThrow(/statistics\.recentLimit/);
    expect(() => new HealingStatistics().track({} as never)).toThrow(/expected a HealingPipeline/);
    expect(() => new HealingStatistics().track(new HealingPipeline(), { component: '' })).toThrow(/component/);
  });
});
