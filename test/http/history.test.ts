import { describe, expect, it } from 'vitest';
import { createHealingHandler, HealingHistory } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingPipeline } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('HealingHistory', () => {
  it('keeps at most maxNames entries per kind while 10,000 distinct names pass through, and drops names idle for a window', async () => {
    const clock = new ManualClock();
    const history = new HealingHistory({ clock, maxNames: 100, buckets: 6, bucketMs: 1_000 });
    const listeners = new Map<string, (payload: unknown) => void>();
    const pipeline = { name: 'p', on: (event: string, listener: (payload: unknown) => void) => { listeners.set(event, listener); return () => listeners.delete(event); } };
    history.track(pipeline as never);
    for (let i = 0; i < 10_000; i++) {
      listeners.get('success')!({ pipeline: `pipeline-${i}`, circuit: `circuit-${i}`, result: { status: 'ok', healed: false } });
      expect(history.size).toBeLessThanOrEqual(200);
    }
    const snapshot = history.snapshot();
    expect(snapshot.circuits).toHaveLength(100);
    expect(snapshot.pipelines.map((e) => e.name)).toContain('pipeline-9999'); // the newest stay, the oldest went
    expect(snapshot.pipelines.map((e) => e.name)).not.toContain('pipeline-0');
    await clock.advance(6_000);
    expect(history.snapshot().circuits).toHaveLength(0);
    expect(history.size).toBe(0);
  });

  it('counts calls, errors, healed calls and the saved share per bucket, and marks a breaker opening, served on GET /history', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('payments', { failureThreshold: 3 });
    const history = new HealingHistory({ clock, bucketMs: 1_000, buckets: 10 });
    const checkout = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry, clock, retry: { maxAttempts: 3, minDelayMs: 0 } });
    history.track(checkout);
    history.observe(registry);
    await checkout.execute(async () => 'ok', {});
    await checkout.execute(failing([httpError(503)], 'ok'), {});
    await clock.advance(1_000);
    await checkout.execute(failing([httpError(503), httpError(503), httpError(503)], 'never'), {});
    expect(registry.get('payments').state).toBe('OPEN');
    await checkout.execute(async () => 'refused', {});

    const response = await createHealingHandler({ registry, history })(new Request('http://localhost/history'));
    expect(response.status).toBe(200);
    const body = await response.json() as import('../../src/http/index.js').HistorySnapshot;
    const payments = body.circuits.find((e) => e.name === 'payments')!;
    expect(payments.state).toBe('OPEN');
    expect(payments.series.calls.slice(-2)).toEqual([2, 2]);
    expect(payments.series.errorRate.slice(-2)).toEqual([0, 1]);
    expect(payments.series.refusals.at(-1)).toBe(1);
    expect(payments.markers.map((m) => m.to)).toEqual(['OPEN']);
    const pipeline = body.pipelines.find((e) => e.name === 'checkout')!;
    expect(pipeline.totals).toEqual({ calls: 4, errors: 2, healed: 1, refusals: 1, failedFirst: 3 });
    expect(pipeline.savedShare).toBeCloseTo(1 / 3);
  });

  it('marks a half-open when the break ended, not when the state was next read', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('payments', { failureThreshold: 1, breakDurationMs: 5_000 });
    const history = new HealingHistory({ clock, bucketMs: 1_000, buckets: 60 });
    history.observe(registry);
    const checkout = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry, clock, retry: { maxAttempts: 1 } });
    await checkout.execute(failing([httpError(503)], 'never'), {});
    const openedAt = clock.now();
    await clock.advance(20_000); // nobody reads the state during the break or long after it
    await checkout.execute(async () => 'ok', {});
    const markers = history.snapshot().circuits.find((e) => e.name === 'payments')!.markers;
    expect(markers.map((m) => [m.to, m.at - openedAt])).toEqual([['OPEN', 0], ['HALF_OPEN', 5_000], ['CLOSED', 20_000]]);
  });

  it('rejects bad options with a HealingConfigError naming the option', () => {
    expect(() => new HealingHistory({ buckets: 0 })).toThrow(/history\.buckets/);
  });
});
