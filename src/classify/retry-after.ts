import { readHeader } from './headers.js';

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
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));

  const value = readHeader(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * A wait written in the message, as providers word it when they send no header: "Please try
 * again in 20s", "try again in 1m30s", "retry after 30 seconds", "Retry in 250ms". Linear time:
 * the duration is a run of number-unit pairs, each starting with a digit.
 */
const WAIT_IN_MESSAGE = /\b(?:try again|retry(?:ing)?)\s+(?:in|after)\s+((?:\d+(?:\.\d+)?\s?(?:milliseconds?|ms|minutes?|mins?|m|seconds?|secs?|s|hours?|h)(?![a-z])\s?)+)/i;
const DURATION_PART = /(\d+(?:\.\d+)?)\s?(milliseconds?|ms|minutes?|mins?|m|seconds?|secs?|s|hours?|h)(?![a-z])/gi;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, m: 60_000, s: 1000, h: 3_600_000 };

function unitMs(unit: string): number {
  const lower = unit.toLowerCase();
  if (lower === 'ms' || lower.startsWith('milli')) return UNIT_MS.ms!;
  return UNIT_MS[lower[0]!] ?? 1000;
}

/**
 * The wait a message asks for, in ms, or `undefined` when it names none.
 *
 * @example
 * ```ts
 * waitWrittenIn('Rate limit reached. Please try again in 20s.'); // 20000
 * ```
 */
export function waitWrittenIn(message: string): number | undefined {
  const written = WAIT_IN_MESSAGE.exec(message)?.[1];
  if (written === undefined) return undefined;
  let total = 0;
  for (const [, amount, unit] of written.matchAll(DURATION_PART)) total += Number(amount) * unitMs(unit!);
  return Math.ceil(total);
}
