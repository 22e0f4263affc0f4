import { z } from 'zod';
import { isObject, positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';
import type { Bulkhead } from './bulkhead.js';

/**
 * Settings of a {@link Bulkhead}.
 * @example
 * ```ts
 * const config: BulkheadConfig = { maxConcurrent: 10, maxQueue: 20, queueTimeoutMs: 1_000 };
 * ```
 */
export interface BulkheadConfig {
  /** Executions allowed to run at once. */
  maxConcurrent: number;
  /** Executions allowed to wait for a slot; more are refused at once (`full`). Default 0. */
  maxQueue?: number;
  /** The longest wait in the queue, in ms; then refused (`queue_timeout`). Default: no limit. */
  queueTimeoutMs?: number;
}

/** The schema of a {@link BulkheadConfig}. */
export const bulkheadConfigSchema = z.strictObject({
  maxConcurrent: z.number().int().min(1).max(1_000_000),
  maxQueue: z.number().int().min(0).max(10_000_000).optional(),
  queueTimeoutMs: positiveMs.optional(),
});

type _Check = Assert<Same<BulkheadConfig, z.input<typeof bulkheadConfigSchema>>>;

/**
 * The `bulkhead` option: only its shape here. A config's fields are checked where the bulkhead
 * is built (resolveBulkhead), so an error names the field (`bulkhead.maxConcurrent`), which a
 * union's error cannot.
 */
export const bulkheadOption = z.custom<BulkheadConfig | Bulkhead>(isObject,
  'expected { maxConcurrent, maxQueue, queueTimeoutMs } or a Bulkhead');
