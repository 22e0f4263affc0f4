import { describe, expect, it } from 'vitest';
import { HealingConfigError, HealingPipeline, HealthMonitor, type HealthAlert } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function outcomes(monitor: HealthMonitor, name: string, failures: number, successes: number, durationMs = 10) {
  for (let i = 0; i < failures; i++) monitor.record(name, { ok: false, durationMs });
  for (let i = 0; i < successes; i++) monitor.record(name, { ok: true, durationMs });
}

describe('HealthMonitor levels', () => {
  it.each([
    [0, 100, 'healthy'], [4, 96, 'healthy'], [5, 95, 'degraded'], [19, 81, 'degraded'],
    [20, 80, 'unhealthy'], [50, 50, 'unhealthy'], [51, 49, 'critical'], [100, 0, 'critical'],
  ] as const)('%i failures in %i successes: %s', (failures, successes, level) => {
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    outcomes(monitor, 'db', failures, successes);
    expect(monitor.componentHealth('db')).toMatchObject({ level, calls: 100, failures, errorRate: failures / 100 });
  });

  it('takes thresholds from the options', () => {
    const monitor = new HealthMonitor({ clock: new ManualClock(), thresholds: { degraded: 0.01, unhealthy: 0.02, critical: 0.03 } });
    outcomes(monitor, 'db', 3, 97);
    expect(monitor.componentHealth('db')!.level).toBe('unhealthy');
    outcomes(monitor, 'db', 1, 0);
    expect(monitor.componentHealth('db')!.level).toBe('critical');
  });

  it('forgets calls older than the window, and keeps at most maxSamples', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, windowMs: 1_000, maxSamples: 10 });
    outcomes(monitor, 'api', 5, 0);
    await clock.advance(1_000);
    expect(monitor.componentHealth('api')).toMatchObject({ level: 'healthy', calls: 0, errorRate: 0 });
    outcomes(monitor, 'api', 10, 10);
    expect(monitor.componentHealth('api')).toMatchObject({ level: 'healthy', calls: 10, failures: 0 });
  });

  it('gives latency percentiles of the calls in the window', () => {
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    for (let ms = 1; ms <= 100; ms++) monitor.record('search', { ok: true, durationMs: ms });
    expect(monitor.componentHealth('search')!.latency).toEqual({ p50: 50, p90: 90, p95: 95, p99: 99, max: 100 });
    expect(new HealthMonitor().register('idle').componentHealth('idle')!.latency).toEqual({ p50: null, p90: null, p95: null, p99: null, max: null });
  });

  it('alerts on each level change, ignoring a throwing or rejecting callback', () => {
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    const alerts: HealthAlert[] = [];
    monitor.onAlert(() => { throw new Error('bug'); });
    monitor.onAlert(async () => { throw new Error('async bug'); });
    const off = monitor.onAlert((alert) => alerts.push(alert));
    outcomes(monitor, 'db', 0, 9);
    outcomes(monitor, 'db', 1, 0); // 10 %
    outcomes(monitor, 'db', 10, 0); // up to 55 %, through every level
    expect(alerts.map(({ from, to }) => `${from}->${to}`)).toEqual(['healthy->degraded', 'degraded->unhealthy', 'unhealthy->critical']);
    expect(alerts[0]).toMatchObject({ component: 'db', errorRate: 0.1, cause: 'error-rate' });
    off();
    outcomes(monitor, 'db', 0, 100);
    expect(alerts).toHaveLength(3);
  });

  it('summarises the system as its worst component', () => {
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    outcomes(monitor, 'a', 0, 10);
    outcomes(monitor, 'b', 3, 7);
    const health = monitor.systemHealth();
    expect(health.level).toBe('unhealthy');
    expect(health.counts).toEqual({ healthy: 1, degraded: 0, unhealthy: 1, critical: 0 });
    expect(health.components.map((c) => c.name)).toEqual(['a', 'b']);
    expect(new HealthMonitor().systemHealth().level).toBe('healthy');
    expect(monitor.componentHealth('nope')).toBeUndefined();
  });

  it('tracks a pipeline as a component', async () => {
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    const pipeline = new HealingPipeline({ name: 'orders', retry: { maxAttempts: 1 } });
    monitor.track(pipeline);
    await pipeline.execute(async () => 1, {});
    await pipeline.execute(failing([httpError(503)], 1), {});
    expect(monitor.componentHealth('orders')).toMatchObject({ calls: 2, failures: 1, level: 'unhealthy', errorRate: 0.5 });
  });

  it('rejects bad options with the option named', () => {
    expect(() => new HealthMonitor({ windowMs: 0 })).toThrow(/healthMonitor\.windowMs/);
    expect(() => new HealthMonitor({ thresholds: { degraded: 0.5, unhealthy: 0.2 } })).toThrow(/degraded <= unhealthy <= critical/);
    expect(() => new HealthMonitor({ thresholds: { critical: 2 } })).toThrow(HealingConfigError);
    expect(() => new HealthMonitor().register('')).toThrow(/component/);
    expect(() => new HealthMonitor().register('x', { check: 1 as never })).toThrow(/check/);
  });
});

