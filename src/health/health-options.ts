import { MAX_MS, fn } from '../config/schema-helpers.js';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../classify/severity.js';
import { clockSchema, systemClock, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import { DEFAULT_THRESHOLDS, type HealthThresholds } from './health-level.js';
import type { HealthCheck } from './health-types.js';
// Type-only, for the {@link} below: no runtime cycle.
import type { HealthMonitor } from './health-monitor.js';

/**
 * Options of {@link HealthMonitor}.
 * @example
 * ```ts
 * const options: HealthMonitorOptions = { windowMs: 120_000, thresholds: { degraded: 0.02 }, checkIntervalMs: 10_000 };
 * ```
 * @inline
 */
export interface HealthMonitorOptions {
  /** The window error rates and latencies are computed over, in ms. Default 60 000. */
  windowMs?: number;
  /** The most calls kept per component (the oldest go first). Default 1 000. */
  maxSamples?: number;
  /** Error rates (0..1) at which a component becomes `degraded`, `unhealthy`, `critical`. Default 0.05, 0.2, 0.5. */
  thresholds?: Partial<HealthThresholds>;
  /**
   * How far (0..1, in error rate) below a level's threshold the rate must fall before the
   * component leaves that level for a better one, so a rate hovering at a threshold does not
   * alert back and forth. `0.02` with the default thresholds: degraded from 5 %, healthy again
   * under 3 %. Default 0 (no hysteresis, as before).
   */
  hysteresis?: number;
  /** How often `start()` runs the checks, in ms. Default 30 000. */
  checkIntervalMs?: number;
  /** A check still pending after this long fails, in ms. Default 5 000. */
  checkTimeoutMs?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

/** Every option of a monitor, validated and with its default filled in. */
export interface HealthSettings {
  clock: Clock;
  thresholds: Readonly<HealthThresholds>;
  hysteresis: number;
  windowMs: number;
  maxSamples: number;
  checkIntervalMs: number;
  checkTimeoutMs: number;
}

const thresholdsSchema = z.strictObject({
  degraded: z.number().min(0).max(1).optional(),
  unhealthy: z.number().min(0).max(1).optional(),
  critical: z.number().min(0).max(1).optional(),
});
const ms = z.number().int().min(1).max(MAX_MS);
const optionsSchema = z.strictObject({
  windowMs: ms.optional(),
  maxSamples: z.number().int().min(1).max(1_000_000).optional(),
  thresholds: thresholdsSchema.optional(),
  hysteresis: z.number().min(0).max(1).optional(),
  checkIntervalMs: ms.optional(),
  checkTimeoutMs: ms.optional(),
  clock: clockSchema.optional(),
});

/** @throws {HealingConfigError} naming the invalid option. */
export function resolveHealthOptions(options: HealthMonitorOptions): HealthSettings {
  const parsed = parseWith(optionsSchema, options, 'healthMonitor');
  const thresholds = { ...DEFAULT_THRESHOLDS, ...parsed.thresholds };
  // Each bound is checked alone by the schema; only together can they be out of order.
  if (!(thresholds.degraded <= thresholds.unhealthy && thresholds.unhealthy <= thresholds.critical)) {
    throw new HealingConfigError('healthMonitor.thresholds', `expected degraded <= unhealthy <= critical, got ${thresholds.degraded}, ${thresholds.unhealthy}, ${thresholds.critical}`);
  }
  return {
    thresholds: Object.freeze(thresholds),
    hysteresis: parsed.hysteresis ?? 0,
    clock: parsed.clock ?? systemClock,
    windowMs: parsed.windowMs ?? 60_000,
    maxSamples: parsed.maxSamples ?? 1_000,
    checkIntervalMs: parsed.checkIntervalMs ?? 30_000,
    checkTimeoutMs: parsed.checkTimeoutMs ?? 5_000,
  };
}

/** A component's name: checked wherever one comes in, so a call never makes a component `5` or `""`. */
export function checkComponentName(name: unknown): asserts name is string {
  if (typeof name === 'string' && name.length > 0) return;
  const given = typeof name === 'string' ? '""' : typeof name === 'number' || typeof name === 'boolean' ? String(name) : name === null ? 'null' : typeof name;
  throw new HealingConfigError('component', `expected a non-empty string, got ${given}`);
}

// Strict, as every options object: `{ chek }` would register a component whose check never runs.
export const registrationSchema = z.strictObject({
  check: fn<HealthCheck>('an async function check(signal)').optional(),
}, { error: 'expected { check } or nothing' });

const isCategory = (value: unknown) => typeof value === 'string' && value.length > 0;
const isCategories = (value: unknown) => isCategory(value) || (Array.isArray(value) && value.every(isCategory));

/** One call recorded by hand: `ok` decides failure, so only a boolean will do; a duration is never negative. */
export const outcomeSchema = z.strictObject({
  ok: z.boolean(),
  durationMs: z.number().min(0),
  category: z.custom<string | readonly string[]>(isCategories, 'expected a category or an array of categories (non-empty strings)').optional(),
  severity: z.enum(SEVERITIES as [Severity, ...Severity[]]).optional(),
}, { error: 'expected an outcome { ok, durationMs, category?, severity? }' });

export const recurringQuerySchema = z.strictObject({
  minCount: z.number().int().min(1).optional(),
  component: z.string().min(1).optional(),
}, { error: 'expected { minCount, component } or nothing' });
