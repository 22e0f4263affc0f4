/**
 * How a component is doing, from its error rate over the monitor's window (or a failing check):
 * `healthy` under 5 %, `degraded` 5-20 %, `unhealthy` 20-50 %, `critical` over 50 % by default.
 * @example
 * ```ts
 * if (monitor.systemHealth().level === 'critical') shedLoad();
 * ```
 */
export type HealthLevel = 'healthy' | 'degraded' | 'unhealthy' | 'critical';

/**
 * Error rates (fractions of calls in the window) at which a component moves to a worse level.
 * @example
 * ```ts
 * const thresholds: HealthThresholds = { degraded: 0.01, unhealthy: 0.1, critical: 0.3 };
 * ```
 * @inline
 */
export interface HealthThresholds {
  /** From this rate on, `degraded`. Default 0.05. */
  degraded: number;
  /** From this rate on, `unhealthy`. Default 0.2. */
  unhealthy: number;
  /** Above this rate, `critical`. Default 0.5. */
  critical: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = Object.freeze({ degraded: 0.05, unhealthy: 0.2, critical: 0.5 });

/** Worst last, so levels compare by index. */
export const LEVELS: readonly HealthLevel[] = ['healthy', 'degraded', 'unhealthy', 'critical'];

export function levelForErrorRate(rate: number, thresholds: HealthThresholds): HealthLevel {
  if (rate < thresholds.degraded) return 'healthy';
  if (rate < thresholds.unhealthy) return 'degraded';
  if (rate <= thresholds.critical) return 'unhealthy';
  return 'critical';
}

/**
 * The level of `rate` for a component now at `current`, with hysteresis: a worse level is taken
 * as soon as its threshold is reached, but a level is left for a better one only once the rate is
 * `hysteresis` below the threshold that led to it, so a rate hovering at a threshold does not
 * alert on every call.
 */
export function levelWithHysteresis(rate: number, current: HealthLevel, thresholds: HealthThresholds, hysteresis: number): HealthLevel {
  const raw = levelForErrorRate(rate, thresholds);
  if (hysteresis === 0) return raw;
  let index = LEVELS.indexOf(current);
  const target = LEVELS.indexOf(raw);
  if (target >= index) return raw;
  // Step down while the rate is clear of the threshold of the level it would leave. No failures
  // at all always clears it: a hysteresis as wide as the threshold must not pin a level forever.
  while (index > target && (rate === 0 || rate < thresholds[LEVELS[index] as Exclude<HealthLevel, 'healthy'>] - hysteresis)) index--;
  return LEVELS[index]!;
}

export function worstLevel(a: HealthLevel, b: HealthLevel): HealthLevel {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}
