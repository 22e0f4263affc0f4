/** Keys that could reach or replace a prototype if copied onto an object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DEPTH = 32;
const MAX_NODES = 10_000;

/** Why untrusted data could not be copied. */
export type PlainDataProblem = 'forbidden-key' | 'invalid-value';

/** The outcome of {@link toPlainData}. */
export type PlainDataResult =
  | { ok: true; value: unknown }
  | { ok: false; problem: PlainDataProblem; path: string };

/**
 * Copies untrusted data (a reflector's proposal) into fresh plain objects and arrays. It refuses
 * rather than repairs: a `__proto__`, `constructor` or `prototype` key anywhere, a function, a
 * symbol, a class instance, a cycle, or data deeper than 32 levels rejects the whole value, so
 * nothing half-checked is ever executed. Getters are not invoked twice: each value is read once.
 *
 * @example
 * ```ts
 * toPlainData(JSON.parse('{"a":1,"__proto__":{"admin":true}}'));
 * // { ok: false, problem: 'forbidden-key', path: '__proto__' }
 * ```
 */
export function toPlainData(input: unknown): PlainDataResult {
  let nodes = 0;
  const seen = new Set<object>();
  const fail = (problem: PlainDataProblem, path: string): never => {
    throw new PlainDataRejection(problem, path);
  };

  const copy = (value: unknown, path: string, depth: number): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : fail('invalid-value', path);
    if (typeof value !== 'object') return fail('invalid-value', path); // function, symbol, bigint, undefined
    if (++nodes > MAX_NODES || depth > MAX_DEPTH || seen.has(value)) return fail('invalid-value', path);
    if (value instanceof Date) return new Date(value.getTime());
    seen.add(value);
    let result: unknown;
    if (Array.isArray(value)) {
      result = Array.from(value, (item, index) => copy(item, `${path}[${index}]`, depth + 1));
    } else {
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return fail('invalid-value', path);
      const target: Record<string, unknown> = {};
      for (const key of Reflect.ownKeys(value)) {
        const childPath = path ? `${path}.${String(key)}` : String(key);
        if (typeof key === 'symbol') fail('invalid-value', childPath);
        if (FORBIDDEN_KEYS.has(key as string)) fail('forbidden-key', childPath);
        const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
        if (!descriptor.enumerable) continue;
        // defineProperty, not assignment: no setter on the target can ever run.
        Object.defineProperty(target, key, {
          value: copy(descriptor.get ? descriptor.get.call(value) : descriptor.value, childPath, depth + 1),
          enumerable: true, writable: true, configurable: true,
        });
      }
      result = target;
    }
    seen.delete(value);
    return result;
  };

  try {
    return { ok: true, value: copy(input, '', 0) };
  } catch (error) {
    if (error instanceof PlainDataRejection) return { ok: false, problem: error.problem, path: error.path || '(root)' };
    return { ok: false, problem: 'invalid-value', path: '(a getter threw)' };
  }
}

class PlainDataRejection {
  constructor(readonly problem: PlainDataProblem, readonly path: string) {}
}

/**
 * A canonical JSON text of plain data (object keys sorted), to compare proposals. `undefined`
 * when the value cannot be read (a getter throws) or serialised.
 */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
      return sorted;
    });
  } catch {
    return undefined;
  }
}
