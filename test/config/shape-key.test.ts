import { describe, expect, it } from 'vitest';
import { AcceptedShapes, sameShape } from '../../src/config/shape-key.js';
import { CircuitBreakerRegistry, executeWithHealing, HealingConfigError } from '../../src/index.js';

describe('sameShape', () => {
  it('matches two inline literals of one shape, whatever functions and signals they hold', () => {
    const registry = new CircuitBreakerRegistry();
    const literal = () => ({ circuitName: 'weather', registry, retry: { maxAttempts: 4 }, fallback: () => ({ forecast: 'unknown' }), signal: new AbortController().signal, redact: { patterns: [/x/] } });
    expect(sameShape(literal(), literal())).toBe(true);
  });

  it('tells apart every value the schema reads', () => {
    const base = { retry: { maxAttempts: 3 } };
    for (const other of [
      { retry: { maxAttempts: 4 } }, { retry: { maxAttempts: -3 } }, { retry: { maxAttempts: '3' } },
      { retry: { maxAttemps: 3 } }, { retry: {} }, { retry: { maxAttempts: 3, factor: 2 } }, { retry: { maxAttempts: 3 }, timeoutMs: 1 },
    ]) expect(sameShape(base, other), JSON.stringify(other)).toBe(false);
    expect(sameShape({ timeoutMs: 0 }, { timeoutMs: -0 })).toBe(false);
    expect(sameShape({ fallback: () => 0 }, { fallback: { value: 0 } })).toBe(false);
    expect(sameShape({ classifier: { classify: () => undefined } }, { classifier: {} })).toBe(false);
    expect(sameShape({ mutablePaths: ['a'] }, { mutablePaths: ['a', 'b'] })).toBe(false);
  });

  it('requires the very same object for anything but plain objects, arrays, functions, signals and RegExps', () => {
    expect(sameShape({ registry: new CircuitBreakerRegistry() }, { registry: new CircuitBreakerRegistry() })).toBe(false);
    const registry = new CircuitBreakerRegistry();
    expect(sameShape({ registry }, { registry })).toBe(true);
  });

  it('ends on a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    const b: Record<string, unknown> = {};
    b.self = b;
    expect(sameShape({ fallback: { value: a } }, { fallback: { value: b } })).toBe(false);
  });
});

describe('AcceptedShapes', () => {
  it('remembers a few, and compares with a copy, so a later change to the caller\'s object cannot pass', () => {
    const shapes = new AcceptedShapes(2);
    const options = { retry: { maxAttempts: 3 } };
    shapes.remember(options);
    options.retry.maxAttempts = 0;
    expect(shapes.has({ retry: { maxAttempts: 0 } })).toBe(false);
    expect(shapes.has({ retry: { maxAttempts: 3 } })).toBe(true);
    shapes.remember({ a: 1 });
    shapes.remember({ b: 1 });
    expect(shapes.has({ retry: { maxAttempts: 3 } })).toBe(false);
  });

  it('says no when reading the options throws', () => {
    const shapes = new AcceptedShapes();
    shapes.remember({ name: 'x' });
    expect(shapes.has({ get name(): string { throw new Error('no'); } })).toBe(false);
  });
});

describe('inline options checked once per shape', () => {
  it('still refuses a bad value after good options of the same keys, with the precise message', async () => {
    const fn = async () => 'ok';
    expect((await executeWithHealing(fn, undefined, { retry: { maxAttempts: 3 } })).status).toBe('ok');
    expect((await executeWithHealing(fn, undefined, { retry: { maxAttempts: 3 } })).status).toBe('ok');
    await expect(executeWithHealing(fn, undefined, { retry: { maxAttempts: 0 } })).rejects.toBeInstanceOf(HealingConfigError);
    await expect(executeWithHealing(fn, undefined, { retry: { maxAttempts: 0 } })).rejects.toMatchObject({ option: 'retry.maxAttempts' });
    await expect(executeWithHealing(fn, undefined, { retry: { maxAtempts: 3 } as never })).rejects.toThrow(/did you mean maxAttempts/);
  });
});
