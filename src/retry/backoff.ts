/**
 * The parameters of exponential backoff.
 * @example
 * ```ts
 * const policy: BackoffPolicy = { minDelayMs: 100, maxDelayMs: 5_000, factor: 2, jitter: 'full' };
 * ```
 */
export interface BackoffPolicy {
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: 'full' | 'equal' | 'none';
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry): `minDelayMs * factor^retryIndex`,
 * capped at `maxDelayMs`, then spread by jitter. `random` returns a number in [0, 1).
 *
 * @example
 * ```ts
 * backoffDelay({ minDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 'none' }, 3); // 800
 * ```
 */
export function backoffDelay(policy: BackoffPolicy, retryIndex: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** retryIndex);
  switch (policy.jitter) {
    case 'full':
      return Math.round(random() * exponential);
    case 'equal':
      return Math.round(exponential / 2 + (random() * exponential) / 2);
    default:
      return Math.round(exponential);
  }
}
