import type { Classification } from '../classify/classification.js';
import type { CircuitState } from './circuit-breaker.js';

/**
 * What a pipeline needs from a breaker: the native {@link CircuitBreaker} implements it, and so do
 * adapters such as `self-healing/opossum`'s. Register one with `registry.register(breaker)` and
 * name it in `circuitName`.
 *
 * The protocol: every call first asks `canExecute()`; an admitted call then ends with exactly one
 * of `recordSuccess`, `recordFailure` (a failure that counts against the dependency) or
 * `releasePermission` (an outcome that says nothing about the dependency's health).
 *
 * @example
 * ```ts
 * function guarded(breaker: CircuitBreakerLike, call: () => Promise<void>) {
 *   if (!breaker.canExecute()) throw new Error(`${breaker.name} is ${breaker.state}`);
 *   return call().then(() => breaker.recordSuccess(), (error) => { breaker.recordFailure(error); throw error; });
 * }
 * ```
 */
export interface CircuitBreakerLike {
  readonly name: string;
  readonly state: CircuitState;
  /** Admits (true) or refuses (false) one call. */
  canExecute(): boolean;
  /** An admitted call succeeded; `durationMs` lets slow-call policies count it. */
  recordSuccess(durationMs?: number): void;
  /** An admitted call failed in a way that counts against the dependency. */
  recordFailure(error?: unknown, durationMs?: number): void;
  /** An admitted call ended without saying anything about the dependency's health. */
  releasePermission(): void;
  /** Closes the breaker. */
  reset(): void;
  /** How long until an open breaker admits a probe, in ms (0 unless `OPEN`). */
  remainingOpenMs(): number;
  /**
   * Set by `canExecute()` each time it refuses: what `remainingOpenMs()` was at that moment. The
   * pipeline builds the refusal's `CircuitOpenError` from it instead of reading the clock again;
   * without it, the pipeline asks `remainingOpenMs()`.
   */
  readonly lastRefusalRetryAfterMs?: number;
  /** Counters as plain JSON. */
  stats(): object;
  /** When true, the pipeline times each attempt and passes `durationMs` (for slow-call policies). */
  readonly needsDuration?: boolean;
  /** Which failed attempts count against the breaker; default: those classified `transient`. */
  shouldTrip?(error: unknown, classification: Classification): boolean;
}
