import { readProperty } from './error-facts.js';

/**
 * One response header's value from a `Headers` object (anything with `get`) or a plain object
 * (names compared case-insensitively; a number or the first of an array is taken as text).
 * `undefined` when absent or unreadable. Never throws.
 */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = readProperty(headers, 'get');
  if (typeof get === 'function') {
    try {
      const value: unknown = get.call(headers, name);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  let keys: string[];
  try {
    keys = Object.keys(headers);
  } catch {
    return undefined;
  }
  for (const key of keys) {
    if (key.toLowerCase() === name) {
      const value = readProperty(headers, key);
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    }
  }
  return undefined;
}
