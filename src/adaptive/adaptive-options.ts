import { z } from 'zod';
import { hasMethods, positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';
import type { AdaptiveHealing } from './adaptive-healing.js';

/**
 * Settings of {@link AdaptiveHealing}.
 * @example
 * ```ts
 * const config: AdaptiveConfig = { window: 20, escalateAfter: 50, escalateWindowMs: 60_000 };
 * ```
 */
export interface AdaptiveConfig {
  /** How many recent tries of an action per category are judged (N). Default 10. */
  window?: number;
  /** Failed executions of one category and circuit within `escalateWindowMs` that raise `escalate`. Default 20. */
  escalateAfter?: number;
  /** The window for `escalateAfter`, in ms; also the least time between two `escalate`s for one key. Default 60 000. */
  escalateWindowMs?: number;
}

/** The schema of an {@link AdaptiveConfig}. */
export const adaptiveConfigSchema = z.strictObject({
  window: z.number().int().min(1).max(10_000).optional(),
  escalateAfter: z.number().int().min(1).max(1_000_000).optional(),
  escalateWindowMs: positiveMs.optional(),
});

type _Check = Assert<Same<AdaptiveConfig, z.input<typeof adaptiveConfigSchema>>>;

/** The `adaptive` option: `true`, `false`, or an instance (anything with its four methods). */
export const adaptiveOption = z.union([
  z.boolean(),
  z.custom<AdaptiveHealing>(hasMethods('shouldSkip', 'learn', 'retryLimit', 'recordFailure')),
], { error: 'expected true, false or an AdaptiveHealing' });
