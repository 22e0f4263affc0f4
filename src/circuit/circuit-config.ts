import { z } from 'zod';
import type { Classification } from '../classify/classification.js';
import { parseWith } from '../config/parse.js';
import type { Assert, Same } from '../config/same-type.js';
import { fn, MAX_MS } from '../config/schema-helpers.js';
import { rampConfigSchema, type RampConfig } from '../core/traffic-ramp.js';
import { breakDurationSchema, configuredBreak, oneBreakDuration, type BreakDurationSetting } from './break-duration.js';

/**
 * Open after `failureThreshold` counted failures in a row (the default policy).
 * @example
 * ```ts
 * const policy: ConsecutivePolicy = { type: 'consecutive' };
 * ```
 * @inline
 */
export interface ConsecutivePolicy {
  type: 'consecutive';
}

/**
 * Open when the failure rate over the last `windowSize` calls reaches `failureRateThreshold`
 * percent, once at least `minimumCalls` calls are in the window. The rate is checked after every
 * recorded call, success or failure, so the call that completes `minimumCalls` can open it.
 * @example
 * ```ts
 * const policy: CountWindowPolicy = { type: 'count', windowSize: 20, minimumCalls: 10, failureRateThreshold: 50 };
 * ```
 * @inline
 */
export interface CountWindowPolicy {
  type: 'count';
  windowSize: number;
  /** Default: `windowSize`. */
  minimumCalls?: number;
  /** Percent, 1 to 100. */
  failureRateThreshold: number;
}

/**
 * Open when the failure rate over the last `windowMs` reaches `failureRateThreshold` percent,
 * once at least `minimumCalls` calls fall in the window (checked after every recorded call,
 * success or failure). The window is kept in `buckets` buckets, so it slides in steps of
 * `windowMs / buckets`.
 * @example
 * ```ts
 * const policy: TimeWindowPolicy = { type: 'time', windowMs: 60_000, buckets: 10, minimumCalls: 20, failureRateThreshold: 50 };
 * ```
 * @inline
 */
export interface TimeWindowPolicy {
  type: 'time';
  windowMs: number;
  /** Default 10. */
  buckets?: number;
  /** Default 10. */
  minimumCalls?: number;
  /** Percent, 1 to 100. */
  failureRateThreshold: number;
}

/**
 * How a closed breaker decides to open.
 * @example
 * ```ts
 * registry.get('search', { policy: { type: 'count', windowSize: 50, failureRateThreshold: 25 } });
 * ```
 */
export type CircuitPolicy = ConsecutivePolicy | CountWindowPolicy | TimeWindowPolicy;

/**
 * How a breaker trips and recovers. Every field is optional.
 *
 * @example
 * ```ts
 * const config: CircuitBreakerConfig = {
 *   failureThreshold: 3,
 *   breakDurationMs: (openings) => Math.min(60_000 * 2 ** (openings - 1), 600_000),
 *   halfOpenMaxCalls: 2,
 *   successThreshold: 2,
 * };
 * ```
 */
