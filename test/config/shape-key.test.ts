import { describe, expect, it } from 'vitest';
import { OptionsTemplate, sameShape } from '../../src/config/shape-key.js';
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

// Each case runs on the walking matcher and on the one compiled for the template's shape.
describe.each(['walked', 'compiled'])('OptionsTemplate, %s', (matcher) => {
  const registry = new CircuitBreakerRegistry();
  const keys = ['fallback', 'signal'];
  const literal = (fallback: () => unknown, signal?: AbortSignal) => ({ circuitName: 'weather', registry, retry: { maxAttempts: 4 }, fallback, ...(signal ? { signal } : {}) });
  const template = (options: object) => {
    const made = OptionsTemplate.of(options, keys)!;
    if (matcher === 'compiled') expect(made.compileNow()).toBe(true);
    return made;
  };

  it('says 0 for the very same values, and which rebindable keys hold new functions or signals', () => {
    const fallback = () => 0;
    const signal = new AbortController().signal;
    expect(template(literal(fallback, signal)).match(literal(fallback, signal))).toBe(0);
    expect(template(literal(fallback, signal)).match(literal(() => 1, signal))).toBe(1);
    expect(template(literal(fallback, signal)).match(literal(fallback, new AbortController().signal))).toBe(2);
    expect(template(literal(fallback, signal)).match(literal(() => 1, new AbortController().signal))).toBe(3);
    expect(template({ reflector: () => undefined }).match({ reflector: () => undefined })).toBe(1 << 30);
  });

  it('says -1 for what the schema could tell apart, and for another key order', () => {
    expect(template({ retry: { maxAttempts: 3 } }).match({ retry: { maxAttempts: 4 } })).toBe(-1);
    expect(template({ a: 1, b: 2 }).match({ b: 2, a: 1 })).toBe(-1);
    expect(template({ a: 1, b: 2 }).match({ a: 1 })).toBe(-1);
    expect(template({ a: 1 }).match({ a: 1, b: 2 })).toBe(-1);
    expect(template({ registry: new CircuitBreakerRegistry() }).match({ registry: new CircuitBreakerRegistry() })).toBe(-1);
    expect(template({ retry: { maxAttempts: 3 } }).match({ retry: [3] })).toBe(-1);
    expect(template({ retry: { maxAttempts: 3 } }).match(Object.assign(Object.create({ inherited: 1 }), { retry: { maxAttempts: 3 } }))).toBe(-1);
  });

  it('keeps a snapshot: changing the accepted object afterwards does not change what matches', () => {
    const accepted = { retry: { maxAttempts: 3 }, mutablePaths: ['a'] };
    const kept = template(accepted);
    accepted.retry.maxAttempts = 0;
    accepted.mutablePaths.push('b');
    expect(kept.match(accepted)).toBe(-1);
    expect(kept.match({ retry: { maxAttempts: 3 }, mutablePaths: ['a'] })).toBe(0);
  });

  it('does not match an enumerable key added to Object.prototype (the schema judges instead)', () => {
    const kept = template({ retry: { maxAttempts: 3 } });
    (Object.prototype as Record<string, unknown>).polluted = 1;
    try {
      expect(kept.match({ retry: { maxAttempts: 3 } })).toBe(-1);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    expect(kept.match({ retry: { maxAttempts: 3 } })).toBe(0);
  });

  it('is not made of what is not a plain object', () => {
    expect(OptionsTemplate.of([], keys)).toBeUndefined();
    expect(OptionsTemplate.of(new CircuitBreakerRegistry(), keys)).toBeUndefined();
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

  it('serve each of many call sites in turn its own plan and fallback', async () => {
    const registry = new CircuitBreakerRegistry();
    const down = async () => { throw Object.assign(new Error('bad request'), { status: 400 }); };
    const sites = ['geo', 'users', 'billing', 'search', 'mail', 'stock', 'ads'];
    const seen: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      for (const circuitName of sites) {
        const result = await executeWithHealing(down, {}, { circuitName, registry, retry: { maxAttempts: 1 }, fallback: () => `${circuitName} fallback` });
        seen.push([result.result, result.healingActions[0]!.circuit]);
      }
    }
    expect(seen).toEqual([...sites, ...sites].map((site) => [`${site} fallback`, site]));
  });

  it('serve a reused object its own fallback after a literal of its shape (the plan is shared, the fallback is the call\'s)', async () => {
    const pipeline = new HealingPipeline({ retry: { maxAttempts: 1 } });
    const down = async () => { throw Object.assign(new Error('bad request'), { status: 400 }); };
    expect((await pipeline.execute(down, {}, { name: 'geo', fallback: () => 'first' })).result).toBe('first');
    const reused = { name: 'geo', fallback: () => 'reused' };
    for (let i = 0; i < 3; i++) expect((await pipeline.execute(down, {}, reused)).result).toBe('reused');
    expect((await pipeline.execute(down, {}, { name: 'geo', fallback: () => 'again' })).result).toBe('again');
    const served = await pipeline.execute(down, {}, reused);
    expect([served.result, served.servedBy]).toEqual(['reused', 'fallback #1']);
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
