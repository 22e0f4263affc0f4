import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, type CircuitBreakerConfig } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** Each invalid config, the option path its error must name, and a word its message must contain. */
const invalid: Array<[string, unknown, string, RegExp]> = [
  ['failureRateThreshold 0', { policy: { type: 'count', windowSize: 10, failureRateThreshold: 0 } }, 'policy.failureRateThreshold', /0/],
  ['failureRateThreshold 150', { policy: { type: 'count', windowSize: 10, failureRateThreshold: 150 } }, 'policy.failureRateThreshold', /150/],
  ['time failureRateThreshold 0', { policy: { type: 'time', windowMs: 1_000, failureRateThreshold: 0 } }, 'policy.failureRateThreshold', /0/],
  ['windowSize 0', { policy: { type: 'count', windowSize: 0, failureRateThreshold: 50 } }, 'policy.windowSize', /0/],
  ['windowSize 2.5', { policy: { type: 'count', windowSize: 2.5, failureRateThreshold: 50 } }, 'policy.windowSize', /2\.5/],
  ['minimumCalls > windowSize', { policy: { type: 'count', windowSize: 10, minimumCalls: 11, failureRateThreshold: 50 } }, 'policy.minimumCalls', /windowSize/],
  ['unknown policy type', { policy: { type: 'sliding', windowSize: 10, failureRateThreshold: 50 } }, 'policy.type', /"consecutive", "count" or "time"/],
  ['policy without type', { policy: { windowSize: 10, failureRateThreshold: 50 } }, 'policy.type', /type/],
  ['unknown policy option', { policy: { type: 'count', windowSize: 10, failureRateThreshold: 50, window: 3 } }, 'policy.window', /unknown option/],
  ['time windowMs 0', { policy: { type: 'time', windowMs: 0, failureRateThreshold: 50 } }, 'policy.windowMs', /0/],
  ['time buckets 0', { policy: { type: 'time', windowMs: 1_000, buckets: 0, failureRateThreshold: 50 } }, 'policy.buckets', /0/],
  ['successThreshold > halfOpenMaxCalls', { halfOpenMaxCalls: 2, successThreshold: 3 }, 'successThreshold', /halfOpenMaxCalls/],
  ['successThreshold > default halfOpenMaxCalls (1)', { successThreshold: 2 }, 'successThreshold', /halfOpenMaxCalls/],
  ['breakDurationMs -1', { breakDurationMs: -1 }, 'breakDurationMs', /-1/],
  ['breakDurationMs a string', { breakDurationMs: '10s' }, 'breakDurationMs', /"10s"/],
  ['halfOpenMaxCalls 0', { halfOpenMaxCalls: 0 }, 'halfOpenMaxCalls', /0/],
  ['probeTimeoutMs 0', { probeTimeoutMs: 0 }, 'probeTimeoutMs', /0/],
  ['slowCallMs -5', { slowCallMs: -5 }, 'slowCallMs', /-5/],
  ['shouldTrip not a function', { shouldTrip: true }, 'shouldTrip', /function/],
  ['empty parent', { parent: '' }, 'parent', /""/],
  ['failureThreshold 0', { failureThreshold: 0 }, 'failureThreshold', /0/],
  ['unknown option', { failureTreshold: 3 }, 'failureTreshold', /unknown option/],
];

describe('invalid breaker configs', () => {
  it.each(invalid)('refuses %s through get(), naming circuitBreaker.<path>, and keeps working', (_label, config, path, message) => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const error = configError(() => registry.get('svc', config as CircuitBreakerConfig));
    expect(error.option).toBe(`circuitBreaker.${path}`);
    expect(error.message).toContain(`\`circuitBreaker.${path}\``);
    expect(error.message).toMatch(message);
    expect(registry.has('svc')).toBe(false);
    const breaker = registry.get('svc', { failureThreshold: 1 });
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
  });

  it.each(invalid)('refuses %s through configure(), naming configure("name").<path>', (_label, config, path) => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const error = configError(() => registry.configure('llm', config as CircuitBreakerConfig));
    expect(error.option).toBe(`configure("llm").${path}`);
    const known = configError(() => registry.get('svc', 'llm'));
    expect(known.option).toBe('config'); // the bad config was not kept
    expect(registry.configure('llm', {}).get('svc', 'llm').canExecute()).toBe(true);
  });

  it('accepts the boundaries: failureRateThreshold 100, minimumCalls = windowSize, successThreshold = halfOpenMaxCalls, breakDurationMs 0', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    expect(() => registry.get('a', { policy: { type: 'count', windowSize: 5, minimumCalls: 5, failureRateThreshold: 100 } })).not.toThrow();
    expect(() => registry.get('b', { halfOpenMaxCalls: 3, successThreshold: 3 })).not.toThrow();
    expect(() => registry.get('c', { breakDurationMs: 0, slowCallMs: 0 })).not.toThrow();
    expect(() => registry.get('d', { policy: { type: 'time', windowMs: 1, buckets: 1, failureRateThreshold: 1 } })).not.toThrow();
  });

  it('refuses a rate threshold below 1 with the hint that it is a percent (0.5 is a fraction habit, not 0.5 %)', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const error = configError(() => registry.get('e', { policy: { type: 'count', windowSize: 10, failureRateThreshold: 0.5 } }));
    expect(error.option).toBe('circuitBreaker.policy.failureRateThreshold');
    expect(error.message).toMatch(/percent from 1 to 100.*0\.5 would mean 0\.5 %/);
  });
});

describe('other bad input the registry refuses, and keeps working', () => {
  it('a parent cycle', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const error = configError(() => registry.get('x', { parent: 'x' }));
    expect(error.option).toBe('circuitBreaker.parent');
    expect(error.message).toContain('"x"');
    expect(registry.all()).toEqual([]);
    expect(registry.get('y', { parent: 'x' }).parent?.name).toBe('x');
  });

  it('an unknown shared config name', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    registry.configure('fast', { breakDurationMs: 1_000 });
    const error = configError(() => registry.get('svc', 'slow'));
    expect(error.option).toBe('config');
    expect(error.message).toContain('"fast"');
    expect(registry.get('svc', 'fast').config.breakDurationMs).toBe(1_000);
  });

  it('a bad snapshot', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    registry.get('svc', { failureThreshold: 1 }).recordFailure();
    const error = configError(() => registry.restore({ version: 1, takenAt: 0, breakers: [{ name: 'svc' }], checksum: 'nope' }));
    expect(error.option).toMatch(/^snapshot\./);
    expect(registry.get('svc').state).toBe('OPEN');
    registry.restore(registry.snapshot());
    expect(registry.get('svc').state).toBe('OPEN');
  });

  it('a config that is not an object', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    expect(configError(() => registry.get('svc', 42 as unknown as CircuitBreakerConfig)).option).toBe('circuitBreaker');
    expect(configError(() => registry.get('svc', null as unknown as CircuitBreakerConfig)).option).toBe('circuitBreaker');
    expect(registry.get('svc').canExecute()).toBe(true);
  });
});
