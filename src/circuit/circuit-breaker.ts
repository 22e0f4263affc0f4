import type { Clock } from '../clock.js';
import type { ResolvedCircuitBreakerConfig } from './circuit-config.js';

/**
 * - `CLOSED`: calls flow; failures are counted.
 * - `OPEN`: calls are refused without running, until `recoveryTimeoutMs` has passed.
 * - `HALF_OPEN`: up to `halfOpenMaxCalls` probes may run; a success closes, a failure re-opens.
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
  /** Calls refused while open or while half-open probes were all taken. */
  rejections: number;
  /** When the breaker last opened (ms since the epoch), or `null`. */
  openedAt: number | null;
  /** Probes running now (half-open only). */
  halfOpenInFlight: number;
  failureThreshold: number;
  recoveryTimeoutMs: number;
  halfOpenMaxCalls: number;
}

/**
 * A circuit breaker with a consecutive-failures policy. It holds no timer: the move from `OPEN`
 * to `HALF_OPEN` happens when the state is next read after `recoveryTimeoutMs`.
 *
 * Get one from a registry (`getCircuitBreaker(name)` or `registry.get(name)`) so that every
 * caller shares it, or use it by hand:
 *
 * @example
 * ```ts
 * const breaker = getCircuitBreaker('inventory', { failureThreshold: 3 });
 * if (breaker.canExecute()) {
 *   try {
 *     await callInventory();
 *     breaker.recordSuccess();
 *   } catch (error) {
 *     breaker.recordFailure(error);
 *   }
 * }
 * ```
 */
export class CircuitBreaker {
  /** The breaker's name in its registry. */
  readonly name: string;
  /** The policy this breaker applies (frozen, possibly shared with other breakers). */
  readonly config: Readonly<ResolvedCircuitBreakerConfig>;
  private readonly clock: Clock;
  private current: CircuitState = 'CLOSED';
  private consecutiveFailures = 0;
  private openedAt = -1;
  private halfOpenInFlight = 0;
  private successes = 0;
  private failures = 0;
  private rejections = 0;

  /** Prefer `registry.get(name, config)`; constructing directly gives an unshared breaker. */
  constructor(name: string, config: Readonly<ResolvedCircuitBreakerConfig>, clock: Clock) {
    this.name = name;
    this.config = config;
    this.clock = clock;
  }

  /** The current state, moving `OPEN` to `HALF_OPEN` once `recoveryTimeoutMs` has passed. */
  get state(): CircuitState {
    if (this.current === 'OPEN' && this.clock.now() - this.openedAt >= this.config.recoveryTimeoutMs) {
      this.current = 'HALF_OPEN';
      this.halfOpenInFlight = 0;
    }
    return this.current;
  }

  /**
   * Asks to run one call. `true` admits it (in half-open, it takes one of the probe slots until
   * a result is recorded); `false` refuses it. Every admitted call must end with
   * `recordSuccess`, `recordFailure` or `releasePermission`.
   */
  canExecute(): boolean {
    const state = this.state;
    if (state === 'CLOSED') return true;
    if (state === 'HALF_OPEN' && this.halfOpenInFlight < this.config.halfOpenMaxCalls) {
      this.halfOpenInFlight++;
      return true;
    }
    this.rejections++;
    return false;
  }

  /** Records a success: closes a half-open breaker and clears the failure count. */
  recordSuccess(): void {
    this.successes++;
    const state = this.state;
    if (state === 'HALF_OPEN') this.close();
    else if (state === 'CLOSED') this.consecutiveFailures = 0;
  }

  /**
   * Records a failure that counts against the breaker: opens it after `failureThreshold` in a
   * row, or at once when half-open. The error is accepted for symmetry with other breakers.
   */
  recordFailure(_error?: unknown): void {
    this.failures++;
    const state = this.state;
    if (state === 'HALF_OPEN') this.open();
    else if (state === 'CLOSED' && ++this.consecutiveFailures >= this.config.failureThreshold) this.open();
  }

  /**
   * Ends an admitted call whose outcome says nothing about the dependency's health (a 404, a
   * validation error, a cancelled call): frees its half-open slot without opening or closing.
   */
  releasePermission(): void {
    if (this.current === 'HALF_OPEN' && this.halfOpenInFlight > 0) this.halfOpenInFlight--;
  }

  /** Closes the breaker and clears its failure count (totals are kept). */
  reset(): void {
    this.close();
  }

  /** How long until an open breaker admits a probe, in ms (0 unless `OPEN`). */
  remainingOpenMs(): number {
    if (this.current !== 'OPEN') return 0;
    const remaining = this.openedAt + this.config.recoveryTimeoutMs - this.clock.now();
    return remaining > 0 ? remaining : 0;
  }

  /** The breaker's counters as plain JSON. */
  stats(): CircuitBreakerStats {
    return {
      name: this.name,
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      successes: this.successes,
      failures: this.failures,
      rejections: this.rejections,
      openedAt: this.openedAt < 0 ? null : this.openedAt,
      halfOpenInFlight: this.current === 'HALF_OPEN' ? this.halfOpenInFlight : 0,
      failureThreshold: this.config.failureThreshold,
      recoveryTimeoutMs: this.config.recoveryTimeoutMs,
      halfOpenMaxCalls: this.config.halfOpenMaxCalls,
    };
  }

  private open(): void {
    this.current = 'OPEN';
    this.openedAt = this.clock.now();
    this.halfOpenInFlight = 0;
  }

  private close(): void {
    this.current = 'CLOSED';
    this.consecutiveFailures = 0;
    this.halfOpenInFlight = 0;
  }
}
