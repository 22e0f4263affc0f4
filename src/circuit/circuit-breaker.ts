import type { Classification } from '../classify/classification.js';
import type { Clock } from '../clock.js';
import { breakDuration } from './break-duration.js';
import type { CircuitBreakerLike } from './circuit-breaker-like.js';
import type { ResolvedCircuitBreakerConfig } from './circuit-config.js';
import { Listeners, type CircuitEvents, type CircuitRejection, type TransitionReason } from './circuit-events.js';
import { countsAsTrip } from './trip-decision.js';
import { CountWindow, TimeWindow, type TripWindow } from './trip-window.js';

/**
 * - `CLOSED`: calls flow; failures are counted.
 * - `OPEN`: calls are refused without running, until the break (`recoveryTimeoutMs`) has passed.
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
  /** Calls refused while open, while half-open probes were all taken, or by an open parent. */
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
  recoveryTimeoutMs: number;
  halfOpenMaxCalls: number;
  successThreshold: number;
}

/**
 * A hold on a breaker's state from `isolate()` or `forceClose()`. `release()` ends it (once);
 * a later control replaces an earlier one.
 * @example
 * ```ts
 * const hold = breaker.isolate(); // maintenance window
 * hold.release();
 * ```
 */
export interface CircuitControl {
  release(): void;
}

/** What a breaker shares with its registry: the clock and the registry-wide listeners. */
export interface BreakerHost {
  readonly clock: Clock;
  readonly events: Listeners<CircuitEvents>;
}

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
export class CircuitBreaker implements CircuitBreakerLike {
  /** The breaker's name in its registry. */
  readonly name: string;
  /** The policy this breaker applies (frozen, possibly shared with other breakers). */
  readonly config: ResolvedCircuitBreakerConfig;
  /** The parent breaker, if any. */
  readonly parent: CircuitBreaker | undefined;
  /** The registry's last lookup of this breaker (idle eviction reads it). @internal */
  lastUsedAt = 0;
  /** How many breakers name this one as parent (a parent is never evicted while it has any). @internal */
  children = 0;
  private readonly host: BreakerHost;
  private current: CircuitState = 'CLOSED';
  private consecutiveFailures = 0;
  private openedAt = -1;
  private openUntil = 0;
  private openings = 0;
  /** Start times of the half-open probes in flight, oldest first (created when half-open). */
  private probes: number[] | undefined = undefined;
  private halfOpenSuccesses = 0;
  private successes = 0;
  private failures = 0;
  private slowCalls = 0;
  private rejections = 0;
  private forced: 'OPEN' | 'CLOSED' | undefined = undefined;
  private controlToken = 0;
  private window: TripWindow | undefined = undefined;
  private listeners: Listeners<CircuitEvents> | undefined = undefined;

  /** @internal Use `registry.get(name, config)`. */
  constructor(name: string, config: ResolvedCircuitBreakerConfig, host: BreakerHost, parent?: CircuitBreaker) {
    this.name = name;
    this.config = config;
    this.host = host;
    this.parent = parent;
  }

  /** The current state, moving `OPEN` to `HALF_OPEN` once the break has passed. */
  get state(): CircuitState {
    if (this.forced !== undefined) return this.forced;
    if (this.current === 'OPEN' && this.host.clock.now() >= this.openUntil) this.halfOpen();
    return this.current;
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
    const parent = this.parent;
    if (parent !== undefined && !parent.admitChild()) return this.reject('parent-open');
    const state = this.state;
    if (state === 'CLOSED') return true;
    if (state === 'HALF_OPEN' && this.takeProbeSlot()) return true;
    parent?.releasePermission();
    return this.reject(this.forced === 'OPEN' ? 'isolated' : state === 'OPEN' ? 'open' : 'half-open-full');
  }

