import { z } from 'zod';
import { clockSchema, systemClock, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import type { Assert, Same } from '../config/same-type.js';
import { MAX_MS } from '../config/schema-helpers.js';
import type { CircuitEvents } from './circuit-events.js';

const registryOptionsSchema = z.strictObject({
  clock: clockSchema.optional(),
  maxBreakers: z.number().int().min(1).optional(),
  idleTimeoutMs: z.number().min(1).max(MAX_MS).optional(),
});

/**
 * Options of {@link CircuitBreakerRegistry}.
 * @example
 * ```ts
 * const options: CircuitBreakerRegistryOptions = { maxBreakers: 10_000, idleTimeoutMs: 15 * 60_000 };
 * ```
 * @inline
 */
export interface CircuitBreakerRegistryOptions {
  /** The time source of every breaker in the registry. Default {@link systemClock}. */
  clock?: Clock;
  /** The most breakers it will hold; one more is a {@link RegistryFullError}. Default 100 000. */
  maxBreakers?: number;
  /**
   * Breakers not looked up for this long (and closed, with nothing in flight) are evicted, in ms.
   * Checked lazily during lookups and by `evictIdle()`: no timer. Default: never.
   */
  idleTimeoutMs?: number;
}

type _Check = Assert<Same<CircuitBreakerRegistryOptions, z.input<typeof registryOptionsSchema>>>;

/** Registry options, validated, with their defaults filled in. */
export interface ResolvedRegistryOptions {
  readonly clock: Clock;
  readonly maxBreakers: number;
  readonly idleTimeoutMs: number | undefined;
}

/** Validates registry options (a {@link HealingConfigError} when wrong) and fills in the defaults. */
export function resolveRegistryOptions(options: CircuitBreakerRegistryOptions): ResolvedRegistryOptions {
  const parsed = parseWith(registryOptionsSchema, options, 'registry');
  return { clock: parsed.clock ?? systemClock, maxBreakers: parsed.maxBreakers ?? 100_000, idleTimeoutMs: parsed.idleTimeoutMs };
}

/**
 * A breaker joining or leaving a registry.
 * @example
 * ```ts
 * registry.on('removed', ({ name, reason }) => console.log(`${name} evicted (${reason})`));
 * ```
 * @inline
 */
export interface RegistryMembershipEvent {
  name: string;
  reason: 'created' | 'registered' | 'deleted' | 'idle';
}

/**
 * Every registry event: each breaker's events, plus `added` and `removed`.
 * @example
 * ```ts
 * const watched: Array<keyof RegistryEvents> = ['added', 'removed', 'stateChange'];
 * ```
 * @inline
 */
export interface RegistryEvents extends CircuitEvents {
  added: RegistryMembershipEvent;
  removed: RegistryMembershipEvent;
}