export interface CircuitBreakerConfig {
  /** Consecutive counted failures that open the breaker (policy `consecutive`). Default 5. */
  failureThreshold?: number;
  /** Default `{ type: 'consecutive' }`. */
  policy?: CircuitPolicy;
  /**
   * How long an open breaker refuses calls before it admits probes, in ms: a number, or a
   * function of how many times in a row it has opened (1 the first time), for a growing break.
   * Default 60 000.
   */
  breakDurationMs?: number | ((openings: number) => number);
  /**
   * The former name of `breakDurationMs`, still accepted. Giving both is a `HealingConfigError`.
   * @deprecated Use `breakDurationMs`.
   */
  recoveryTimeoutMs?: number | ((openings: number) => number);
  /** Probes a half-open breaker admits at once. Default 1. */
  halfOpenMaxCalls?: number;
  /** Probe successes that close a half-open breaker (any probe failure re-opens it). Default 1. */
  successThreshold?: number;
  /** A probe that has not settled after this long no longer holds its slot, in ms. Default 60 000. */
  probeTimeoutMs?: number;
  /** A success slower than this counts as a failure (and in `slowCalls`), in ms. Default: none. */
  slowCallMs?: number;
  /**
   * Which failed attempts count against the breaker, when it runs in a pipeline. Default: those
   * classified `transient`.
   */
  shouldTrip?: (error: unknown, classification: Classification) => boolean;
  /** The name of a parent breaker: an open parent refuses this breaker's calls, and this breaker's outcomes roll up to it. */
  parent?: string;
  /**
   * After the breaker closes on a successful probe, admit a share of calls that rises from
   * `startPercent` (default 10) to 100 % over `durationMs`; the calls not admitted are refused
   * like an open circuit (reason `'ramping'`), so the pipeline's fallback serves them. Default: no
   * ramp, every call admitted at once. A `reset()` or `forceClose()` does not ramp.
   */
  ramp?: RampConfig;
}

/** A config with every default filled in; shared (frozen) by breakers with equal settings. */
export interface ResolvedCircuitBreakerConfig {
  readonly failureThreshold: number;
  readonly policy: Readonly<CircuitPolicy>;
  readonly breakDurationMs: BreakDurationSetting;
  readonly halfOpenMaxCalls: number;
  readonly successThreshold: number;
  readonly probeTimeoutMs: number;
  readonly slowCallMs: number | undefined;
  readonly shouldTrip: ((error: unknown, classification: Classification) => boolean) | undefined;
  readonly parent: string | undefined;
  readonly ramp: Readonly<RampConfig> | undefined;
}

// A percent, as in resilience4j and opossum. Below 1 is refused: 0.5 is almost always a fraction
// meant as "half" (cockatiel's habit), and would silently mean 0.5 %.
export const percent = z.number()
  .min(1, 'is a percent from 1 to 100 (50 opens at half the calls failing); a fraction such as 0.5 would mean 0.5 %')
  .max(100, 'is a percent from 1 to 100');

const consecutivePolicySchema = z.strictObject({ type: z.literal('consecutive') });
const countWindowPolicySchema = z.strictObject({
  type: z.literal('count'),
  windowSize: z.number().int().min(1).max(100_000),
  minimumCalls: z.number().int().min(1).optional(),
  failureRateThreshold: percent,
}).refine((p) => p.minimumCalls === undefined || p.minimumCalls <= p.windowSize, {
  message: 'minimumCalls cannot exceed windowSize (the window would never hold enough calls)', path: ['minimumCalls'],
});
const timeWindowPolicySchema = z.strictObject({
  type: z.literal('time'),
  windowMs: z.number().min(1).max(MAX_MS),
  buckets: z.number().int().min(1).max(1_000).optional(),
  minimumCalls: z.number().int().min(1).optional(),
  failureRateThreshold: percent,
});
const policySchema = z.discriminatedUnion('type', [consecutivePolicySchema, countWindowPolicySchema, timeWindowPolicySchema],
  { error: 'expected a policy with type "consecutive", "count" or "time"' });

export const circuitBreakerConfigSchema = z.strictObject({
  failureThreshold: z.number().int().min(1).optional(),
  policy: policySchema.optional(),
  breakDurationMs: breakDurationSchema.optional(),
  recoveryTimeoutMs: breakDurationSchema.optional(),
  halfOpenMaxCalls: z.number().int().min(1).optional(),
  successThreshold: z.number().int().min(1).optional(),
  probeTimeoutMs: z.number().min(1).max(MAX_MS).optional(),
  slowCallMs: z.number().min(0).max(MAX_MS).optional(),
  shouldTrip: fn<(error: unknown, classification: Classification) => boolean>('a function (error, classification) => boolean').optional(),
  parent: z.string().min(1).optional(),
  ramp: rampConfigSchema.optional(),
}).refine(...oneBreakDuration).refine((c) => c.successThreshold === undefined || c.successThreshold <= (c.halfOpenMaxCalls ?? 1), {
  message: 'successThreshold cannot exceed halfOpenMaxCalls (the breaker could never close)', path: ['successThreshold'],
});

