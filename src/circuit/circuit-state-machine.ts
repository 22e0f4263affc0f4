import { breakDuration } from './break-duration.js';
import type { ResolvedCircuitBreakerConfig } from './circuit-config.js';
import { Listeners, type CircuitEvents, type TransitionReason } from './circuit-events.js';
import type { BreakerHost, CircuitState, SavedCircuitState } from './circuit-types.js';
import type { TripWindow } from './trip-window.js';
import { TrafficRamp } from '../core/traffic-ramp.js';

/**
 * Which moves the state machine allows. `CLOSED → CLOSED` is a reset (counts are forgotten);
 * `HALF_OPEN` is reached only from `OPEN`, and an open breaker is never opened again.
 */
const LEGAL: Readonly<Record<CircuitState, Readonly<Record<CircuitState, boolean>>>> = {
  CLOSED: { CLOSED: true, OPEN: true, HALF_OPEN: false },
  OPEN: { CLOSED: true, OPEN: false, HALF_OPEN: true },
  HALF_OPEN: { CLOSED: true, OPEN: true, HALF_OPEN: false },
};

const EVENT_FOR = { OPEN: 'open', HALF_OPEN: 'halfOpen', CLOSED: 'close' } as const;

/**
 * The closed / open / half-open state machine of a {@link CircuitBreaker}: its state, its probe
 * slots, the calls in flight and its forced state, changed only through {@link transition}. It holds no timer: `OPEN`
 * becomes `HALF_OPEN` when the state is next read after the break. What counts as a trip (the
 * policies) and the public API live in the breaker that extends it.
 * @internal
 */
export abstract class CircuitStateMachine {
  /** The breaker's name in its registry. */
  readonly name: string;
  /** The policy this breaker applies (frozen, possibly shared with other breakers). */
  readonly config: ResolvedCircuitBreakerConfig;
  protected readonly host: BreakerHost;
  protected current: CircuitState = 'CLOSED';
  protected consecutiveFailures = 0;
  protected openedAt = -1;
  protected openUntil = 0;
  protected openings = 0;
  /** Start times of the half-open probes in flight, oldest first (created when half-open). */
  protected probes: number[] | undefined = undefined;
  /** Calls admitted while closed (or forced closed) that have not ended: they hold no probe slot. */
  protected inFlight = 0;
  /**
   * Calls that lost their claim and have not ended: admitted before the breaker last left closed,
   * or probes whose slot expired or whose half-open period ended. Outcomes settle these last (see
   * {@link endCall}); idle eviction waits for them until `straysUntil`, when all are presumed hung.
   */
  protected strays = 0;
  protected straysUntil = 0;
  protected halfOpenSuccesses = 0;
  /** The state an `isolate()` or `forceClose()` imposes over `current`, if any. */
  protected forced: 'OPEN' | 'CLOSED' | undefined = undefined;
  /** Bumped by every control, release, reset and restore: a stale control's release is a no-op. */
  protected controlToken = 0;
  /** The rate policy's outcomes, created on first use. */
  protected window: TripWindow | undefined = undefined;
  protected listeners: Listeners<CircuitEvents> | undefined = undefined;
  /** The traffic ramp after a recovery, while it lasts (only with a `ramp` config). */
  protected ramp: TrafficRamp | undefined = undefined;

  constructor(name: string, config: ResolvedCircuitBreakerConfig, host: BreakerHost) {
    this.name = name;
    this.config = config;
    this.host = host;
  }

  /** The current state, moving `OPEN` to `HALF_OPEN` once the break has passed. */
  get state(): CircuitState {
    if (this.forced !== undefined) return this.forced;
    if (this.current === 'OPEN' && this.host.clock.now() >= this.openUntil) this.transition('HALF_OPEN', 'recovery-timeout', this.openUntil);
    return this.current;
  }

