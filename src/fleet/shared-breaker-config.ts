import { hostname } from 'node:os';
import { z } from 'zod';
import type { Classification } from '../classify/classification.js';
import { clockSchema, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { percent } from '../circuit/circuit-config.js';
import { breakDurationSchema, configuredBreak, oneBreakDuration } from '../circuit/break-duration.js';
import type { StateStore } from './state-store.js';

/**
 * Options of a {@link SharedCircuitBreaker}. Every field is optional.
 *
 * @example
 * ```ts
 * const options: SharedCircuitBreakerOptions = {
 *   store: createRedisStateStore({ client: redis }),
 *   failureThreshold: 20, windowMs: 10_000, quorum: 2, breakDurationMs: 30_000,
 * };
 * ```
 */
export interface SharedCircuitBreakerOptions {
  /** Where the fleet's state lives. Default: a process-wide {@link MemoryStateStore}. */
  store?: StateStore;
  /** Failures across the whole fleet within `windowMs` that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Also require this failure rate (percent of the fleet's calls in the window), once `minimumCalls` calls are in it. Default: none. */
  failureRateThreshold?: number;
  /** Calls the window must hold before `failureRateThreshold` applies. Default 10. */
  minimumCalls?: number;
  /** The window over which the fleet's outcomes are summed, in ms. Default 60 000. */
  windowMs?: number;
  /** Buckets of the window (it slides in steps of `windowMs / buckets`). Default 10. */
  buckets?: number;
  /** Distinct instances that must have reported failures in the window before it opens. Default 1. */
  quorum?: number;
  /** The break before one probe is admitted across the fleet, in ms, or a function of the openings in a row. Default 60 000. */
  breakDurationMs?: number | ((openings: number) => number);
  /**
   * The former name of `breakDurationMs`, still accepted. Giving both is a `HealingConfigError`.
   * @deprecated Use `breakDurationMs`.
   */
  recoveryTimeoutMs?: number | ((openings: number) => number);
  /** How long the fleet's single probe may take before another instance may probe, in ms. Default 60 000. */
  probeTimeoutMs?: number;
  /** How often outcomes are flushed to the store, in ms. Default 250. */
  flushIntervalMs?: number;
  /** Longest wait for any store operation before the store counts as unreachable, in ms. Default 100. */
  storeTimeoutMs?: number;
  /** How often to try the store again while it is unreachable, in ms. Default 1 000. */
  rejoinIntervalMs?: number;
  /** Consecutive failures that open this process's own breaker while the store is unreachable. Default `failureThreshold`. */
  localFailureThreshold?: number;
  /** Which failed attempts count, in a pipeline. Default: those classified `transient`. */
  shouldTrip?: (error: unknown, classification: Classification) => boolean;
  /** This process's name in quorum counts. Default `host:pid:random`. */
  instanceId?: string;
  /** The local time source (timers, and the local side of the store's clock). Default `systemClock`. */
  clock?: Clock;
}

const MAX_MS = 2 ** 31 - 1;
const ms = (min: number) => z.number().min(min).max(MAX_MS);
const fn = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', `expected ${what}`);

const optionsSchema = z.strictObject({
  store: z.custom<StateStore>((value) => typeof (value as StateStore | undefined)?.addToWindow === 'function' &&
    typeof (value as StateStore).compareAndSet === 'function', 'expected a StateStore (MemoryStateStore, or createRedisStateStore from self-healing/redis)').optional(),
  failureThreshold: z.number().int().min(1).optional(),
  failureRateThreshold: percent.optional(),
  minimumCalls: z.number().int().min(1).optional(),
  windowMs: ms(1).optional(),
  buckets: z.number().int().min(1).max(1_000).optional(),
  quorum: z.number().int().min(1).optional(),
  breakDurationMs: breakDurationSchema.optional(),
  recoveryTimeoutMs: breakDurationSchema.optional(),
  probeTimeoutMs: ms(1).optional(),
  flushIntervalMs: ms(1).optional(),
  storeTimeoutMs: ms(1).optional(),
  rejoinIntervalMs: ms(1).optional(),
  localFailureThreshold: z.number().int().min(1).optional(),
  shouldTrip: fn<(error: unknown, classification: Classification) => boolean>('a function (error, classification) => boolean').optional(),
  instanceId: z.string().min(1).max(200).optional(),
  clock: clockSchema.optional(),
}).refine(...oneBreakDuration);

/** Options with every default filled in (the store and clock are filled in by the breaker). */
export type ResolvedSharedBreakerOptions = Required<Omit<SharedCircuitBreakerOptions, 'store' | 'clock' | 'shouldTrip' | 'failureRateThreshold' | 'recoveryTimeoutMs'>> &
  Pick<SharedCircuitBreakerOptions, 'store' | 'clock' | 'shouldTrip' | 'failureRateThreshold'>;

/** Validates options (a clear `HealingConfigError` naming the option) and fills in the defaults. */
export function resolveSharedBreakerOptions(options: SharedCircuitBreakerOptions | undefined): ResolvedSharedBreakerOptions {
  const { recoveryTimeoutMs: _alias, ...parsed } = parseWith(optionsSchema, options ?? {}, 'sharedCircuitBreaker');
  const failureThreshold = parsed.failureThreshold ?? 5;
  return {
    ...parsed,
    failureThreshold,
    minimumCalls: parsed.minimumCalls ?? 10,
    windowMs: parsed.windowMs ?? 60_000,
    buckets: parsed.buckets ?? 10,
    quorum: parsed.quorum ?? 1,
    breakDurationMs: configuredBreak({ ...parsed, recoveryTimeoutMs: _alias }) ?? 60_000,
    probeTimeoutMs: parsed.probeTimeoutMs ?? 60_000,
    flushIntervalMs: parsed.flushIntervalMs ?? 250,
    storeTimeoutMs: parsed.storeTimeoutMs ?? 100,
    rejoinIntervalMs: parsed.rejoinIntervalMs ?? 1_000,
    localFailureThreshold: parsed.localFailureThreshold ?? failureThreshold,
    instanceId: parsed.instanceId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
  };
}
