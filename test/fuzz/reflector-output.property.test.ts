/**
 * Arbitrary reflector outputs (what an LLM might return, or an attacker might make it return):
 * the pipeline resolves a well-formed result, only ever calls fn with plain-data args that went
 * through the checks, and no prototype is polluted. Bounded runs.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { executeWithHealing, type Reflector } from '../../src/index.js';

const trap = (): never => {
  throw new Error('trap');
};

/** Outputs that have broken reflection code elsewhere: each is a named builder. */
const hostile: Record<string, () => unknown> = {
  '__proto__ payload from JSON.parse': () => JSON.parse('{"args":{"date":"2026-01-19","__proto__":{"polluted":true}},"reason":"x"}'),
  'nested __proto__ payload': () => JSON.parse('{"args":{"a":{"b":{"__proto__":{"polluted":true}}}},"reason":"x"}'),
  'args that is a __proto__ object': () => ({ args: JSON.parse('{"__proto__":{"polluted":true}}'), reason: 'x' }),
  'constructor.prototype payload': () => ({ args: { constructor: { prototype: { polluted: true } } }, reason: 'x' }),
  'args with a getter that throws': () => ({ args: { get date(): never { return trap(); } }, reason: 'x' }),
  'a proposal whose args getter throws': () => ({ get args(): never { return trap(); }, reason: 'x' }),
  'a Proxy proposal whose traps throw': () => new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap }),
  'a revoked Proxy as args': () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    return { args: revocable.proxy, reason: 'x' };
  },
  'cyclic args': () => {
    const args: Record<string, unknown> = { date: '2026-01-19' };
    args.self = args;
    return { args, reason: 'x' };
  },
  'very deep args': () => {
    let args: Record<string, unknown> = { date: '2026-01-19' };
    for (let i = 0; i < 10_000; i++) args = { next: args };
    return { args, reason: 'x' };
  },
  'args holding a function': () => ({ args: { date: '2026-01-19', run: trap }, reason: 'x' }),
  'args holding a class instance': () => ({ args: { date: new URL('https://example.com') }, reason: 'x' }),
  'args holding a Date (copied, not shared)': () => ({ args: { date: new Date(0) }, reason: 'x' }),
  'a 1 MB reason': () => ({ args: { date: '2026-01-19' }, reason: 'r'.repeat(1_000_000) }),
  'a reason that is not a string': () => ({ args: { date: '2026-01-19' }, reason: { toString: trap } }),
  'a rejected promise': () => Promise.reject(new Error('llm down')),
  'a promise rejecting with a revoked Proxy': () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    return Promise.reject(revocable.proxy);
  },
  'a thenable whose then throws': () => ({ then: trap }),
  'null': () => null,
  'a string': () => '{"args":{"date":"2026-01-19"}}',
};

function builder(name: string, build: () => unknown): () => unknown {
  return Object.assign(build, { toString: () => name });
}

const reflectorOutput = fc.oneof(
  fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true })
    .map((value) => builder(fc.stringify(value), () => value)),
  fc.record({ args: fc.anything({ withNullPrototype: true }), reason: fc.anything() }, { requiredKeys: [] })
    .map((value) => builder(fc.stringify(value), () => value)),
  fc.record({ args: fc.jsonValue(), reason: fc.string() }).map((value) => builder(fc.stringify(value), () => value)),
  fc.constantFrom(...Object.keys(hostile)).map((name) => builder(name, hostile[name]!)),
);

/**
 * Whether `value` (as fn received it) holds only plain data (and Dates, which reflection copies
 * on purpose) and no prototype-key payload.
 */
function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > 2_000) return true; // deep chains were checked by the pipeline; the walk stops here
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
  if (value instanceof Date) return true;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  return Object.keys(value).every((key) => key !== '__proto__' && key !== 'constructor' && key !== 'prototype' &&
    isPlainData((value as Record<string, unknown>)[key], depth + 1));
}

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
});

describe('arbitrary reflector outputs', () => {
  const original = { date: '01-19-2026' };

  async function runWith(output: () => unknown) {
    const seen: unknown[] = [];
    const reflector: Reflector = () => output() as never;
    const result = await executeWithHealing(async (args: unknown) => {
      seen.push(args);
      throw Object.assign(new Error('Invalid date format'), { status: 422 });
    }, original, { reflector, maxReflections: 2, retry: { maxAttempts: 3, minDelayMs: 0 } });
    return { result, seen };
  }

  it.each(Object.entries(hostile))('regression: %s', async (_name, build) => {
    const { result, seen } = await runWith(build);
    expect(result.status).toBe('error');
    expect(result.healingActions.at(-1)!.kind).toBe('give_up');
    expect(seen[0]).toBe(original);
    for (const args of seen.slice(1)) expect(isPlainData(args)).toBe(true);
  });

  it('resolve a well-formed result; fn only ever sees the original args or checked plain data', async () => {
    await fc.assert(fc.asyncProperty(reflectorOutput, async (build) => {
      const { result, seen } = await runWith(build);
      expect(result.status).toBe('error');
      expect(result.error).toBeInstanceOf(Error);
      const last = result.healingActions.at(-1)!;
      expect(last.kind).toBe('give_up');
      expect(['unrepaired', 'exhausted']).toContain(last.reason);
      expect(seen.length).toBeGreaterThanOrEqual(1);
      expect(seen.length).toBeLessThanOrEqual(3);
      expect(seen[0]).toBe(original);
      for (const args of seen.slice(1)) expect(isPlainData(args)).toBe(true);
      for (const action of result.healingActions) expect(action.detail.length).toBeLessThan(5_000);
    }), { numRuns: 300 });
  });
});
