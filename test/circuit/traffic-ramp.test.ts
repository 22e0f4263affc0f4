import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, GracefulDegradation, HealingPipeline, isCircuitOpenError } from '../../src/index.js';
import type { CircuitBreaker } from '../../src/circuit/circuit-breaker.js';
import { configError } from '../helpers/config-error.js';
import { httpError } from '../helpers/errors.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';

/** Opens `breaker` with three failures, lets the break pass and closes it with one good probe. */
async function openAndRecover(breaker: CircuitBreaker, clock: ManualClock): Promise<void> {
  for (let i = 0; i < 3; i++) {
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure();
  }
  expect(breaker.state).toBe('OPEN');
  await clock.advance(5_000);
  expect(breaker.canExecute()).toBe(true); // the probe
  breaker.recordSuccess();
  expect(breaker.state).toBe('CLOSED');
}

/** Offers `calls` calls at each of `intervals` one-second steps; returns how many each step admitted. */
async function admittedPerSecond(breaker: CircuitBreaker, clock: ManualClock, intervals: number, calls = 100): Promise<number[]> {
  const admitted: number[] = [];
  for (let second = 0; second < intervals; second++) {
    let count = 0;
    for (let call = 0; call < calls; call++) {
      if (breaker.canExecute()) {
        count++;
        breaker.recordSuccess();
      }
    }
    admitted.push(count);
    await clock.advance(1_000);
  }
  return admitted;
}

describe('traffic ramp after a breaker recovers', () => {
  const config = { failureThreshold: 3, breakDurationMs: 5_000, ramp: { durationMs: 10_000, startPercent: 10 } };

  it('admits a share of calls rising linearly from startPercent to 100 % over durationMs, counted per interval', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('search', config);
    await openAndRecover(breaker, clock);

    // 100 calls in each second: 10 % at first, +9 points a second, every call from 10 s on.
    expect(await admittedPerSecond(breaker, clock, 12)).toEqual([10, 19, 28, 37, 46, 55, 64, 73, 82, 91, 100, 100]);
    expect(breaker.rampingPercent).toBeNull();
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', rampPercent: null, rejections: 495 });
  });

  it('reports the share now in stats() and refuses the rest with reason "ramping"', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('search', config);
    const reasons: string[] = [];
    breaker.on('reject', ({ reason, state }) => reasons.push(`${state} ${reason}`));
    await openAndRecover(breaker, clock);
    await clock.advance(5_000);
    expect(breaker.stats().rampPercent).toBe(55);
    expect(breaker.canExecute()).toBe(false); // the credit starts at zero: the first call waits its turn
    expect(reasons).toEqual(['CLOSED ramping']);
  });

  it('costs nothing and changes nothing without a ramp: every call is admitted as soon as the breaker closes', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreakerRegistry({ clock }).get('search', { failureThreshold: 3, breakDurationMs: 5_000 });
    await openAndRecover(breaker, clock);
    expect(await admittedPerSecond(breaker, clock, 2)).toEqual([100, 100]);
    expect(breaker.stats().rampPercent).toBeNull();
  });

  it('does not ramp after reset() or forceClose(): those are an operator\'s call', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('search', config);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    breaker.reset();
    expect(await admittedPerSecond(breaker, clock, 1)).toEqual([100]);

    for (let i = 0; i < 3; i++) breaker.recordFailure();
    const hold = breaker.forceClose();
    expect(await admittedPerSecond(breaker, clock, 1)).toEqual([100]);
    hold.release();

    // Ramping, then forced closed: the force wins while it holds.
    breaker.reset();
    await openAndRecover(breaker, clock);
    const forced = breaker.forceClose();
    expect(breaker.rampingPercent).toBeNull();
    expect(await admittedPerSecond(breaker, clock, 1)).toEqual([100]);
    forced.release();
  });

  it('a failure that re-opens the breaker ends the ramp; the next recovery ramps again from the start', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreakerRegistry({ clock }).get('search', config);
    await openAndRecover(breaker, clock);
    await clock.advance(8_000);
    expect(breaker.rampingPercent).toBe(82);
    for (let i = 0; i < 3; i++) {
      while (!breaker.canExecute()) { /* find an admitted call */ }
      breaker.recordFailure();
    }
    expect(breaker.state).toBe('OPEN');
    expect(breaker.rampingPercent).toBeNull();
    await clock.advance(5_000);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.rampingPercent).toBe(10);
  });

  it('a ramping parent ramps its children\'s calls too', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const parent = registry.get('provider', config);
    const child = registry.get('provider/chat', { parent: 'provider' });
    await openAndRecover(parent, clock);
    expect(await admittedPerSecond(child, clock, 1)).toEqual([10]);
  });

  it('through a pipeline, the calls a ramp refuses are served by the fallback, and say why', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('search', config);
    await openAndRecover(breaker, clock);
    await clock.advance(5_000); // 55 %
    let called = 0;
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'search', fallback: () => 'cached', retry: { maxAttempts: 2, minDelayMs: 0 } });
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await pipeline.execute(async () => { called++; return 'live'; }));
    expect(called).toBe(11);
    expect(results.filter((r) => r.result === 'live')).toHaveLength(11);
    const refused = results.find((r) => r.result === 'cached')!;
    expect(refused).toMatchObject({ status: 'ok', attempts: 0, healed: true });
    expect(refused.healingActions[0]).toMatchObject({
      kind: 'circuit_open',
      detail: expect.stringMatching(/circuit "search" is ramping up after a recovery \(admitting 55 % of calls\): refused attempt 1/),
    });

    // Without a fallback, the refusal is the open circuit's error, with the ramp in its message.
    const bare = new HealingPipeline({ clock, registry, circuitName: 'search', retry: { maxAttempts: 1 } });
    let error: unknown;
    for (let i = 0; i < 5 && error === undefined; i++) {
      const result = await bare.execute(async () => 'live');
      if (result.status === 'error') error = result.error;
    }
    expect(isCircuitOpenError(error)).toBe(true);
    expect((error as Error).message).toBe('Circuit "search" is ramping up after a recovery (admitting 55 % of calls): the call was refused without running it');
  });

  it('refuses a bad ramp with a HealingConfigError naming the field', async () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const fraction = configError(() => registry.get('a', { ramp: { durationMs: 1_000, startPercent: 0.1 } }));
    expect(fraction.option).toBe('circuitBreaker.ramp.startPercent');
    expect(fraction.message).toMatch(/percent from 1 to 100/);
    const missing = configError(() => registry.get('b', { ramp: {} as never }));
    expect(missing.option).toBe('circuitBreaker.ramp.durationMs');
  });
});