/** The defaults, shared by every breaker that does not override them (saves memory per breaker). */
export const DEFAULT_CIRCUIT_BREAKER_CONFIG: ResolvedCircuitBreakerConfig = Object.freeze({
  failureThreshold: 5,
  policy: Object.freeze({ type: 'consecutive' as const }),
  breakDurationMs: 60_000,
  halfOpenMaxCalls: 1,
  successThreshold: 1,
  probeTimeoutMs: 60_000,
  slowCallMs: undefined,
  shouldTrip: undefined,
  parent: undefined,
  ramp: undefined,
});

const sharedConfigs = new Map<string, ResolvedCircuitBreakerConfig>();

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Validates a config and fills in the defaults. Breakers with equal settings share one frozen
 * object, so per-key breakers (per host, per tenant) cost no memory for their config.
 */
export function resolveCircuitBreakerConfig(config: CircuitBreakerConfig | undefined, option = 'circuitBreaker'): ResolvedCircuitBreakerConfig {
  if (config === undefined) return DEFAULT_CIRCUIT_BREAKER_CONFIG;
  const parsed = parseWith(circuitBreakerConfigSchema, config, option);
  // The deprecated alias recoveryTimeoutMs is read as breakDurationMs (the schema refuses both).
  const { recoveryTimeoutMs: _alias, ...given } = { ...parsed, breakDurationMs: configuredBreak(parsed) };
  const resolved: Mutable<ResolvedCircuitBreakerConfig> = { ...DEFAULT_CIRCUIT_BREAKER_CONFIG };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  // The defaults inside policy and ramp too, so that a config spelling them out is the same config.
  resolved.policy = withPolicyDefaults(resolved.policy);
  if (resolved.ramp !== undefined) resolved.ramp = { durationMs: resolved.ramp.durationMs, startPercent: resolved.ramp.startPercent ?? 10 };
  // Functions cannot be compared by value: configs holding one are not shared.
  if (typeof resolved.breakDurationMs === 'function' || resolved.shouldTrip !== undefined) return Object.freeze(resolved);
  const key = JSON.stringify(resolved);
  let shared = sharedConfigs.get(key);
  if (shared === undefined) {
    shared = Object.freeze({ ...resolved, policy: Object.freeze({ ...resolved.policy }), ramp: resolved.ramp && Object.freeze({ ...resolved.ramp }) });
    if (sharedConfigs.size < 1_000) sharedConfigs.set(key, shared);
  }
  return shared;
}

/** A policy with its defaults filled in, keys in one order (the shared configs are keyed by their JSON). */
function withPolicyDefaults(policy: Readonly<CircuitPolicy>): Readonly<CircuitPolicy> {
  if (policy.type === 'count') {
    const { windowSize, minimumCalls = windowSize, failureRateThreshold } = policy;
    return { type: 'count', windowSize, minimumCalls, failureRateThreshold };
  }
  if (policy.type === 'time') {
    const { windowMs, buckets = 10, minimumCalls = 10, failureRateThreshold } = policy;
    return { type: 'time', windowMs, buckets, minimumCalls, failureRateThreshold };
  }
  return policy;
}

// The interfaces keep their field docs (a derived type would lose them in the .d.ts); these keep
// them and the schemas the same (docs/design.md, "Options types and their schemas").
type _Config = Assert<Same<CircuitBreakerConfig, z.input<typeof circuitBreakerConfigSchema>>>;
type _Consecutive = Assert<Same<ConsecutivePolicy, z.input<typeof consecutivePolicySchema>>>;
type _Count = Assert<Same<CountWindowPolicy, z.input<typeof countWindowPolicySchema>>>;
type _Time = Assert<Same<TimeWindowPolicy, z.input<typeof timeWindowPolicySchema>>>;
