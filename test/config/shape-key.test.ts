import { describe, expect, it } from 'vitest';
import { AcceptedShapes, ShapeKeys } from '../../src/config/shape-key.js';
import { CircuitBreakerRegistry, executeWithHealing, HealingConfigError } from '../../src/index.js';

describe('ShapeKeys', () => {
  const keys = new ShapeKeys();

  it('gives two inline literals of one shape the same key, whatever functions they hold', () => {
    const registry = new CircuitBreakerRegistry();
    const literal = () => ({ circuitName: 'weather', registry, retry: { maxAttempts: 4 }, fallback: () => ({ forecast: 'unknown' }), signal: new AbortController().signal });
    expect(keys.keyOf(literal())).toBe(keys.keyOf(literal()));
  });

  it('tells apart every value the schema reads', () => {
    const base = keys.keyOf({ retry: { maxAttempts: 3 } });
    expect(keys.keyOf({ retry: { maxAttempts: 4 } })).not.toBe(base);
    expect(keys.keyOf({ retry: { maxAttempts: -3 } })).not.toBe(base);
    expect(keys.keyOf({ retry: { maxAttempts: '3' } })).not.toBe(base);
    expect(keys.keyOf({ retry: { maxAttemps: 3 } })).not.toBe(base);
    expect(keys.keyOf({ retry: {} })).not.toBe(base);
    expect(keys.keyOf({ timeoutMs: 0 })).not.toBe(keys.keyOf({ timeoutMs: -0 }));
    expect(keys.keyOf({ circuitName: 'a;b' })).not.toBe(keys.keyOf({ circuitName: 'a', b: '' }));
    expect(keys.keyOf({ fallback: () => 0 })).not.toBe(keys.keyOf({ fallback: { value: 0 } }));
    expect(keys.keyOf({ classifier: { classify: () => undefined } })).not.toBe(keys.keyOf({ classifier: {} }));
  });

  it('keys other objects by identity, since the schema checks their class or methods', () => {
    expect(keys.keyOf({ registry: new CircuitBreakerRegistry() })).not.toBe(keys.keyOf({ registry: new CircuitBreakerRegistry() }));
    const registry = new CircuitBreakerRegistry();
    expect(keys.keyOf({ registry })).toBe(keys.keyOf({ registry }));
  });

  it('gives up (no key) on what it cannot describe', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(keys.keyOf({ fallback: { value: cyclic } })).toBeUndefined();
    expect(keys.keyOf({ name: Symbol('x') })).toBeUndefined();
    expect(keys.keyOf({ name: 1n })).toBeUndefined();
    expect(keys.keyOf({ get name(): string { throw new Error('no'); } })).toBeUndefined();
    expect(keys.keyOf({ fallback: { value: 'x'.repeat(5_000) } })).toBeUndefined();
  });
});

describe('AcceptedShapes', () => {
  it('forgets everything past its bound rather than growing', () => {
    const shapes = new AcceptedShapes(2);
    shapes.remember('a');
    shapes.remember('b');
    shapes.remember('c');
    expect([shapes.has('a'), shapes.has('b'), shapes.has('c')]).toEqual([false, false, true]);
    expect(shapes.has(undefined)).toBe(false);
  });
});

describe('inline options checked once per shape', () => {
  it('still refuses a bad value after good options of the same keys, with the precise message', async () => {
    const fn = async () => 'ok';
    expect((await executeWithHealing(fn, undefined, { retry: { maxAttempts: 3 } })).status).toBe('ok');
    expect((await executeWithHealing(fn, undefined, { retry: { maxAttempts: 3 } })).status).toBe('ok');
    const refused = executeWithHealing(fn, undefined, { retry: { maxAttempts: 0 } });
    await expect(refused).rejects.toBeInstanceOf(HealingConfigError);
    await expect(executeWithHealing(fn, undefined, { retry: { maxAttempts: 0 } })).rejects.toMatchObject({ option: 'retry.maxAttempts' });
    await expect(executeWithHealing(fn, undefined, { retry: { maxAtempts: 3 } as never })).rejects.toThrow(/did you mean maxAttempts/);
  });
});
