import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { OptionsTemplate } from '../../src/config/shape-key.js';
import { CircuitBreakerRegistry } from '../../src/index.js';

const REBINDABLE = ['fallback', 'signal'];

/** A template of `options` with its matcher compiled. */
function both(options: object): { compiled: OptionsTemplate } {
  const compiled = OptionsTemplate.of(options, REBINDABLE)!;
  expect(compiled.compileNow()).toBe(true);
  return { compiled };
}

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const registry = new CircuitBreakerRegistry();
const signal = new AbortController().signal;
const pattern = /5\d\d/;
const leaves = [0, -0, NaN, 3, 2.5, -1, '', 'weather', 'x"y\\\u2028', true, false, null, undefined, 1n, registry, signal, pattern, () => 0, Symbol.for('s')];
const keyNames = ['circuitName', 'retry', 'fallback', 'signal', 'maxAttempts', 'a', 'b', "it's \"quoted\"", 'new\nline', '\\', '</script>'];

function value(next: () => number, depth: number): unknown {
  const roll = next();
  if (depth > 2 || roll < 0.6) return leaves[Math.floor(next() * leaves.length)];
  if (roll < 0.8) return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth + 1));
  return object(next, depth + 1);
}

function object(next: () => number, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const count = Math.floor(next() * 4);
  for (let i = 0; i < count; i++) result[keyNames[Math.floor(next() * keyNames.length)]!] = value(next, depth);
  return result;
}

/** `options` changed in one place: a leaf replaced, a key added, removed or moved, an array resized. */
function mutate(options: unknown, next: () => number): unknown {
  if (Array.isArray(options)) {
    if (options.length === 0 || next() < 0.2) return [...options, value(next, 3)];
    const index = Math.floor(next() * options.length);
    return options.map((item, i) => (i === index ? mutate(item, next) : item));
  }
  if (options !== null && typeof options === 'object' && Object.getPrototypeOf(options) === Object.prototype) {
    const entries = Object.entries(options);
    const roll = next();
    if (entries.length === 0 || roll < 0.15) return { ...options, [keyNames[Math.floor(next() * keyNames.length)]!]: value(next, 3) };
    if (roll < 0.25) return Object.fromEntries(entries.slice(1));
    if (roll < 0.35) return Object.fromEntries([...entries.slice(1), entries[0]!]);
    const index = Math.floor(next() * entries.length);
    return Object.fromEntries(entries.map(([key, item], i) => [key, i === index ? mutate(item, next) : item]));
  }
  if (typeof options === 'function') return next() < 0.5 ? () => 1 : 'not a function';
  if (options instanceof AbortSignal) return next() < 0.5 ? new AbortController().signal : {};
  if (options instanceof RegExp) return next() < 0.5 ? /other/ : 'a string';
  return leaves[Math.floor(next() * leaves.length)];
}