describe('HealthMonitor checks', () => {
  it('runs checks on an unref\'d interval between start and stop', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, checkIntervalMs: 1_000 });
    let calls = 0;
    let healthy = true;
    monitor.register('db', { check: async () => { calls++; return healthy; } });
    monitor.start();
    monitor.start(); // idempotent
    await clock.advance(0);
    expect(calls).toBe(1);
    expect(monitor.componentHealth('db')!.check).toMatchObject({ ok: true, detail: null });
    healthy = false;
    await clock.advance(1_000);
    expect(calls).toBe(2);
    expect(monitor.componentHealth('db')).toMatchObject({ level: 'critical', check: { ok: false, detail: 'the check reported a failure' } });
    expect(monitor.systemHealth().monitoring).toBe(true);
    monitor.stop();
    await clock.advance(5_000);
    expect(calls).toBe(2);
    expect(clock.timerCount).toBe(0);
    expect(monitor.monitoring).toBe(false);
  });

  it('fails a check that throws (message redacted) or passes checkTimeoutMs, and alerts with cause "check"', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, checkTimeoutMs: 500 });
    const alerts: HealthAlert[] = [];
    monitor.onAlert((alert) => alerts.push(alert));
    monitor.register('auth', { check: async () => { throw new Error('password=hunter2 refused'); } });
    monitor.register('slow', { check: () => new Promise(() => {}) });
    monitor.register('detail', { check: () => ({ ok: true, detail: 'replica lag 2s' }) });
    const run = monitor.runChecks();
    await clock.advance(500);
    await run;
    expect(monitor.componentHealth('auth')!.check).toMatchObject({ ok: false, detail: 'password=[REDACTED] refused' });
    expect(monitor.componentHealth('slow')!.check).toMatchObject({ ok: false, detail: 'check timed out after 500 ms', durationMs: 500 });
    expect(monitor.componentHealth('detail')).toMatchObject({ level: 'healthy', check: { ok: true, detail: 'replica lag 2s' } });
    expect(alerts.map((a) => `${a.component}:${a.to}:${a.cause}`).sort()).toEqual(['auth:critical:check', 'slow:critical:check']);
    expect(clock.timerCount).toBe(0);
  });

  it('gives a check a signal that aborts at checkTimeoutMs', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, checkTimeoutMs: 500 });
    let seen: AbortSignal | undefined;
    monitor.register('db', { check: (signal) => { seen = signal; return new Promise(() => {}); } });
    const run = monitor.runChecks();
    await clock.advance(499);
    expect(seen!.aborted).toBe(false);
    await clock.advance(1);
    await run;
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toMatchObject({ message: 'check timed out after 500 ms' });
  });

  it('never starts a check again while its last call still runs: that run counts as timed out', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, checkIntervalMs: 20, checkTimeoutMs: 10 });
    let started = 0;
    let hang = true;
    let answer!: (verdict: boolean) => void;
    // A ping stuck on a dead connection, deaf to its signal.
    monitor.register('db', { check: () => { started++; return hang ? new Promise<boolean>((resolve) => { answer = resolve; }) : true; } });
    monitor.start();
    await clock.advance(500);
    expect(started).toBe(1);
    expect(monitor.componentHealth('db')).toMatchObject({ level: 'critical', check: { ok: false, detail: 'check timed out after 10 ms (its last call is still running)' } });
    hang = false;
    answer(false); // the late answer is dropped; the next run calls the check again
    await clock.advance(0);
    expect(monitor.componentHealth('db')!.check).toMatchObject({ ok: false, at: clock.now() - 10 });
    await clock.advance(20);
    expect(started).toBe(2);
    expect(monitor.componentHealth('db')).toMatchObject({ level: 'healthy', check: { ok: true } });
    monitor.stop();
  });

  it('calls a check that stops on its signal again on the next run', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, checkIntervalMs: 20, checkTimeoutMs: 10 });
    let started = 0;
    monitor.register('db', { check: (signal) => { started++; return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))); } });
    monitor.start();
    await clock.advance(100);
    expect(started).toBe(4); // at 0, 30, 60 and 90 ms: each run waits its 10 ms, then the interval
    expect(monitor.componentHealth('db')!.check).toMatchObject({ ok: false, detail: 'check timed out after 10 ms' });
    monitor.stop();
  });

  it('unrefs the real interval timer so it never keeps the process alive', async () => {
    const monitor = new HealthMonitor({ checkIntervalMs: 60_000 });
    monitor.register('x', { check: () => true });
    monitor.start();
    await monitor.runChecks();
    await new Promise((resolve) => setImmediate(resolve));
    const timer = (monitor as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    monitor.stop();
  });
});

describe('HealthMonitor while monitoring', () => {
  it('re-reads levels on each tick, so a component whose failures age out of the window recovers with an alert', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, windowMs: 1_000, checkIntervalMs: 500 });
    const alerts: string[] = [];
    monitor.onAlert(({ component, from, to }) => alerts.push(`${component}:${from}->${to}`));
    outcomes(monitor, 'api', 3, 0);
    monitor.start();
    await clock.advance(1_000);
    expect(alerts).toEqual(['api:healthy->critical', 'api:critical->healthy']);
    monitor.stop();
  });
});
