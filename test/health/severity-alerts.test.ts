import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, ErrorClassifier, HealingPipeline, HealthMonitor, type HealthAlert } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('HealthMonitor: alerts carry the highest severity', () => {
  it('gives an alert the highest severity among the window\'s failures of a tracked pipeline', async () => {
    const clock = new ManualClock();
    const classifier = new ErrorClassifier({ severity: { auth: 'critical' } });
    const pipeline = new HealingPipeline({ name: 'billing', clock, registry: new CircuitBreakerRegistry({ clock }), classifier, retry: { maxAttempts: 1 } });
    const monitor = new HealthMonitor({ clock, windowMs: 60_000, thresholds: { degraded: 0.1, unhealthy: 0.3, critical: 0.6 } });
    monitor.track(pipeline);
    const alerts: HealthAlert[] = [];
    monitor.onAlert((alert) => alerts.push(alert));

    for (let i = 0; i < 8; i++) await pipeline.execute(async () => 'ok', {});
    await pipeline.execute(failing([httpError(503)], 'never'), {});   // 1 / 9: degraded, medium
    await pipeline.execute(failing([httpError(401)], 'never'), {});   // 2 / 10: still degraded
    for (let i = 0; i < 3; i++) await pipeline.execute(failing([httpError(503)], 'never'), {}); // 5 / 13: unhealthy
    expect(alerts.map(({ from, to, severity }) => [from, to, severity])).toEqual([
      ['healthy', 'degraded', 'medium'],
      ['degraded', 'unhealthy', 'critical'], // the 401 is still in the window
    ]);
  });

  it('drops a failure\'s severity when it leaves the window, and says null when no failure gave one', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, windowMs: 1_000, checkIntervalMs: 500 });
    const alerts: HealthAlert[] = [];
    monitor.onAlert((alert) => alerts.push(alert));
    monitor.record('s3', { ok: false, durationMs: 5, severity: 'high' });           // healthy -> critical (high)
    await clock.advance(600);
    monitor.record('s3', { ok: true, durationMs: 5 });                               // 1 / 2 failed: unhealthy (high)
    await clock.advance(500);                                                        // the failure ages out
    monitor.record('s3', { ok: false, durationMs: 5, severity: 'low' });            // 1 / 2 failed: still unhealthy
    monitor.record('s3', { ok: false, durationMs: 5 });                              // 2 / 3: critical, the highest is low
    monitor.record('db', { ok: false, durationMs: 5 });                              // no severity given
    expect(alerts.map(({ component, to, severity }) => [component, to, severity])).toEqual([
      ['s3', 'critical', 'high'],
      ['s3', 'unhealthy', 'high'],
      ['s3', 'critical', 'low'],
      ['db', 'critical', null],
    ]);
  });
});
