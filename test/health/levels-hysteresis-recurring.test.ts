import { describe, expect, it } from 'vitest';
import { HealingConfigError, HealingPipeline, HealthMonitor, type HealthAlert } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** Records the successes first, so the rate climbs to its value instead of starting at 100 %. */
function record(monitor: HealthMonitor, name: string, failures: number, successes: number) {
  for (let i = 0; i < successes; i++) monitor.record(name, { ok: true, durationMs: 1 });
  for (let i = 0; i < failures; i++) monitor.record(name, { ok: false, durationMs: 1 });
}

describe('health checks that answer a level', () => {
  it('takes "degraded" and "unhealthy" as answered, and the worse of the check and the error rate', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock });
    const alerts: HealthAlert[] = [];
    monitor.onAlert((alert) => alerts.push(alert));
    let lagSeconds = 45;
    monitor.register('replica', { check: () => (lagSeconds > 30 ? { level: 'degraded', detail: `${lagSeconds} s behind` } : true) });
    monitor.register('pool', { check: async () => 'unhealthy' as const });
    await monitor.runChecks();
    expect(monitor.componentHealth('replica')).toMatchObject({ level: 'degraded', check: { ok: false, level: 'degraded', detail: '45 s behind' } });
    expect(monitor.componentHealth('pool')).toMatchObject({ level: 'unhealthy', check: { ok: false, level: 'unhealthy' } });
    expect(monitor.systemHealth()).toMatchObject({ level: 'unhealthy', counts: { healthy: 0, degraded: 1, unhealthy: 1, critical: 0 } });

    // An error rate worse than the check's level wins, with cause "error-rate".
    record(monitor, 'replica', 30, 70);
    expect(monitor.componentHealth('replica')!.level).toBe('unhealthy');
    expect(alerts.at(-1)).toMatchObject({ component: 'replica', from: 'degraded', to: 'unhealthy', cause: 'error-rate' });

    lagSeconds = 2;
    await monitor.runChecks();
    expect(monitor.componentHealth('replica')).toMatchObject({ level: 'unhealthy', check: { ok: true, level: 'healthy', detail: null } });
  });

  it('still makes false, a throw, an unknown level or a timeout critical', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, checkTimeoutMs: 100 });
    monitor.register('no', { check: () => false });
    monitor.register('odd', { check: () => 'mostly fine' as never });
    monitor.register('odd-object', { check: () => ({ level: 'meh' }) as never });
    monitor.register('hung', { check: () => new Promise(() => {}) });
    const run = monitor.runChecks();
    await clock.advance(100);
    await run;
    for (const name of ['no', 'odd', 'odd-object', 'hung']) expect(monitor.componentHealth(name)).toMatchObject({ level: 'critical', check: { ok: false, level: 'critical' } });
  });
});

describe('alert thresholds with hysteresis', () => {
  it('without hysteresis (the default), a rate hovering at a threshold alerts on every crossing', () => {
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    const alerts: string[] = [];
    monitor.onAlert(({ from, to }) => alerts.push(`${from}->${to}`));
    record(monitor, 'api', 5, 95); // 5 / 100: degraded
    record(monitor, 'api', 0, 25); // 5 / 125 = 4 %
    record(monitor, 'api', 2, 0); // 7 / 127 = 5.5 %
    expect(alerts).toEqual(['healthy->degraded', 'degraded->healthy', 'healthy->degraded']);
  });

  it('with hysteresis 0.02, a degraded component turns healthy only under 3 %, and worsens at once', () => {
    const monitor = new HealthMonitor({ clock: new ManualClock(), hysteresis: 0.02 });
    const alerts: string[] = [];
    monitor.onAlert(({ from, to }) => alerts.push(`${from}->${to}`));
    record(monitor, 'api', 5, 95); // 5 / 100: degraded
    record(monitor, 'api', 0, 25); // 4 %: still degraded
    record(monitor, 'api', 0, 41); // 5 / 166 = 3.01 %: still degraded
    expect(monitor.componentHealth('api')!.level).toBe('degraded');
    expect(alerts).toEqual(['healthy->degraded']);
    record(monitor, 'api', 0, 1); // 5 / 167 = 2.99 %
    expect(alerts).toEqual(['healthy->degraded', 'degraded->healthy']);

    // Worse levels are taken at their threshold, with no margin.
    record(monitor, 'api', 36, 0); // 41 / 203 = 20.2 %
    expect(monitor.componentHealth('api')!.level).toBe('unhealthy');
    record(monitor, 'api', 0, 13); // 41 / 216 = 18.98 %: not 2 points under 20 % yet
    expect(monitor.componentHealth('api')!.level).toBe('unhealthy');
    record(monitor, 'api', 0, 12); // 41 / 228 = 17.98 %: degraded (and nowhere near healthy)
    expect(monitor.componentHealth('api')!.level).toBe('degraded');
  });

  it('a hysteresis as wide as the threshold does not pin a level: no failures at all always clears it', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, hysteresis: 0.05, windowMs: 1_000 });
    record(monitor, 'api', 10, 90); // 10 %: degraded
    expect(monitor.componentHealth('api')!.level).toBe('degraded');
    await clock.advance(1_000); // the window empties
    expect(monitor.componentHealth('api')!.level).toBe('healthy');
  });

  it('refuses a hysteresis outside 0..1', () => {
    expect(() => new HealthMonitor({ hysteresis: -0.1 })).toThrow(HealingConfigError);
    expect(() => new HealthMonitor({ hysteresis: 2 })).toThrow(/hysteresis/);
  });
});

describe('recurring errors', () => {
  it('counts, per component and category, the executions that met it in the window, most frequent first', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, windowMs: 60_000 });
    const payments = new HealingPipeline({ name: 'payments', clock, retry: { maxAttempts: 3, minDelayMs: 0 } });
    monitor.track(payments);
    for (let i = 0; i < 4; i++) await payments.execute(failing([httpError(429)], 'ok'));          // healed: still met rate_limit
    for (let i = 0; i < 2; i++) await payments.execute(failing([networkError('ECONNRESET')], 'ok'));
    await payments.execute(async () => { throw httpError(401); });
    await payments.execute(async () => 'fine');
    monitor.record('search', { ok: false, durationMs: 5, category: 'timeout' });

    const recurring = monitor.recurringErrors({ minCount: 2 });
    expect(recurring.map(({ component, category, count }) => `${component} ${category} ${count}`)).toEqual([
      'payments rate_limit 4',
      'payments network 2',
    ]);
    expect(recurring[0]).toMatchObject({ firstAt: clock.now(), lastAt: clock.now() });
    expect(monitor.recurringErrors({ minCount: 1, component: 'search' })).toEqual([
      { component: 'search', category: 'timeout', count: 1, firstAt: clock.now(), lastAt: clock.now() },
    ]);
    expect(monitor.recurringErrors()).toHaveLength(1); // default minCount 3

    // They age out of the window with the calls.
    await clock.advance(60_000);
    expect(monitor.recurringErrors({ minCount: 1 })).toEqual([]);
  });

  it('refuses a minCount that is not a positive integer', () => {
    expect(() => new HealthMonitor().recurringErrors({ minCount: 0 })).toThrow(HealingConfigError);
  });
});
