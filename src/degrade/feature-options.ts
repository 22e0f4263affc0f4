import { z } from 'zod';
import { clockSchema, type Clock } from '../clock.js';
import { fn, hasMethods, positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';
import { rampConfigSchema, type RampConfig } from '../core/traffic-ramp.js';
import { DegradableFeature } from './degradable-feature.js';
// Type-only, for the {@link} below: no runtime cycle.
import type { GracefulDegradation } from './graceful-degradation.js';

/**
 * How a feature degrades: off after `failureThreshold` consecutive failed calls, back on when a
 * health check passes (checked at most every `checkIntervalMs` while off), serving `fallback`
 * meanwhile.
 *
 * @example
 * ```ts
 * const config: FeatureConfig<Product[]> = { failureThreshold: 3, healthCheck: () => recs.ping(), checkIntervalMs: 30_000, fallback: [] };
 * ```
 */
export interface FeatureConfig<T = unknown> {
  /** What a call of the feature resolves with while it is off. */
  fallback: T;
  /** Consecutive failed executions that switch the feature off. Default 3. */
  failureThreshold?: number;
  /** Resolves when the dependency is healthy again (a throw, a rejection or `false` means not yet). */
  healthCheck: (signal: AbortSignal) => unknown;
  /** Least time between two health checks while off, in ms. Default 30 000. */
  checkIntervalMs?: number;
  /** A health check taking longer fails, in ms. Default 10 000. */
  checkTimeoutMs?: number;
  /**
   * When a passing health check switches the feature back on, send a share of calls to fn that
   * rises from `startPercent` (default 10) to 100 % over `durationMs`; the rest keep being served
   * the fallback (a `'degraded'` action with reason `feature_ramping`). Default: no ramp. Switching
   * it on by hand (`enable()`) does not ramp.
   */
  ramp?: RampConfig;
}

/** The schema of a {@link FeatureConfig}. */
export const featureConfigSchema = z.strictObject({
  fallback: z.unknown(),
  failureThreshold: z.number().int().min(1).max(1_000_000).optional(),
  healthCheck: fn<(signal: AbortSignal) => unknown>('a function healthCheck(signal)'),
  checkIntervalMs: positiveMs.optional(),
  checkTimeoutMs: positiveMs.optional(),
  ramp: rampConfigSchema.optional(),
});

// Generic in the fallback's type: checked with T = unknown, what the schema can know of it.
type _Check = Assert<Same<FeatureConfig, z.input<typeof featureConfigSchema>>>;

/**
 * The schema of {@link GracefulDegradation}'s options. The clock needs its timers too: a health
 * check is bounded by `checkTimeoutMs` on it.
 */
export const degradationOptionsSchema = z.strictObject({
  clock: clockSchema.optional(),
});

type _CheckOptions = Assert<Same<{ clock?: Clock }, z.input<typeof degradationOptionsSchema>>>;

/** The `feature` option of a pipeline. */
export const featureOption = z.custom<DegradableFeature>((value) => value instanceof DegradableFeature,
  'expected a feature from GracefulDegradation.define(name, config)');
