import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, getCircuitBreaker, getDefaultRegistry, HealingConfigError, HealingPipeline, type CircuitBreakerConfig,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';

describe('getCircuitBreaker (default registry)', () => {
  it('returns the same breaker for the same name', () => {
    expect(getCircuitBreaker('registry-test-same')).toBe(getCircuitBreaker('registry-test-same'));
  });

  it('returns different breakers for different names', () => {
    expect(getCircuitBreaker('registry-test-a')).not.toBe(getCircuitBreaker('registry-test-b'));
  });

  it('shares state between everyone holding the same name', () => {
    const mine = getCircuitBreaker('registry-test-shared', { failureThreshold: 2 });
    const theirs = getCircuitBreaker('registry-test-shared');
    mine.recordFailure();
    theirs.recordFailure();
    expect(mine.state).toBe('OPEN');
    expect(theirs.canExecute()).toBe(false);
  });

  it('hands out the breakers of getDefaultRegistry()', () => {
    const breaker = getCircuitBreaker('registry-test-default');
    expect(getDefaultRegistry().get('registry-test-default')).toBe(breaker);
    expect(getDefaultRegistry().has('registry-test-default')).toBe(true);
  });

  it('rejects an invalid config naming the field', () => {
    const error = configError(() => getCircuitBreaker('registry-test-invalid', { failureThreshold: 0 }));
    expect(error.option).toBe('circuitBreaker.failureThreshold');
    expect(getDefaultRegistry().has('registry-test-invalid')).toBe(false);
  });
});

describe('CircuitBreakerRegistry', () => {
  it('is isolated from the default registry and from other registries', () => {
    const a = new CircuitBreakerRegistry();
    const b = new CircuitBreakerRegistry();
    const breaker = a.get('registry-test-isolated', { failureThreshold: 1 });
    breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
    expect(b.get('registry-test-isolated').state).toBe('CLOSED');
    expect(getCircuitBreaker('registry-test-isolated').state).toBe('CLOSED');
    expect(b.get('registry-test-isolated')).not.toBe(breaker);
  });

  it('returns the same breaker for the same name, asked with the same config or none', () => {
    const registry = new CircuitBreakerRegistry();
    const first = registry.get('api', { failureThreshold: 2, breakDurationMs: (n) => n * 1_000 });
    expect(registry.get('api', { failureThreshold: 2, breakDurationMs: (n) => n * 1_000 })).toBe(first);
    expect(registry.get('api')).toBe(first);
    expect(first.config.failureThreshold).toBe(2);
  });

  it('refuses an existing breaker asked for with another config, naming each difference', () => {
    const registry = new CircuitBreakerRegistry();
    const breaker = registry.get('payments'); // as a pipeline with circuitName 'payments' makes it
    const error = configError(() => registry.get('payments', { failureThreshold: 20, recoveryTimeoutMs: 1000 }));
    expect(error.option).toBe('config');
    expect(error.message).toContain('"payments" already exists with another config');
    expect(error.message).toContain('failureThreshold (it has 5, asked for 20)');
    expect(error.message).toContain('breakDurationMs (it has 60000, asked for 1000)');
    expect(error.message).toContain('registry.delete(name)');
    expect(registry.get('payments')).toBe(breaker);
    expect(breaker.config.failureThreshold).toBe(5);
    // A config that differs only in a function's source is a difference too; `{}` asks for the defaults.
    registry.get('growing', { breakDurationMs: (n) => n * 1_000 });
    expect(configError(() => registry.get('growing', { breakDurationMs: (n) => n * 2_000 })).message).toContain('breakDurationMs (another function)');
    registry.get('tuned', { failureThreshold: 3 });
    expect(configError(() => registry.get('tuned', {})).message).toContain('failureThreshold (it has 3, asked for 5)');
  });

  it('fills in the defaults inside policy and ramp too, so a config that spells them out is the same config', () => {
    const registry = new CircuitBreakerRegistry();
    const count = registry.get('count', { policy: { type: 'count', windowSize: 20, failureRateThreshold: 50 } });
    expect(registry.get('count', { policy: { type: 'count', windowSize: 20, minimumCalls: 20, failureRateThreshold: 50 } })).toBe(count);
    const time = registry.get('time', { policy: { type: 'time', windowMs: 60_000, buckets: 10, minimumCalls: 10, failureRateThreshold: 50 } });
    expect(registry.get('time', { policy: { type: 'time', windowMs: 60_000, failureRateThreshold: 50 } })).toBe(time);
    const ramp = registry.get('ramp', { ramp: { durationMs: 1_000 } });
    expect(registry.get('ramp', { ramp: { durationMs: 1_000, startPercent: 10 } })).toBe(ramp);
    expect(configError(() => registry.get('count', { policy: { type: 'count', windowSize: 20, minimumCalls: 10, failureRateThreshold: 50 } })).message)
      .toContain('policy.minimumCalls (it has 20, asked for 10)');
  });

  it('compares a shared config by name with the config of the breaker', () => {
    const registry = new CircuitBreakerRegistry().configure('llm', { failureThreshold: 3 });
    const openai = registry.get('openai', 'llm');
    expect(registry.get('openai', 'llm')).toBe(openai);
    expect(registry.get('openai', { failureThreshold: 3 })).toBe(openai);
    expect(configError(() => registry.get('openai', { failureThreshold: 4 })).message).toContain('failureThreshold (it has 3, asked for 4)');
  });

  it('names each breaker', () => {
    expect(new CircuitBreakerRegistry().get('payments').name).toBe('payments');
  });

  it('lists its breakers with all(), in creation order', () => {
    const registry = new CircuitBreakerRegistry();
    expect(registry.all()).toEqual([]);
    const a = registry.get('a');
    const b = registry.get('b');
    registry.get('a');
    expect(registry.all()).toEqual([a, b]);
  });

  it('says whether a breaker exists with has()', () => {
    const registry = new CircuitBreakerRegistry();
    expect(registry.has('api')).toBe(false);
    registry.get('api');
    expect(registry.has('api')).toBe(true);
  });

  it('removes a breaker with delete(), so the next get() builds a fresh closed one', () => {
    const registry = new CircuitBreakerRegistry();
    const old = registry.get('api', { failureThreshold: 1 });
    old.recordFailure();
    expect(registry.delete('api')).toBe(true);
    expect(registry.has('api')).toBe(false);
    expect(registry.delete('api')).toBe(false);
    const fresh = registry.get('api');
    expect(fresh).not.toBe(old);
    expect(fresh.state).toBe('CLOSED');
  });

  it('never finds a deleted breaker again, even the one found just before', async () => {
    const registry = new CircuitBreakerRegistry();
    const pipeline = new HealingPipeline({ circuitName: 'api', registry });
    await pipeline.execute(async () => 'ok', {});
    const old = registry.find('api');
    expect(old).toBeDefined();
    registry.delete('api');
    expect(registry.find('api')).toBeUndefined();
    await pipeline.execute(async () => 'ok', {});
    expect(registry.find('api')).not.toBe(old);
    expect(registry.find('api')).toBe(registry.get('api'));
  });

  it('closes every breaker with resetAll()', () => {
    const registry = new CircuitBreakerRegistry();
    const a = registry.get('a', { failureThreshold: 1 });
    const b = registry.get('b', { failureThreshold: 1 });
    a.recordFailure();
    b.recordFailure();
    registry.resetAll();
    expect([a.state, b.state]).toEqual(['CLOSED', 'CLOSED']);
    expect(a.canExecute()).toBe(true);
  });

  it('rejects an empty name with a HealingConfigError', () => {
    const registry = new CircuitBreakerRegistry();
    configError(() => registry.get(''));
    expect(registry.all()).toEqual([]);
  });

  it('rejects a clock without now/setTimeout/clearTimeout', () => {
    const error = configError(() => new CircuitBreakerRegistry({ clock: { now: () => 0 } as never }));
    expect(error.option).toBe('registry.clock');
  });
});

