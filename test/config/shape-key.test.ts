import { describe, expect, it } from 'vitest';
import { compareShape, copyPlain, sameShape } from '../../src/config/shape-key.js';
import { CircuitBreakerRegistry, executeWithHealing, HealingConfigError, HealingPipeline } from '../../src/index.js';

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

describe('compareShape', () => {
  const registry = new CircuitBreakerRegistry();
  const keys = ['fallback', 'signal'];
  const literal = (fallback: () => unknown, signal?: AbortSignal) => ({ circuitName: 'weather', registry, retry: { maxAttempts: 4 }, fallback, ...(signal ? { signal } : {}) });

  it('says 0 for the very same values, and which rebindable keys hold new functions or signals', () => {
    const fallback = () => 0;
    const signal = new AbortController().signal;
    expect(compareShape(copyPlain(literal(fallback, signal)) as object, literal(fallback, signal), keys)).toBe(0);
    expect(compareShape(copyPlain(literal(fallback, signal)) as object, literal(() => 1, signal), keys)).toBe(1);
    expect(compareShape(copyPlain(literal(fallback, signal)) as object, literal(fallback, new AbortController().signal), keys)).toBe(2);
    expect(compareShape({ reflector: () => undefined }, { reflector: () => undefined }, keys)).toBe(1 << 30);
  });

  it('says -1 for what the schema could tell apart, and for another key order', () => {
    expect(compareShape({ retry: { maxAttempts: 3 } }, { retry: { maxAttempts: 4 } }, keys)).toBe(-1);
    expect(compareShape({ a: 1, b: 2 }, { b: 2, a: 1 }, keys)).toBe(-1);
    expect(compareShape({ registry: new CircuitBreakerRegistry() }, { registry: new CircuitBreakerRegistry() }, keys)).toBe(-1);
  });
});

describe('inline options written in every call', () => {
  it('serve each call its own fallback and signal, though the plan is found again', async () => {
    const registry = new CircuitBreakerRegistry();
    const down = async () => { throw Object.assign(new Error('down'), { status: 400 }); };
    const served: unknown[] = [];
    for (const city of ['Oslo', 'Lima', 'Kyiv']) {
      const result = await executeWithHealing(down, { city }, { circuitName: 'geo', registry, retry: { maxAttempts: 1 }, fallback: () => `no forecast for ${city}` });
      served.push(result.result);
    }
    expect(served).toEqual(['no forecast for Oslo', 'no forecast for Lima', 'no forecast for Kyiv']);
    const controller = new AbortController();
    controller.abort(new Error('caller left'));
    const ok = async () => 'sunny';
    expect((await executeWithHealing(ok, {}, { circuitName: 'geo', registry, signal: new AbortController().signal })).status).toBe('ok');
    const aborted = await executeWithHealing(ok, {}, { circuitName: 'geo', registry, signal: controller.signal });
    expect(aborted.error).toBe(controller.signal.reason);
  });

  it('compare with a copy, so a later change to the caller\'s object cannot pass for accepted', async () => {
    const options = { retry: { maxAttempts: 3 } };
    const pipeline = new HealingPipeline();
    const fn = async () => 'ok';
    expect((await pipeline.execute(fn, {}, options)).status).toBe('ok');
    options.retry.maxAttempts = 0;
    await expect(pipeline.execute(fn, {}, { retry: { maxAttempts: 0 } })).rejects.toMatchObject({ option: 'retry.maxAttempts' });
  });

  it('ask the schema when reading the options throws', async () => {
    const fn = async () => 'ok';
    const pipeline = new HealingPipeline();
    await pipeline.execute(fn, {}, { name: 'x' });
    await expect(pipeline.execute(fn, {}, { get name(): string { throw new Error('no'); } })).rejects.toThrow();
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
