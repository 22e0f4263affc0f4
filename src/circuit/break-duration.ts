import { z } from 'zod';
import { MAX_MS } from '../config/schema-helpers.js';

/** The break used when a `breakDurationMs` function throws or returns something unusable. */
const DEFAULT_BREAK_MS = 60_000;

/** What `breakDurationMs` (and its deprecated alias `recoveryTimeoutMs`) accepts: ms, or a function of the openings in a row. */
export type BreakDurationSetting = number | ((openings: number) => number);


/** The schema of `breakDurationMs` (and of its deprecated alias `recoveryTimeoutMs`). */
export const breakDurationSchema = z.union([
  z.number().min(0).max(MAX_MS),
  z.custom<(openings: number) => number>((value) => typeof value === 'function', 'expected a number of ms or a function of the openings'),
]);

/**
 * Refuses a config that sets both `breakDurationMs` and its deprecated alias `recoveryTimeoutMs`
 * (which one would win is a guess nobody should have to make). For a zod object's `.refine`.
 */
export const oneBreakDuration: [(config: { breakDurationMs?: unknown; recoveryTimeoutMs?: unknown }) => boolean, { message: string; path: PropertyKey[] }] = [
  (config: { breakDurationMs?: unknown; recoveryTimeoutMs?: unknown }) => config.breakDurationMs === undefined || config.recoveryTimeoutMs === undefined,
  {
    message: 'is the deprecated name of breakDurationMs, and both are given; keep only breakDurationMs',
    path: ['recoveryTimeoutMs'],
  },
];

/** The configured break: `breakDurationMs`, else its deprecated alias `recoveryTimeoutMs`. */
export function configuredBreak(config: { breakDurationMs?: BreakDurationSetting | undefined; recoveryTimeoutMs?: BreakDurationSetting | undefined }): BreakDurationSetting | undefined {
  return config.breakDurationMs ?? config.recoveryTimeoutMs;
}

/**
 * The break of an opening: `breakDurationMs` as configured (a number, or a function of the
 * openings in a row), capped to what timers accept. A broken function falls back to 60 s, so it
 * can never leave a breaker open forever.
 */
export function breakDuration(configured: BreakDurationSetting, openings: number): number {
  if (typeof configured === 'number') return configured;
  try {
    const value = configured(openings);
    return Number.isFinite(value) && value >= 0 ? Math.min(value, MAX_MS) : DEFAULT_BREAK_MS;
  } catch {
    return DEFAULT_BREAK_MS;
  }
}