describe('a breaker\'s ramp and a feature together', () => {
  it('calls the ramp refuses do not count against the feature: the dependency is not down', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('recs', { failureThreshold: 3, breakDurationMs: 5_000, ramp: { durationMs: 10_000, startPercent: 10 } });
    await openAndRecover(breaker, clock);
    const recs = new GracefulDegradation({ clock }).define('recs', { fallback: ['bestsellers'], failureThreshold: 2, healthCheck: () => true });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'recs', feature: recs, retry: { maxAttempts: 1 } });
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await pipeline.execute(async () => ['personal pick']));
    expect(results.filter((r) => r.healingActions[0]?.kind === 'circuit_open')).toHaveLength(9);
    expect(recs.enabled).toBe(true);
  });
});

describe('traffic ramp when a degraded feature comes back', () => {
  it('sends a rising share of calls to fn after a passing health check; the rest keep the fallback', async () => {
    const clock = new ManualClock();
    const features = new GracefulDegradation({ clock });
    let healthy = false;
    const recs = features.define('recs', {
      fallback: ['bestsellers'], failureThreshold: 1, checkIntervalMs: 1_000,
      healthCheck: () => { if (!healthy) throw new Error('down'); },
      ramp: { durationMs: 4_000, startPercent: 20 },
    });
    const pipeline = new HealingPipeline({ clock, feature: recs, retry: { maxAttempts: 1 } });
    await pipeline.execute(async () => { throw httpError(503); });
    expect(recs.enabled).toBe(false);

    healthy = true;
    await clock.advance(1_000);
    void recs.enabled; // starts the due health check
    await flushMicrotasks();
    expect(recs.enabled).toBe(true);
    expect(recs.rampingPercent).toBe(20);

    const perSecond: number[] = [];
    let ramping = 0;
    for (let second = 0; second < 5; second++) {
      let live = 0;
      for (let call = 0; call < 50; call++) {
        const result = await pipeline.execute(async () => ['personal pick']);
        if (result.result?.[0] === 'personal pick') live++;
        else if (result.healingActions[0]?.reason === 'feature_ramping') ramping++;
      }
      perSecond.push(live);
      await clock.advance(1_000);
    }
    expect(perSecond).toEqual([10, 20, 30, 40, 50]);
    expect(ramping).toBe(100);
    expect(recs.rampingPercent).toBeNull();
  });

  it('does not ramp when switched on by hand', async () => {
    const clock = new ManualClock();
    const features = new GracefulDegradation({ clock });
    const recs = features.define('recs', { fallback: [], healthCheck: () => true, ramp: { durationMs: 4_000 } });
    recs.disable();
    recs.enable();
    expect(recs.rampingPercent).toBeNull();
    expect(recs.admit()).toBe('on');
  });
});
