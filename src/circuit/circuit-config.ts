import { z } from 'zod';
import { parseWith } from '../config/parse.js';

/**
 * How a breaker trips and recovers. Every field is optional; the defaults are 5 / 60 s / 1.
 *
 * @example
 * ```ts
 * const config: CircuitBreakerConfig = { failureThreshold: 3, recoveryTimeoutMs: 10_000 };
 * ```
 */
export interface CircuitBreakerConfig {
  /** Consecutive counted failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long an open breaker refuses calls before it lets probes through, in ms. Default 60 000. */
  recoveryTimeoutMs?: number;
  /** How many probes a half-open breaker admits at once. Default 1. */
  halfOpenMaxCalls?: number;
}

/** A config with every default filled in. */
export type ResolvedCircuitBreakerConfig = Required<CircuitBreakerConfig>;

export const circuitBreakerConfigSchema = z.strictObject({
  failureThreshold: z.number().int().min(1).optional(),
  recoveryTimeoutMs: z.number().min(0).max(2 ** 31 - 1).optional(),
  halfOpenMaxCalls: z.number().int().min(1).optional(),
});

/** The defaults, shared by every breaker that does not override them (saves memory per breaker). */
export const DEFAULT_CIRCUIT_BREAKER_CONFIG: Readonly<ResolvedCircuitBreakerConfig> = Object.freeze({
  failureThreshold: 5,
  recoveryTimeoutMs: 60_000,
  halfOpenMaxCalls: 1,
});

/** Validates a config and fills in the defaults. */
export function resolveCircuitBreakerConfig(config: CircuitBreakerConfig | undefined, option = 'circuitBreaker'): Readonly<ResolvedCircuitBreakerConfig> {
  if (config === undefined) return DEFAULT_CIRCUIT_BREAKER_CONFIG;
  const parsed = parseWith(circuitBreakerConfigSchema, config, option);
  const resolved = { ...DEFAULT_CIRCUIT_BREAKER_CONFIG, ...stripUndefined(parsed) };
  // Breakers with equal configs share one frozen object: per-key breakers (per host, per tenant)
  // then cost no memory for their config.
  const key = `${resolved.failureThreshold}|${resolved.recoveryTimeoutMs}|${resolved.halfOpenMaxCalls}`;
  let shared = sharedConfigs.get(key);
  if (shared === undefined) {
    shared = Object.freeze(resolved);
    if (sharedConfigs.size < 1_000) sharedConfigs.set(key, shared);
  }
  return shared;
}

const sharedConfigs = new Map<string, Readonly<ResolvedCircuitBreakerConfig>>();

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