  /**
   * Records a success. A success slower than `slowCallMs` counts as a failure instead. In
   * half-open, `successThreshold` successes close the breaker. Rolls up to the parent.
   */
  recordSuccess(durationMs?: number): void {
    if (durationMs !== undefined && this.config.slowCallMs !== undefined && durationMs >= this.config.slowCallMs) {
      this.slowCalls++;
      this.countFailure();
    } else {
      this.successes++;
      const state = this.state;
      if (state === 'HALF_OPEN') {
        this.probes?.shift(); // outcomes do not say which probe they end: the oldest settles
        if (++this.halfOpenSuccesses >= this.config.successThreshold) this.close('probe-succeeded');
      } else if (state === 'CLOSED') {
        this.consecutiveFailures = 0;
        if (this.config.policy.type !== 'consecutive') this.windowFor().record(false, this.host.clock.now());
      }
    }
    this.parent?.recordSuccess(durationMs);
  }

  /**
   * Records a failure that counts against the breaker: opens it when its policy says so, or at
   * once when half-open. Rolls up to the parent.
   */
  recordFailure(_error?: unknown, _durationMs?: number): void {
    this.countFailure();
    this.parent?.recordFailure(_error, _durationMs);
  }

  /**
   * Ends an admitted call whose outcome says nothing about the dependency's health (a 404, a
   * validation error, a cancelled call): frees its half-open slot without opening or closing.
   */
  releasePermission(): void {
    if (this.current === 'HALF_OPEN') this.probes?.shift();
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
    const visible = this.forced ?? this.current; // what listeners last saw
    this.forced = undefined;
    this.controlToken++;
    this.current = visible;
    this.close('reset');
    this.openings = 0;
  }

  /**
   * Forces the breaker open until the returned control is released (or `reset()`): every call is
   * refused, whatever the outcomes. For maintenance windows and manual failover.
   */
  isolate(): CircuitControl {
    return this.control('OPEN', 'isolated');
  }