describe('the matcher compiled for a template', () => {
  afterEach(() => {
    z.config({ jitless: false });
    vi.restoreAllMocks();
  });

  it('answers as the walking matcher does, for options of every kind and for each kind of change', () => {
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const accepted = object(next, 0);
      const compiled = OptionsTemplate.of(accepted, REBINDABLE)!;
      expect(compiled.compileNow()).toBe(true);
      // A new walked template for each candidate: one that matched 8 times would compile itself.
      const walked = () => OptionsTemplate.of(accepted, REBINDABLE)!;
      for (let i = 0; i < 10; i++) {
        const candidate = (i === 0 ? structuredCloneable(accepted) : mutate(accepted, next)) as object;
        expect(compiled.match(candidate), `seed ${seed}, change ${i}: ${show(candidate)}`).toBe(walked().match(candidate));
        compared++;
      }
    }
    expect(compared).toBe(4_000);
  });

  it('says which rebindable keys hold new functions or signals, like the walked one', () => {
    const accepted = { circuitName: 'weather', registry, retry: { maxAttempts: 3 }, fallback: () => 0, signal };
    const { compiled } = both(accepted);
    expect(compiled.match({ ...accepted })).toBe(0);
    expect(compiled.match({ ...accepted, fallback: () => 1 })).toBe(1);
    expect(compiled.match({ ...accepted, signal: new AbortController().signal })).toBe(2);
    expect(compiled.match({ ...accepted, retry: { maxAttempts: 4 } })).toBe(-1);
    expect(both({ reflector: { reflect: () => undefined } }).compiled.match({ reflector: { reflect: () => 1 } })).toBe(1 << 30);
  });

  it('writes key names as string literals only: quotes, backslashes and line breaks in a key match as themselves', () => {
    const accepted = { "'); process.exit(1); ('": 1, '"]; throw 1; //': 2, 'a\nb\u2028c\\': 3 };
    const { compiled } = both(accepted);
    expect(compiled.match({ ...accepted })).toBe(0);
    expect(compiled.match({ ...accepted, 'a\nb\u2028c\\': 4 })).toBe(-1);
  });

  it('is not made for an own `__proto__` key (reading it by name would read the prototype); the walked matcher answers', () => {
    const accepted = JSON.parse('{"__proto__": {"maxAttempts": 3}, "a": 1}') as object;
    const template = OptionsTemplate.of(accepted, REBINDABLE)!;
    expect(template.compileNow()).toBe(false);
    expect(template.match(JSON.parse('{"__proto__": {"maxAttempts": 3}, "a": 1}') as object)).toBe(0);
    expect(template.match(JSON.parse('{"__proto__": {"maxAttempts": 4}, "a": 1}') as object)).toBe(-1);
  });

  it('is not made for options of more than 256 values', () => {
    const large = { mutablePaths: Array.from({ length: 60 }, (_, i) => ({ path: `a.${i}`, max: i, min: 0, pattern: 'x' })) };
    const template = OptionsTemplate.of(large, REBINDABLE)!;
    expect(template.compileNow()).toBe(false);
    expect(template.match(structuredClone(large))).toBe(0);
  });

  it('is made once a template has matched 8 times, not before', () => {
    const template = OptionsTemplate.of({ retry: { maxAttempts: 3 } }, REBINDABLE)!;
    const compiling = vi.spyOn(template, 'compileNow');
    for (let i = 0; i < 7; i++) template.match({ retry: { maxAttempts: 3 } });
    template.match({ retry: { maxAttempts: 4 } }); // a miss does not count
    expect(compiling).not.toHaveBeenCalled();
    template.match({ retry: { maxAttempts: 3 } });
    expect(compiling).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) template.match({ retry: { maxAttempts: 3 } });
    expect(compiling).toHaveBeenCalledTimes(1);
  });

  it('is not made where zod is told not to compile (`z.config({ jitless: true })`), and matching still works', () => {
    z.config({ jitless: true });
    const template = OptionsTemplate.of({ retry: { maxAttempts: 3 }, fallback: () => 0 }, REBINDABLE)!;
    expect(template.compileNow()).toBe(false);
    expect(template.match({ retry: { maxAttempts: 3 }, fallback: () => 1 })).toBe(1);
  });

  it('is not made where code generation is refused (a Content-Security-Policy), and matching still works', async () => {
    vi.resetModules();
    const refuse = vi.spyOn(globalThis, 'Function').mockImplementation(function refused(): never {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    const fresh = await import('../../src/config/shape-key.js');
    const template = fresh.OptionsTemplate.of({ retry: { maxAttempts: 3 }, fallback: () => 0 }, REBINDABLE)!;
    expect(template.compileNow()).toBe(false);
    expect(refuse).toHaveBeenCalled();
    expect(template.match({ retry: { maxAttempts: 3 }, fallback: () => 1 })).toBe(1);
    expect(template.match({ retry: { maxAttempts: 2 }, fallback: () => 1 })).toBe(-1);
  });
});

/** A copy of plain data (functions, signals and class instances kept as they are). */
function structuredCloneable(options: unknown): unknown {
  if (Array.isArray(options)) return options.map(structuredCloneable);
  if (options !== null && typeof options === 'object' && Object.getPrototypeOf(options) === Object.prototype) {
    return Object.fromEntries(Object.entries(options).map(([key, item]) => [key, structuredCloneable(item)]));
  }
  return options;
}

function show(options: unknown): string {
  try {
    return JSON.stringify(options, (_, item: unknown) => (typeof item === 'bigint' || typeof item === 'symbol' || typeof item === 'function' ? String(item) : Object.is(item, -0) ? '-0' : item));
  } catch {
    return String(options);
  }
}