  /**
   * The one place the state changes. Refuses a move {@link LEGAL} does not allow; otherwise
   * applies the entry actions of `to` and tells listeners, when what they last saw (`seen`,
   * by default the current state) differs from `to`.
   */
  protected transition(to: CircuitState, reason: TransitionReason, at: number, seen: CircuitState = this.current): void {
    if (!LEGAL[this.current][to]) return;
    this.endPeriod(to, at);
    this.current = to;
    this.halfOpenSuccesses = 0;
    this.ramp = undefined;
    if (to === 'OPEN') {
      this.openings++;
      this.openedAt = at;
      this.openUntil = at + this.breakMs(this.openings);
    } else if (to === 'CLOSED') {
      this.consecutiveFailures = 0;
      if (reason === 'probe-succeeded') {
        this.openings = 0; // recovered: the growing break starts over
        // Only a recovery the probes proved ramps: a reset or a restore is an operator's call.
        if (this.config.ramp !== undefined) this.ramp = TrafficRamp.start(this.config.ramp, at);
      }
      this.window?.clear();
    }
    if (seen !== to) this.announce(seen, to, reason, at);
  }

  /** Takes a half-open probe slot, if one is free once expired probes have let go of theirs. */
  protected takeProbeSlot(): boolean {
    const now = this.host.clock.now();
    const probes = (this.probes ??= []);
    this.expireProbes(probes, now);
    if (probes.length >= this.config.halfOpenMaxCalls) return false;
    probes.push(now);
    return true;
  }

  /**
   * Ends one admitted call, whatever the state (a forced state hides the half-open period, it does
   * not end it). Outcomes do not say which call they end, so while probes run, an outcome frees
   * the oldest probe's slot; then a call admitted closed ends; then a stray. Freeing a probe first
   * means a probe that ends always frees a slot at once: were a late outcome (a stray's) taken
   * instead, the probe that really ended would keep its slot until it expired, and every later
   * probe after it, so one hung call would slow the probing to one per `probeTimeoutMs` for good.
   * The price: a late outcome can free a running probe's slot, so one more probe may start. Which
   * call it ends decides nothing else: any success while half-open counts, any failure re-opens.
   * An outcome no admitted call is left for (recorded by hand) ends nothing.
   */
  protected endCall(): void {
    const probes = this.probes;
    if (probes !== undefined && probes.length > 0) probes.shift();
    else if (this.inFlight !== 0) this.inFlight--;
    else if (this.strays !== 0) this.endStray();
  }

  /** Whether any admitted call may still be running (a hung probe or stray counts until forgotten). */
  protected callsInFlight(now: number): boolean {
    if (this.probes !== undefined) this.expireProbes(this.probes, now);
    return this.inFlight > 0 || (this.probes?.length ?? 0) > 0 || (this.strays > 0 && now < this.straysUntil);
  }

  /** A stray's outcome came, unless the strays were forgotten as hung by now. */
  private endStray(): void {
    if (this.host.clock.now() < this.straysUntil) this.strays--;
    else this.strays = 0;
  }

  /**
   * Probes that never settled must not wedge the breaker: each slot expires on its own, and its
   * call becomes a stray (a call that may still run, for idle eviction).
   */
  private expireProbes(probes: number[], now: number): void {
    let expired = 0;
    while (expired < probes.length && now - probes[expired]! >= this.config.probeTimeoutMs) expired++;
    if (expired === 0) return;
    probes.splice(0, expired);
    this.orphan(expired, now);
  }

  /**
   * The state changes to `to` at `at`: the probes of a half-open period lose their slots, and the
   * calls admitted closed lose their claim unless it is closed again.
   */
  private endPeriod(to: CircuitState, at: number): void {
    const probes = this.probes?.length ?? 0;
    if (probes > 0) this.orphan(probes, at);
    this.probes = undefined;
    if (to !== 'CLOSED') this.orphanClosedCalls(at);
  }

  private orphanClosedCalls(at: number): void {
    if (this.inFlight === 0) return;
    this.orphan(this.inFlight, at);
    this.inFlight = 0;
  }