describe('CircuitBreakerRegistry: invalid breaker config', () => {
  it.each<[string, unknown]>([
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['"x"', 'x'],
    ['NaN', Number.NaN],
  ])('rejects failureThreshold %s naming circuitBreaker.failureThreshold', (_label, failureThreshold) => {
    const error = configError(() => new CircuitBreakerRegistry().get('api', { failureThreshold } as CircuitBreakerConfig));
    expect(error.option).toBe('circuitBreaker.failureThreshold');
    expect(error.message).toContain('circuitBreaker.failureThreshold');
  });

  it.each<[string, CircuitBreakerConfig, string]>([
    ['a negative breakDurationMs', { breakDurationMs: -1 }, 'circuitBreaker.breakDurationMs'],
    ['halfOpenMaxCalls 0', { halfOpenMaxCalls: 0 }, 'circuitBreaker.halfOpenMaxCalls'],
    ['halfOpenMaxCalls 1.5', { halfOpenMaxCalls: 1.5 }, 'circuitBreaker.halfOpenMaxCalls'],
  ])('rejects %s naming the field', (_label, config, option) => {
    expect(configError(() => new CircuitBreakerRegistry().get('api', config)).option).toBe(option);
  });

  it('rejects an unknown config key, naming it', () => {
    const error = configError(() => new CircuitBreakerRegistry().get('api', { failureTreshold: 3 } as CircuitBreakerConfig));
    expect(error.option).toBe('circuitBreaker.failureTreshold');
  });

  it('keeps working after rejecting a config: no breaker was created and a valid get() succeeds', () => {
    const registry = new CircuitBreakerRegistry();
    configError(() => registry.get('api', { failureThreshold: 0 }));
    expect(registry.has('api')).toBe(false);
    const breaker = registry.get('api', { failureThreshold: 2 });
    expect(breaker.config.failureThreshold).toBe(2);
    expect(registry.all()).toEqual([breaker]);
  });

  it('rejects an invalid config even when a breaker of that name already exists', () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('api');
    const error = configError(() => registry.get('api', { failureThreshold: 0 }));
    expect(error.option).toBe('circuitBreaker.failureThreshold');
  });
});
