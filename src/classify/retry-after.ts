import { readProperty } from './error-facts.js';

function header(headers: unknown, name: string): string | undefined {
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
  // A plain object: header names are case-insensitive.
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

/**
 * How long the server asked us to wait, in ms, from response headers: `retry-after-ms` (used by
 * OpenAI and Azure) or `Retry-After` as delta-seconds or an HTTP date. `undefined` when there is
 * no usable header. A date in the past gives 0.
 *
 * @example
 * ```ts
 * parseRetryAfter({ 'retry-after': '2' }, Date.now()); // 2000
 * parseRetryAfter(new Headers({ 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' }), Date.now());
 * ```
 */
export function parseRetryAfter(headers: unknown, now: number): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));

  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
