import type { Classification } from '../classify/classification.js';
import { subscribe } from '../config/known-events.js';
import type { CircuitBreakerLike } from './circuit-breaker-like.js';
import type { ResolvedCircuitBreakerConfig } from './circuit-config.js';
import { Listeners, type CircuitEvents, type CircuitRejection } from './circuit-events.js';
import { CircuitStateMachine } from './circuit-state-machine.js';
import type { BreakerHost, CircuitBreakerStats, CircuitControl, SavedCircuitState } from './circuit-types.js';
import { countsAsTrip } from './trip-decision.js';
import { createTripWindow, type TripWindow } from './trip-window.js';
import { lastRefusal, refusalCause } from './last-refusal.js';

export type { BreakerHost, CircuitBreakerStats, CircuitControl, CircuitState } from './circuit-types.js';

/**
 * A circuit breaker. It holds no timer: the move from `OPEN` to `HALF_OPEN` happens when its
 * state is next read after the break, and probe slots expire the same way. Its config is shared
 * and its rate window is created on first use, so an idle breaker is a few small fields.
 *
 * Get one from a registry (`getCircuitBreaker(name, config)` or `registry.get(name, config)`) so
 * every caller shares it:
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
export class CircuitBreaker extends CircuitStateMachine implements CircuitBreakerLike {
  /** The parent breaker, if any. */
  readonly parent: CircuitBreaker | undefined;
  /** The registry's last lookup of this breaker (idle eviction reads it). @internal */
  lastUsedAt = 0;
  /** How many breakers name this one as parent (a parent is never evicted while it has any). @internal */
  children = 0;
  private successes = 0;
  private failures = 0;
  private slowCalls = 0;
  private rejections = 0;

  /** @internal Use `registry.get(name, config)`. */
  constructor(name: string, config: ResolvedCircuitBreakerConfig, host: BreakerHost, parent?: CircuitBreaker) {
    super(name, config, host);
    this.parent = parent;
  }

  /**
   * What `remainingOpenMs()` was when `canExecute()` last refused, read from the clock once by
   * that refusal (`remainingOpenMs()` now, when another breaker has refused since).
   */
  get lastRefusalRetryAfterMs(): number {
    return lastRefusal.by === this ? lastRefusal.retryAfterMs : this.remainingOpenMs();
  }

  /**
   * Why `canExecute()` last refused, in words, when a breaker above this one refused the call
   * (`its parent "openai" is open`); `undefined` when this breaker refused on its own. The
   * pipeline adds it to the refusal's `circuit_open` action.
   * @example
   * ```ts
   * if (!child.canExecute()) console.log(child.lastRefusalCause ?? `${child.name} is ${child.state}`);
   * ```
   */
  get lastRefusalCause(): string | undefined {
    const above = lastRefusal.by === this ? lastRefusal.above : undefined;
    return above === undefined ? undefined : refusalCause(this, above);
  }

  /** Whether the pipeline must time attempts for this breaker (a `slowCallMs` is set). */
  get needsDuration(): boolean {
    return this.config.slowCallMs !== undefined;
  }

  /**
   * Asks to run one call. `true` admits it (in half-open, it takes one of the probe slots until a
   * result is recorded or the slot expires after `probeTimeoutMs`); `false` refuses it. Every
   * admitted call must end with `recordSuccess`, `recordFailure` or `releasePermission`.
   */
  canExecute(): boolean {
    // The usual refusal (open, within its break) reads the clock once, and keeps what it read for
    // the refusal's error (`lastRefusalRetryAfterMs`), so the pipeline need not read it again.
    const remaining = this.remainingOpenMs(); // 0, without a clock reading, unless OPEN and not forced
    if (remaining > 0) return this.reject('open', remaining);
    const parent = this.parent;
    if (parent !== undefined) {
      // An open child refuses before it asks the parent, so its refusals spend none of a ramping
      // parent's share (which paces the calls that reach the parent's dependency).
      if (this.state === 'OPEN') return this.reject(this.forced === 'OPEN' ? 'isolated' : 'open');
      const refusedBy = parent.admitChild();
      if (refusedBy !== undefined) return this.refusedAbove(refusedBy);
    }
    const state = this.state;
    if (state === 'CLOSED' && (this.ramp === undefined || this.rampAdmits())) {
      this.inFlight++;
      return true;
    }
    if (state === 'HALF_OPEN' && this.takeProbeSlot()) return true;
    parent?.withdrawAdmission();
    return this.reject(this.forced === 'OPEN' ? 'isolated' : state === 'OPEN' ? 'open' : state === 'CLOSED' ? 'ramping' : 'half-open-full');
  }

  /**
   * Records a success. A success slower than `slowCallMs` counts as a failure instead. In
   * half-open, `successThreshold` successes close the breaker; in closed, a rate policy may open
   * it (a success can complete `minimumCalls` with the failure rate at the threshold). Rolls up to
   * the parent.
   */
  recordSuccess(durationMs?: number): void {
    this.endCall();
    if (durationMs !== undefined && this.config.slowCallMs !== undefined && durationMs >= this.config.slowCallMs) {
      this.slowCalls++;
      this.countFailure();
    } else {
      this.successes++;
      const state = this.state;
      if (state === 'HALF_OPEN') {
        if (++this.halfOpenSuccesses >= this.config.successThreshold) this.transition('CLOSED', 'probe-succeeded', this.host.clock.now());
      } else if (state === 'CLOSED') {
        this.consecutiveFailures = 0;
        if (this.config.policy.type !== 'consecutive') this.recordInWindow(false);
      }
    }
    this.parent?.recordSuccess(durationMs);
  }

  /**
   * Records a failure that counts against the breaker: opens it when its policy says so, or at
   * once when half-open (whichever call it ends: a failure is never set aside). Rolls up to the parent.
   */
  recordFailure(_error?: unknown, _durationMs?: number): void {
    this.endCall();
    this.countFailure();
    this.parent?.recordFailure(_error, _durationMs);
  }

  /**
   * Ends an admitted call whose outcome says nothing about the dependency's health (a 404, a
   * validation error, a cancelled call): frees its half-open slot without opening or closing.
   */
  releasePermission(): void {
    this.endCall();
    this.parent?.releasePermission();
  }

  /**
   * Whether a failed attempt counts against this breaker: `shouldTrip` from the config, else
   * whether it was classified `transient`.
   */
  shouldTrip(error: unknown, classification: Classification): boolean {
    return countsAsTrip(this.config.shouldTrip, error, classification);
  }

  /** Closes the breaker, clears its counts and any forced state (totals are kept). */
  reset(): void {
    this.resetMachine();
  }

  /**
   * Forces the breaker open until the returned control is released (or `reset()`): every call is
   * refused, whatever the outcomes. For maintenance windows and manual failover.
   */
  isolate(): CircuitControl {
    const token = this.force('OPEN', 'isolated');
    return { release: () => this.unforce(token) };
  }

  /** Forces the breaker closed until the returned control is released: every call is admitted and nothing trips it. */
  forceClose(): CircuitControl {
    const token = this.force('CLOSED', 'forced-closed');
    return { release: () => this.unforce(token) };
  }

  /**
   * The percent of calls a ramping breaker admits now (rising to 100 over the config's
   * `ramp.durationMs` after a recovery), or `null` when it is not ramping.
   */
  get rampingPercent(): number | null {
    return this.ramp === undefined ? null : this.rampPercent();
  }

  /** How long until an open breaker admits a probe, in ms (0 unless `OPEN`). */
  remainingOpenMs(): number {
    if (this.forced !== undefined || this.current !== 'OPEN') return 0;
    const remaining = this.openUntil - this.host.clock.now();
    return remaining > 0 ? remaining : 0;
  }

  /**
   * Subscribes to this breaker's events; returns the unsubscribe function.
   * @example
   * ```ts
   * const off = breaker.on('open', ({ reason }) => alert(`payments opened: ${reason}`));
   * ```
   */
  on<K extends keyof CircuitEvents>(event: K, listener: (payload: CircuitEvents[K]) => void): () => void {
    // Checked before the listeners exist: a refused subscription leaves the breaker as idle as it was.
    const listeners = this.listeners ?? new Listeners<CircuitEvents>();
    const off = subscribe(listeners, { emitter: 'circuit breaker', events: { open: true, halfOpen: true, close: true, stateChange: true, reject: true } }, event, listener);
    this.listeners = listeners;
    return off;
  }

  /** The breaker's counters as plain JSON. */
  stats(): CircuitBreakerStats {
    const now = this.host.clock.now();
    return {
      name: this.name,
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      successes: this.successes,
      failures: this.failures,
      slowCalls: this.slowCalls,
      rejections: this.rejections,
      openedAt: this.openedAt < 0 ? null : this.openedAt,
      openings: this.openings,
      halfOpenInFlight: this.current === 'HALF_OPEN' ? (this.probes?.length ?? 0) : 0,
      forced: this.forced ?? null,
      window: this.window?.totals(now) ?? { calls: 0, failures: 0 },
      parent: this.parent?.name ?? null,
      failureThreshold: this.config.failureThreshold,
      breakDurationMs: this.breakMs(Math.max(1, this.openings)),
      halfOpenMaxCalls: this.config.halfOpenMaxCalls,
      successThreshold: this.config.successThreshold,
      rampPercent: this.rampingPercent,
    };
  }

  /** The state to save in a snapshot. @internal */
  snapshotState(): SavedCircuitState {
    const state = this.forced === undefined ? this.state : this.current;
    const remainingOpenMs = state === 'OPEN' ? Math.max(0, this.openUntil - this.host.clock.now()) : 0;
    return { state, remainingOpenMs, openings: this.openings, consecutiveFailures: this.consecutiveFailures, forced: this.forced ?? null };
  }

  /** Puts the breaker in a saved state; the remaining break is kept, not restarted. @internal */
  restoreState(saved: SavedCircuitState): void {
    this.load(saved);
  }

  /** Whether an admitted call may still be running, as idle eviction asks. @internal */
  hasCallsInFlight(now: number): boolean {
    return this.callsInFlight(now);
  }

  /**
   * Admission of a child's call by this (parent) breaker: only a closed or forced-closed parent
   * admits freely. Returns the breaker that refused it (this one or one above), if any.
   */
  private admitChild(): CircuitBreaker | undefined {
    const parent = this.parent;
    if (parent !== undefined) {
      const refusedBy = parent.admitChild();
      if (refusedBy !== undefined) return refusedBy;
    }
    const state = this.state;
    // A ramping parent ramps its children's calls too: together they are its traffic.
    if (state === 'CLOSED' && (this.ramp === undefined || this.rampAdmits())) {
      this.inFlight++;
      return undefined;
    }
    if (state === 'HALF_OPEN' && this.takeProbeSlot()) return undefined;
    parent?.withdrawAdmission();
    return this;
  }

  /**
   * A call this (parent) breaker admitted that a child then refused: as if it had never been
   * offered, so the child's refusals neither hold a probe slot nor spend the ramp's share.
   */
  private withdrawAdmission(): void {
    // Undoes what admitChild did a moment ago, in the same state: the slot it took is the newest.
    if (this.state === 'HALF_OPEN') this.probes?.pop();
    else {
      this.inFlight--;
      this.ramp?.refund();
    }
    this.parent?.withdrawAdmission();
  }

  /**
   * A refusal by a breaker above: the time left is the longest break still running above this
   * one (0 when the one that refused is half-open and full, or ramping), not this breaker's own.
   */
  private refusedAbove(refusedBy: CircuitBreaker): false {
    let retryAfterMs = 0;
    for (let above = this.parent; above !== undefined; above = above.parent) retryAfterMs = Math.max(retryAfterMs, above.remainingOpenMs());
    return this.reject('parent-open', retryAfterMs, refusedBy);
  }

  /** Every other refusal: not `OPEN` within a break (isolated, half-open full, ramping), so 0 ms by default. */
  private reject(reason: CircuitRejection['reason'], retryAfterMs = 0, above: CircuitBreaker | undefined = undefined): false {
    this.rejections++;
    lastRefusal.by = this;
    lastRefusal.retryAfterMs = retryAfterMs;
    lastRefusal.above = above;
    if (this.listeners !== undefined || this.host.events.has('reject')) {
      this.emit('reject', { circuit: this.name, state: this.state, reason });
    }
    return false;
  }

  private countFailure(): void {
    this.failures++;
    if (this.forced !== undefined) return;
    const state = this.state;
    if (state === 'HALF_OPEN') {
      this.transition('OPEN', 'probe-failed', this.host.clock.now());
      return;
    }
    if (state !== 'CLOSED') return;
    this.consecutiveFailures++;
    if (this.config.policy.type === 'consecutive') {
      if (this.consecutiveFailures >= this.config.failureThreshold) this.transition('OPEN', 'failure-threshold', this.host.clock.now());
    } else {
      this.recordInWindow(true);
    }
  }

  /**
   * Records a closed-state outcome in the rate policy's window, which decides on every outcome,
   * success or failure (as resilience4j does): the call that completes `minimumCalls` may open it.
   * Nothing trips a forced breaker.
   */
  private recordInWindow(failed: boolean): void {
    const now = this.host.clock.now();
    const window: TripWindow = (this.window ??= createTripWindow(this.config.policy));
    if (window.record(failed, now) && this.forced === undefined) this.transition('OPEN', 'failure-rate', now);
  }
}
