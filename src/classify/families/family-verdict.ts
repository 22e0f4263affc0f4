import type { Classification, Disposition } from '../classification.js';
import { readProperty } from '../error-facts.js';
import { verdict } from '../verdict.js';

/**
 * Small readers and a verdict builder shared by the client families, so each family file holds
 * only what its client's errors mean. Every reader tolerates anything (getters that throw,
 * proxies, primitives) and never throws.
 */

/** `error[key]` when it is a string. */
export function readString(error: unknown, key: string): string | undefined {
  const value = readProperty(error, key);
  return typeof value === 'string' ? value : undefined;
}

/** `error[key]` when it is a finite number. */
export function readNumber(error: unknown, key: string): number | undefined {
  const value = readProperty(error, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first `limit` items of `error[key]` when it is an array, else `[]`; a hostile array yields what could be read. */
export function readItems(error: unknown, key: string, limit = 100): unknown[] {
  const value = readProperty(error, key);
  const items: unknown[] = [];
  try {
    if (!Array.isArray(value)) return items;
    for (let index = 0; index < value.length && index < limit; index++) items.push(value[index]);
  } catch {
    // a Proxy whose traps throw: keep what was read
  }
  return items;
}

/** `error[key]` as an array of strings (non-strings dropped), or `[]`; reads at most `limit`. */
export function readStrings(error: unknown, key: string, limit = 32): string[] {
  return readItems(error, key, limit).filter((item): item is string => typeof item === 'string');
}

/**
 * A family's verdict. `notProcessed` is set only when `true`: the client's code proves the work
 * was not done (never sent, rejected unexecuted, or rolled back), so a non-idempotent call may
 * run again.
 */
export function familyVerdict(disposition: Disposition, category: string, reason: string, notProcessed = false): Classification {
  const classification: Classification = verdict(disposition, category, reason);
  if (notProcessed) classification.notProcessed = true;
  return classification;
}

/** What one code means: a disposition, a category and whether it proves the work was not done. */
export type CodeMeaning = readonly [Disposition, string, notProcessed?: boolean];

/** Looks a code up in a table by own keys only, so `'__proto__'` or `'constructor'` is no code. */
export function lookUp<Key extends string | number, Value>(table: Readonly<Record<Key, Value>>, key: Key | undefined): Value | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
