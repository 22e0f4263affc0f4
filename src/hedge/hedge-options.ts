import { z } from 'zod';
import { positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';

/**
 * Hedging: when an attempt is still running after `delayMs`, start a second one (`'attempt'`,
 * the default) or the first fallback (`'fallback'`) alongside it; the first success wins and the
 * other is aborted through its signal.
 *
 * @example
 * ```ts
 * const hedge: HedgeOptions = { delayMs: 300 };                    // p95 latency of the dependency
 * const toCache: HedgeOptions = { delayMs: 500, with: 'fallback' }; // race the cache after 500 ms
 * ```
 */
export interface HedgeOptions {
  /** How long an attempt may run before the hedge starts, in ms. */
  delayMs: number;
  /** What races the slow attempt. Default `'attempt'`. */
  with?: 'attempt' | 'fallback';
}

/** The schema of the `hedge` option. */
export const hedgeOptionsSchema = z.strictObject({
  delayMs: positiveMs,
  with: z.enum(['attempt', 'fallback']).optional(),
});

type _Check = Assert<Same<HedgeOptions, z.input<typeof hedgeOptionsSchema>>>;