  /** Forces the breaker closed until the returned control is released: every call is admitted and nothing trips it. */
  forceClose(): CircuitControl {
    return this.control('CLOSED', 'forced-closed');
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
    return (this.listeners ??= new Listeners()).on(event, listener);
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
      recoveryTimeoutMs: this.breakMs(Math.max(1, this.openings)),
      halfOpenMaxCalls: this.config.halfOpenMaxCalls,
      successThreshold: this.config.successThreshold,
    };
  }

  /** The state to save in a snapshot. @internal */
  snapshotState(): { state: CircuitState; remainingOpenMs: number; openings: number; consecutiveFailures: number; forced: 'OPEN' | 'CLOSED' | null } {
    const state = this.forced === undefined ? this.state : this.current;
    const remainingOpenMs = state === 'OPEN' ? Math.max(0, this.openUntil - this.host.clock.now()) : 0;
    return { state, remainingOpenMs, openings: this.openings, consecutiveFailures: this.consecutiveFailures, forced: this.forced ?? null };
  }

  /** Puts the breaker in a saved state; the remaining break is kept, not restarted. @internal */
  restoreState(saved: { state: CircuitState; remainingOpenMs: number; openings: number; consecutiveFailures: number; forced: 'OPEN' | 'CLOSED' | null }): void {
    const from = this.state;
    const now = this.host.clock.now();
    this.controlToken++; // controls taken before the restore no longer apply
    this.current = saved.state;
    this.openings = saved.openings;
    this.consecutiveFailures = saved.state === 'CLOSED' ? saved.consecutiveFailures : 0;
    this.probes = undefined;
    this.halfOpenSuccesses = 0;
    if (saved.state === 'OPEN') {
      this.openUntil = now + saved.remainingOpenMs;
      this.openedAt = this.openUntil - this.breakMs(Math.max(1, saved.openings));
    }
    this.forced = saved.forced ?? undefined;
    if (from !== this.state) this.transitioned(from, this.state, 'restored', now);
  }

  /** Admission of a child's call by this (parent) breaker: only a closed or forced-closed parent admits freely. */
  private admitChild(): boolean {
    const parent = this.parent;
    if (parent !== undefined && !parent.admitChild()) return false;
    const state = this.state;
    if (state === 'CLOSED') return true;
    if (state === 'HALF_OPEN' && this.takeProbeSlot()) return true;
    parent?.releasePermission();
    return false;
  }

  private takeProbeSlot(): boolean {
    const now = this.host.clock.now();
    const probes = (this.probes ??= []);
    // Probes that never settled must not wedge the breaker: each slot expires on its own.
    while (probes.length > 0 && now - probes[0]! >= this.config.probeTimeoutMs) probes.shift();
    if (probes.length >= this.config.halfOpenMaxCalls) return false;
    probes.push(now);
    return true;
  }

  private reject(reason: CircuitRejection['reason']): false {
    this.rejections++;
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
      this.open('probe-failed');
      return;
    }
    if (state !== 'CLOSED') return;
    if (this.config.policy.type === 'consecutive') {
      if (++this.consecutiveFailures >= this.config.failureThreshold) this.open('failure-threshold');
      return;
    }
    this.consecutiveFailures++;
    if (this.windowFor().record(true, this.host.clock.now())) this.open('failure-rate');
  }

  private windowFor(): TripWindow {
    const policy = this.config.policy;
    return (this.window ??= policy.type === 'count' ? new CountWindow(policy) : new TimeWindow(policy as Extract<typeof policy, { type: 'time' }>));
  }

  private breakMs(openings: number): number {
    return breakDuration(this.config.recoveryTimeoutMs, openings);
  }

  private open(reason: TransitionReason): void {
    const from = this.current;
    const now = this.host.clock.now();
    this.current = 'OPEN';
    this.openings++;
    this.openedAt = now;
    this.openUntil = now + this.breakMs(this.openings);
    this.probes = undefined;
    this.halfOpenSuccesses = 0;
    this.transitioned(from, 'OPEN', reason, now);
  }

  private halfOpen(): void {
    this.current = 'HALF_OPEN';
    this.probes = undefined;
    this.halfOpenSuccesses = 0;
    this.transitioned('OPEN', 'HALF_OPEN', 'recovery-timeout', this.openUntil);
  }

  private close(reason: TransitionReason): void {
    const from = this.current;
    this.current = 'CLOSED';
    this.consecutiveFailures = 0;
    this.probes = undefined;
    this.halfOpenSuccesses = 0;
    if (reason === 'probe-succeeded') this.openings = 0;
    this.window?.clear();
    if (from !== 'CLOSED') this.transitioned(from, 'CLOSED', reason, this.host.clock.now());
  }

  private control(state: 'OPEN' | 'CLOSED', reason: TransitionReason): CircuitControl {
    const from = this.state;
    this.forced = state;
    const token = ++this.controlToken;
    if (from !== state) this.transitioned(from, state, reason, this.host.clock.now());
    return {
      release: () => {
        if (token !== this.controlToken) return; // released already, or replaced by a later control
        this.controlToken++;
        const before = this.forced!;
        this.forced = undefined;
        const now = this.host.clock.now();
        // A break that ran out while forced ends here, silently: listeners saw the forced state.
        if (this.current === 'OPEN' && now >= this.openUntil) {
          this.current = 'HALF_OPEN';
          this.probes = undefined;
          this.halfOpenSuccesses = 0;
        }
        if (before !== this.current) this.transitioned(before, this.current, 'control-released', now);
      },
    };
  }

  private transitioned(from: CircuitState, to: CircuitState, reason: TransitionReason, at: number): void {
    if (this.listeners === undefined && !this.host.events.has('stateChange') && !this.host.events.has(EVENT_FOR[to])) return;
    const change = { circuit: this.name, from, to, reason, at };
    this.emit(EVENT_FOR[to], change);
    this.emit('stateChange', change);
  }

  private emit<K extends keyof CircuitEvents>(event: K, payload: CircuitEvents[K]): void {
    this.listeners?.emit(event, payload);
    this.host.events.emit(event, payload);
  }
}

const EVENT_FOR = { OPEN: 'open', HALF_OPEN: 'halfOpen', CLOSED: 'close' } as const;
