/**
 * `breakDurationMs` is the break of an open breaker; `recoveryTimeoutMs`, its former name, is still
 * accepted (deprecated) by every breaker that takes the option, and giving both is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingPipeline, type CircuitBreakerConfig } from '../../src/index.js';
import { MemoryStateStore, SharedCircuitBreaker, type SharedCircuitBreakerOptions } from '../../src/fleet/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('CircuitBreakerRegistry: breakDurationMs and its deprecated alias recoveryTimeoutMs', () => {
  it.each([
    ['breakDurationMs', { breakDurationMs: 5_000 }],
    ['recoveryTimeoutMs (deprecated)', { recoveryTimeoutMs: 5_000 }],
  ] as Array<[string, CircuitBreakerConfig]>)('%s: the breaker stays open that long, and stats() reports it as breakDurationMs', async (_label, config) => {
    const clock = new ManualClock();
    const breaker = new CircuitBreakerRegistry({ clock }).get('api', { failureThreshold: 1, ...config });
    expect(breaker.stats().breakDurationMs).toBe(5_000);
    expect(breaker.stats()).not.toHaveProperty('recoveryTimeoutMs');
    breaker.recordFailure();
    await clock.advance(4_999);
    expect(breaker.canExecute()).toBe(false);
    await clock.advance(1);
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.state).toBe('HALF_OPEN');
  });

  it('the alias also takes a function of the openings, through configure()', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock }).configure('growing', { failureThreshold: 1, recoveryTimeoutMs: (openings) => 1_000 * openings });
    const breaker = registry.get('api', 'growing');
    breaker.recordFailure();
    expect(breaker.stats().breakDurationMs).toBe(1_000);
  });

  it('refuses both names at once with a HealingConfigError naming both, through get() and configure()', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const viaGet = configError(() => registry.get('api', { breakDurationMs: 1_000, recoveryTimeoutMs: 2_000 }));
    expect(viaGet.option).toBe('circuitBreaker.recoveryTimeoutMs');
    expect(viaGet.message).toMatch(/deprecated name of breakDurationMs/);
    expect(registry.has('api')).toBe(false);
    const viaConfigure = configError(() => registry.configure('llm', { breakDurationMs: 1_000, recoveryTimeoutMs: 1_000 }));
    expect(viaConfigure.option).toBe('configure("llm").recoveryTimeoutMs');
    expect(viaConfigure.message).toContain('breakDurationMs');
  });

  it('a pipeline breaker opened through the alias refuses calls for the break', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.configure('flaky', { failureThreshold: 1, recoveryTimeoutMs: 10_000 });
    registry.get('flaky', 'flaky');
    const pipeline = new HealingPipeline({ circuitName: 'flaky', registry, clock, retry: { maxAttempts: 1 } });
    const failing = async () => { throw Object.assign(new Error('busy'), { status: 503 }); };
    await pipeline.execute(failing, undefined);
    const refused = await pipeline.execute(async () => 'ok', undefined);
    expect(refused.circuitBreakerTriggered).toBe(true);
    await clock.advance(10_000);
    expect((await pipeline.execute(async () => 'ok', undefined)).result).toBe('ok');
  });
});

describe('SharedCircuitBreaker: breakDurationMs and its deprecated alias recoveryTimeoutMs', () => {
  let live: SharedCircuitBreaker[] = [];
  afterEach(async () => {
    for (const breaker of live) await breaker.close();
    live = [];
  });

  it.each([
    ['breakDurationMs', { breakDurationMs: 5_000 }],
    ['recoveryTimeoutMs (deprecated)', { recoveryTimeoutMs: 5_000 }],
  ] as Array<[string, SharedCircuitBreakerOptions]>)('%s: the fleet stays open that long', async (_label, options) => {
    const clock = new ManualClock();
    const breaker = new SharedCircuitBreaker('payments', {
      store: new MemoryStateStore({ clock }), clock, instanceId: 'pod-0', failureThreshold: 1, flushIntervalMs: 100, ...options,
    });
    live.push(breaker);
    await breaker.ready();
    breaker.recordFailure(new Error('503'));
    await clock.advance(100);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.remainingOpenMs()).toBe(4_900); // opened by the failure at t=0, read at the flush (t=100)
    await clock.advance(4_899);
    expect(breaker.canExecute()).toBe(false);
    await clock.advance(1);
    expect(breaker.canExecute()).toBe(true);
  });

  it('refuses both names at once with a HealingConfigError naming both', () => {
    const error = configError(() => new SharedCircuitBreaker('payments', { breakDurationMs: 1_000, recoveryTimeoutMs: 1_000 }));
    expect(error.option).toBe('sharedCircuitBreaker.recoveryTimeoutMs');
    expect(error.message).toMatch(/deprecated name of breakDurationMs/);
  });
});
