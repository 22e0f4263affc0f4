// The arguments of createOpossumBreaker and fromOpossum: a bad one is a HealingConfigError naming
// it, never a TypeError from inside. No breaker is fired: nothing here waits.
import CircuitBreaker from 'opossum';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpossumBreaker, fromOpossum, type OpossumBreakerOptions } from '../../src/opossum/index.js';
import { configError } from '../helpers/config-error.js';

const built: CircuitBreaker[] = [];
afterEach(() => {
  for (const breaker of built.splice(0)) breaker.shutdown();
});

function gateBreaker(name = 'payments'): CircuitBreaker {
  const breaker = createOpossumBreaker(CircuitBreaker, { name });
  built.push(breaker);
  return breaker;
}

describe('createOpossumBreaker(CircuitBreaker, options)', () => {
  it.each([
    ['createOpossumBreaker', null, /expected opossum's options, with a name/],
    ['createOpossumBreaker.name', {}, /name is required/],
    ['createOpossumBreaker.cache', { name: 'x', cache: true }, /is not supported: a cached or coalesced fire\(\) would skip the call/],
    ['createOpossumBreaker.coalesce', { name: 'x', coalesce: true }, /is not supported/],
    ['createOpossumBreaker.resetTimeout', { name: 'x', resetTimeout: -1 }, /got -1/],
    ['createOpossumBreaker.resetTimeout', { name: 'x', resetTimeout: Number.NaN }, /got NaN/],
    ['createOpossumBreaker.errorThresholdPercentage', { name: 'x', errorThresholdPercentage: 150 }, /got 150/],
    ['createOpossumBreaker.volumeThreshold', { name: 'x', volumeThreshold: 1.5 }, /got 1\.5/],
    ['createOpossumBreaker.timeout', { name: 'x', timeout: true }, /got true/],
    ['createOpossumBreaker.rollingCountBuckets', { name: 'x', rollingCountBuckets: 0 }, /got 0/],
  ])('refuses %s (case %#)', (option, options, message) => {
    const error = configError(() => built.push(createOpossumBreaker(CircuitBreaker, options as OpossumBreakerOptions)));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('refuses something that is not the CircuitBreaker class', () => {
    expect(configError(() => createOpossumBreaker(undefined as never, { name: 'x' })).option).toBe('createOpossumBreaker.CircuitBreaker');
  });
});

describe('fromOpossum(breaker, options)', () => {
  it.each([
    ['fromOpossum', null, /expected \{ name\? \} \(got null\)/],
    ['fromOpossum.Name', { Name: 'payments-eu' }, /did you mean name\? \(option names are case-sensitive\)/],
    ['fromOpossum.name', { name: 5 }, /the name must be a non-empty string/],
    ['fromOpossum.name', { name: 'x'.repeat(1_001) }, /at most 1000 characters/],
  ])('refuses %s (case %#)', (option, options, message) => {
    const error = configError(() => fromOpossum(gateBreaker(), options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('refuses a breaker that createOpossumBreaker did not build, and an opossum name too long for a circuit', () => {
    expect(configError(() => fromOpossum({} as never)).option).toBe('fromOpossum.breaker');
    expect(configError(() => fromOpossum(gateBreaker('n'.repeat(1_001)))).option).toBe('fromOpossum.name');
  });
});
