import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, ErrorClassifier, HealingPipeline, HealingStatistics } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('HealingStatistics: errors by severity', () => {
  it('counts failed attempts and refusals by severity per pipeline, circuit and component, all four keys always there', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('stripe', { failureThreshold: 1_000, breakDurationMs: 10_000 });
    const classifier = new ErrorClassifier({ rules: [{ match: /double charge/i, disposition: 'permanent', category: 'billing', severity: 'critical' }] });
    const pipeline = new HealingPipeline({ name: 'billing', circuitName: 'stripe', registry, clock, classifier, retry: { minDelayMs: 0, maxAttempts: 2 } });
    const statistics = new HealingStatistics();
    statistics.track(pipeline, { component: 'payments' });
    expect(statistics.component('payments')).toBeUndefined();

    await pipeline.execute(async () => 1, {});                                     // nothing failed
    await pipeline.execute(failing([networkError()], 2), {});                      // low, then healed
    await pipeline.execute(failing([httpError(503), httpError(401)], 3), {});      // medium, high
    await pipeline.execute(failing([new Error('Double charge detected')], 4), {}); // critical (the rule)
    breaker.isolate();
    await pipeline.execute(async () => 5, {});                                     // refused: circuit_open, low

    const stats = statistics.stats();
    expect(stats.pipelines.billing!.errorsBySeverity).toEqual({ low: 2, medium: 1, high: 1, critical: 1 });
    expect(stats.pipelines.billing!.errorsByCategory).toEqual({ network: 1, unavailable: 1, auth: 1, billing: 1, circuit_open: 1 });
    expect(stats.circuits.stripe!.errorsBySeverity).toEqual(stats.pipelines.billing!.errorsBySeverity);
    expect(statistics.component('payments')!.errorsBySeverity).toEqual({ low: 2, medium: 1, high: 1, critical: 1 });
  });

  it('reports zeros before any failure, and keeps each action\'s severity in the recent recoveries', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ name: 'search', clock, registry: new CircuitBreakerRegistry({ clock }), retry: { minDelayMs: 0, maxAttempts: 2 } });
    const statistics = new HealingStatistics();
    statistics.track(pipeline);
    await pipeline.execute(async () => 'ok', {});
    expect(statistics.stats().pipelines.search!.errorsBySeverity).toEqual({ low: 0, medium: 0, high: 0, critical: 0 });
    await pipeline.execute(failing([httpError(429), httpError(402)], 'never'), {});
    expect(statistics.recentRecoveries(1)[0]!.actions.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['retry', 'rate_limit', 'low'],
      ['give_up', 'quota', 'high'],
    ]);
  });
});