  /**
   * `count` calls lose their claim at `at`. They are remembered for `probeTimeoutMs` from then
   * (with the strays still remembered, which then last as long), and forgotten as hung after it:
   * an outcome that never comes cannot hold the probes back for ever.
   */
  private orphan(count: number, at: number): void {
    if (at >= this.straysUntil) this.strays = 0;
    this.strays += count;
    this.straysUntil = Math.max(this.straysUntil, at + this.config.probeTimeoutMs);
  }

  /**
   * Whether a closed breaker's ramp admits one more call now (always, without a ramp or once it is
   * over). A forced-closed breaker admits everything.
   */
  protected rampAdmits(): boolean {
    const ramp = this.ramp;
    if (ramp === undefined || this.forced !== undefined) return true;
    const decision = ramp.decide(this.host.clock.now());
    if (decision === 'over') this.ramp = undefined;
    return decision !== 'refuse';
  }

  /** The percent of calls the ramp admits now, or `null` when the breaker is not ramping. */
  protected rampPercent(): number | null {
    const ramp = this.ramp;
    if (ramp === undefined || this.forced !== undefined || this.current !== 'CLOSED') return null;
    return ramp.percent(this.host.clock.now());
  }

  /** Imposes `state` until released; returns the token the release must present. */
  protected force(state: 'OPEN' | 'CLOSED', reason: TransitionReason): number {
    const from = this.state;
    this.forced = state;
    const token = ++this.controlToken;
    if (from !== state) this.announce(from, state, reason, this.host.clock.now());
    return token;
  }

  /** Ends the forced state taken with `token`, unless released already or replaced by a later control. */
  protected unforce(token: number): void {
    if (token !== this.controlToken) return;
    this.controlToken++;
    const seen = this.forced!;
    this.forced = undefined;
    const now = this.host.clock.now();
    // Calls a forced close admitted over an open or half-open breaker hold none of its slots.
    if (this.current !== 'CLOSED') this.orphanClosedCalls(now);
    // A break that ran out while forced ends here, announced as the release: listeners saw the forced state.
    if (this.current === 'OPEN' && now >= this.openUntil) this.transition('HALF_OPEN', 'control-released', now, seen);
    else if (seen !== this.current) this.announce(seen, this.current, 'control-released', now);
  }

  /** Closes the machine and drops any forced state; what listeners saw last is what they hear left. */
  protected resetMachine(): void {
    const seen = this.forced ?? this.current;
    this.forced = undefined;
    this.controlToken++;
    this.transition('CLOSED', 'reset', this.host.clock.now(), seen);
    this.openings = 0;
  }

  /** Loads a saved state; the remaining break is kept, not restarted. */
  protected load(saved: SavedCircuitState): void {
    const from = this.state;
    const now = this.host.clock.now();
    this.controlToken++; // controls taken before the restore no longer apply
    this.endPeriod(saved.state, now);
    this.current = saved.state;
    this.openings = saved.openings;
    this.consecutiveFailures = saved.state === 'CLOSED' ? saved.consecutiveFailures : 0;
    this.halfOpenSuccesses = 0;
    this.ramp = undefined;
    if (saved.state === 'OPEN') {
      this.openUntil = now + saved.remainingOpenMs;
      this.openedAt = this.openUntil - this.breakMs(Math.max(1, saved.openings));
    }
    this.forced = saved.forced ?? undefined;
    if (from !== this.state) this.announce(from, this.state, 'restored', now);
  }

  /** The break of the `openings`-th opening in a row. */
  protected breakMs(openings: number): number {
    return breakDuration(this.config.breakDurationMs, openings);
  }

  protected emit<K extends keyof CircuitEvents>(event: K, payload: CircuitEvents[K]): void {
    this.listeners?.emit(event, payload);
    this.host.events.emit(event, payload);
  }

  private announce(from: CircuitState, to: CircuitState, reason: TransitionReason, at: number): void {
    if (this.listeners === undefined && !this.host.events.has('stateChange') && !this.host.events.has(EVENT_FOR[to])) return;
    const change = { circuit: this.name, from, to, reason, at };
    this.emit(EVENT_FOR[to], change);
    this.emit('stateChange', change);
  }
}
