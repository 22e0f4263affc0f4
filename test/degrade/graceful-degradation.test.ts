import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, GracefulDegradation, HealingPipeline } from '../../src/index.js';
import type { FeatureChange } from '../../src/degrade/degradable-feature.js';
import { configError } from '../helpers/config-error.js';
import { httpError, networkError } from '../helpers/errors.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';

function setup(healthy: () => boolean = () => true) {
  const clock = new ManualClock();
  const features = new GracefulDegradation({ clock });
  const changes: string[] = [];
  features.on('disabled', ({ feature, reason }: FeatureChange) => changes.push(`off ${feature} (${reason})`));
  features.on('enabled', ({ feature, reason }: FeatureChange) => changes.push(`on ${feature} (${reason})`));
  let checks = 0;
  const recs = features.define('recs', {
    fallback: ['bestsellers'],
    failureThreshold: 2,
    checkIntervalMs: 30_000,
    healthCheck: () => { checks++; if (!healthy()) throw new Error('still down'); },
  });
  const pipeline = new HealingPipeline({ clock, feature: recs, retry: { maxAttempts: 1 } });
  return { clock, features, recs, pipeline, changes, checks: () => checks };
}

const down = async (): Promise<string[]> => { throw httpError(503); };
const up = async (): Promise<string[]> => ['personal pick'];

describe('graceful degradation', () => {
  it('switches a feature off after failureThreshold failed calls, then serves its fallback without calling fn', async () => {
    const { features, pipeline, changes } = setup();
    await pipeline.execute(down, {});
    expect(features.isEnabled('recs')).toBe(true);
    await pipeline.execute(down, {});
    expect(features.isEnabled('recs')).toBe(false);
    expect(changes).toEqual(['off recs (failures)']);
    let called = false;
    const result = await pipeline.execute(async () => { called = true; return ['x']; }, {});
    expect(called).toBe(false);
    expect(result).toMatchObject({ status: 'ok', result: ['bestsellers'], healed: true, attempts: 0, servedBy: 'feature:recs' });
    expect(result.healingActions).toEqual([expect.objectContaining({ kind: 'degraded', reason: 'feature_off' })]);
  });

  it('a success resets the count: only failures in a row switch it off', async () => {
    const { features, pipeline } = setup();
    await pipeline.execute(down, {});
    await pipeline.execute(up, {});
    await pipeline.execute(down, {});
    expect(features.isEnabled('recs')).toBe(true);
  });

  it('comes back on after a passing health check, checked at most every checkIntervalMs', async () => {
    let healthy = false;
    const { clock, features, pipeline, changes, checks } = setup(() => healthy);
    await pipeline.execute(down, {});
    await pipeline.execute(down, {});
    await clock.advance(29_999);
    expect(features.isEnabled('recs')).toBe(false);
    expect(checks()).toBe(0);
    await clock.advance(1);
    expect(features.isEnabled('recs')).toBe(false); // starts a check, which fails
    await flushMicrotasks();
    expect(checks()).toBe(1);
    expect(features.isEnabled('recs')).toBe(false); // not due again yet
    expect(checks()).toBe(1);
    healthy = true;
    await clock.advance(30_000);
    features.isEnabled('recs');
    await flushMicrotasks();
    expect(features.isEnabled('recs')).toBe(true);
    expect(changes).toEqual(['off recs (failures)', 'on recs (health-check)']);
    expect((await pipeline.execute(up, {})).result).toEqual(['personal pick']);
  });

  it('a health check that hangs fails after checkTimeoutMs and its signal aborts', async () => {
    const clock = new ManualClock();
    const features = new GracefulDegradation({ clock });
    let seen: AbortSignal | undefined;
    const feature = features.define('search', { fallback: null, checkTimeoutMs: 1_000, checkIntervalMs: 10, healthCheck: (signal) => { seen = signal; return new Promise(() => {}); } });
    feature.disable();
    await clock.advance(10);
    const checked = feature.check();
    await clock.advance(1_000);
    expect(await checked).toBe(false);
    expect(seen!.aborted).toBe(true);
    expect(clock.timerCount).toBe(0);
  });

  it('does not call a check again while its last call, timed out, still runs: the run fails at once, and the check is called once it ends', async () => {
    const clock = new ManualClock();
    const features = new GracefulDegradation({ clock });
    const pending: Array<() => void> = [];
    let calls = 0;
    // Ignores its signal, and ends only when the test says so.
    const healthCheck = () => { calls++; return new Promise<boolean>((resolve) => pending.push(() => resolve(true))); };
    const feature = features.define('search', { fallback: null, checkTimeoutMs: 1_000, checkIntervalMs: 10, healthCheck });
    feature.disable();
    await clock.advance(10);
    const first = feature.check();
    await clock.advance(1_000);
    expect(await first).toBe(false);
    expect(await feature.check()).toBe(false); // its last call still runs: not called again
    expect(await feature.check()).toBe(false);
    expect(calls).toBe(1);
    pending.shift()!(); // the first call ends at last
    await clock.advance(0);
    const again = feature.check();
    expect(calls).toBe(2);
    pending.shift()!();
    expect(await again).toBe(true);
  });

  it('counts a call a pipeline fallback saved as a failure, and an aborted call not at all', async () => {
    const { features, recs, clock } = setup();
    const withFallback = new HealingPipeline({ clock, feature: recs, retry: { maxAttempts: 1 }, fallback: () => ['cached'] });
    await withFallback.execute(down, {});
    const controller = new AbortController();
    controller.abort();
    await withFallback.execute(async () => { throw networkError(); }, {}, { signal: controller.signal });
    expect(features.isEnabled('recs')).toBe(true);
    await withFallback.execute(down, {});
    expect(features.isEnabled('recs')).toBe(false);
  });

  it('works with the circuit breaker: refusals count as failures of the feature', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('recs-api', { failureThreshold: 1 }).recordFailure();
    const features = new GracefulDegradation({ clock });
    const recs = features.define('recs', { fallback: [], failureThreshold: 2, healthCheck: () => true });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'recs-api', feature: recs });
    await pipeline.execute(up, {});
    await pipeline.execute(up, {});
    expect(recs.enabled).toBe(false);
  });

  it('can be switched by hand, and an unknown feature is on', () => {
    const { features, recs, changes } = setup();
    recs.disable();
    expect(features.isEnabled('recs')).toBe(false);
    recs.enable();
    expect(features.isEnabled('recs')).toBe(true);
    expect(features.isEnabled('never-defined')).toBe(true);
    expect(changes).toEqual(['off recs (manual)', 'on recs (manual)']);
    expect(features.define('recs', { fallback: 1, healthCheck: () => true })).toBe(recs);
  });

  it('rejects bad settings with a HealingConfigError', () => {
    const features = new GracefulDegradation();
    expect(configError(() => features.define('x', { fallback: 1, healthCheck: 'ping' as never })).option).toBe('features.x.healthCheck');
    expect(configError(() => features.define('x', { fallback: 1, healthCheck: () => true, failureThreshold: 0 })).option).toBe('features.x.failureThreshold');
    expect(configError(() => features.define('', { fallback: 1, healthCheck: () => true })).option).toBe('name');
    expect(configError(() => new HealingPipeline({ feature: { name: 'fake' } as never })).option).toBe('feature');
  });
});
