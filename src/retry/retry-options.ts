import { z } from 'zod';
import { delayMs, positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';

/**
 * Jitter spreads retries of many clients apart: `full` waits a random time in [0, delay],
 * `equal` in [delay/2, delay], `none` waits exactly `delay`. `true` means `full`.
 * @example
 * ```ts
 * const retry: RetryOptions = { jitter: 'equal' };
 * ```
 * @inline
 */
export type Jitter = 'full' | 'equal' | 'none' | boolean;

/**
 * How transient failures are retried.
 *
 * @example
 * ```ts
 * const retry: RetryOptions = { maxAttempts: 5, minDelayMs: 100, maxDelayMs: 5_000, maxElapsedMs: 20_000 };
 * ```
 */
export interface RetryOptions {
  /** Every call of fn counts, the first included. Default 3 (or `SELF_HEALING_RETRY_MAX_ATTEMPTS`). */
  maxAttempts?: number;
  /** The first backoff delay, in ms. Default 100. */
  minDelayMs?: number;
  /** The longest backoff delay, in ms (a server's `Retry-After` may exceed it). Default 30 000. */
  maxDelayMs?: number;
  /** Growth of the delay per retry. Default 2. */
  factor?: number;
  /** Default `'full'`. */
  jitter?: Jitter;
  /** A budget for the whole execution, waits included; a wait that would pass it gives up. Default: none. */
  maxElapsedMs?: number;
  /** The longest `Retry-After` honoured; a longer one gives up at once. Default 60 000. */
  maxRetryAfterMs?: number;
}

/** The schema of the `retry` option. */
export const retryOptionsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(1_000).optional(),
  minDelayMs: delayMs.optional(),
  maxDelayMs: delayMs.optional(),
  factor: z.number().min(1).max(100).optional(),
  jitter: z.union([z.enum(['full', 'equal', 'none']), z.boolean()]).optional(),
  maxElapsedMs: positiveMs.optional(),
  maxRetryAfterMs: delayMs.optional(),
});

// The interface keeps its field docs (a derived type would lose them in the .d.ts); this keeps it
// and the schema the same (docs/design.md, "Options types and their schemas").
type _Check = Assert<Same<RetryOptions, z.input<typeof retryOptionsSchema>>>;
