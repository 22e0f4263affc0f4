import type { Clock } from '../clock.js';
import type { CircuitEvents, Listeners } from './circuit-events.js';

/**
 * - `CLOSED`: calls flow; failures are counted.
 * - `OPEN`: calls are refused without running, until the break (`breakDurationMs`) has passed.
 * - `HALF_OPEN`: up to `halfOpenMaxCalls` probes may run; `successThreshold` successes close it,
 *   any failure re-opens it.
 *
 * @example
 * ```ts
 * if (getCircuitBreaker('payments').state === 'OPEN') showMaintenanceBanner();
 * ```
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * A breaker's counters, as plain JSON.
 *
 * @example
 * ```ts
 * const { state, consecutiveFailures, rejections } = getCircuitBreaker('api').stats();
 * ```
 */
export interface CircuitBreakerStats {
  name: string;
  state: CircuitState;
  /** Counted failures since the last success (what `failureThreshold` is compared with). */
  consecutiveFailures: number;
  successes: number;
  failures: number;
  /** Successes slower than `slowCallMs` (also counted in `failures` for tripping, not in `successes`). */
  slowCalls: number;
  /** Calls refused while open, while half-open probes were all taken, by an open parent, or by a ramp. */
  rejections: number;
  /** When the breaker last opened (ms since the epoch), or `null`. */
  openedAt: number | null;
  /** Times it opened in a row without closing in between (drives a growing break). */
  openings: number;
  /** Probes running now (half-open only). */
  halfOpenInFlight: number;
  /** `'OPEN'` while isolated, `'CLOSED'` while forced closed, else `null`. */
  forced: 'OPEN' | 'CLOSED' | null;
  /** Calls and failures in the rate policy's window (both 0 for the consecutive policy). */
  window: { calls: number; failures: number };
  parent: string | null;
  failureThreshold: number;
  /** The break now in force (or that the next opening will use). */
  breakDurationMs: number;
  halfOpenMaxCalls: number;
  successThreshold: number;
  /** The percent of calls admitted now while ramping up after a recovery (see `ramp`), else `null`. */
  rampPercent: number | null;
}

/**
 * A hold on a breaker's state from `isolate()` or `forceClose()`. `release()` ends it (once);
 * a later control replaces an earlier one.
 * @example
 * ```ts
 * const hold = breaker.isolate(); // maintenance window
 * hold.release();
 * ```
 * @inline
 */
export interface CircuitControl {
  release(): void;
}

/** What a breaker shares with its registry: the clock and the registry-wide listeners. */
export interface BreakerHost {
  readonly clock: Clock;
  readonly events: Listeners<CircuitEvents>;
}

/** A breaker's state as a snapshot saves it. @internal */
export interface SavedCircuitState {
  state: CircuitState;
  remainingOpenMs: number;
  openings: number;
  consecutiveFailures: number;
  forced: 'OPEN' | 'CLOSED' | null;
}
