import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, HealingStatistics } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

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
