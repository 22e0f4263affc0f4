/** The break used when a `recoveryTimeoutMs` function throws or returns something unusable. */
const DEFAULT_BREAK_MS = 60_000;

/**
 * The break of an opening: `recoveryTimeoutMs` as configured (a number, or a function of the
 * openings in a row), capped to what timers accept. A broken function falls back to 60 s, so it
 * can never leave a breaker open forever.
 */
export function breakDuration(configured: number | ((openings: number) => number), openings: number): number {
  if (typeof configured === 'number') return configured;
  try {
    const value = configured(openings);
    return Number.isFinite(value) && value >= 0 ? Math.min(value, 2 ** 31 - 1) : DEFAULT_BREAK_MS;
  } catch {
    return DEFAULT_BREAK_MS;
  }
}
