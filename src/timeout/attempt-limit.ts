import { HealingConfigError } from '../errors.js';
import type { Execution } from '../pipeline/execution.js';

/**
 * The per-attempt limits of a plan: a number, or the values of a `timeoutMs` function for
 * attempts 1..maxAttempts, computed once when the plan is built so a bad value is a
 * {@link HealingConfigError} up front, never a surprise mid-execution.
 */
export function resolveTimeouts(timeoutMs: number | ((attempt: number) => number) | undefined, maxAttempts: number): number | readonly number[] | undefined {
  if (typeof timeoutMs !== 'function') return timeoutMs;
  const limits: number[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let value: unknown;
    try {
      value = timeoutMs(attempt);
    } catch (cause) {
      throw new HealingConfigError('timeoutMs', `the function threw for attempt ${attempt}`, { cause });
    }
    if (typeof value !== 'number' || !(value > 0) || value > 2 ** 31 - 1) {
      throw new HealingConfigError('timeoutMs', `the function returned ${String(value)} for attempt ${attempt}; expected a positive number of ms up to 2^31-1`);
    }
    limits.push(value);
  }
  return limits;
}

/**
 * The time limit of the attempt about to start (`run.attempts` already counts it): its
 * `timeoutMs`, cut to what is left of `deadlineMs`.
 */
export function attemptLimitMs(run: Execution): number {
  const { timeoutMs, deadlineMs } = run.plan;
  let limit = typeof timeoutMs === 'number' ? timeoutMs : timeoutMs?.[Math.min(run.attempts, timeoutMs.length) - 1];
  if (deadlineMs !== undefined) {
    const left = Math.max(1, deadlineMs - run.elapsedMs());
    if (limit === undefined || left < limit) limit = left;
  }
  return limit!;
}
