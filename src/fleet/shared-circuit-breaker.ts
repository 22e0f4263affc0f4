import type { Classification } from '../classify/classification.js';
import { breakDuration } from '../circuit/break-duration.js';
import { CircuitBreaker, type CircuitState } from '../circuit/circuit-breaker.js';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import { resolveCircuitBreakerConfig } from '../circuit/circuit-config.js';
import { Listeners, type CircuitEvents, type CircuitRejection, type TransitionReason } from '../circuit/circuit-events.js';
import { countsAsTrip } from '../circuit/trip-decision.js';
import { systemClock, unrefTimer, type Clock } from '../clock.js';
import { HealingConfigError } from '../errors.js';
import { redactMessage } from '../observe/redact.js';
import { defaultStateStore } from './memory-state-store.js';
import { resolveSharedBreakerOptions, type ResolvedSharedBreakerOptions, type SharedCircuitBreakerOptions } from './shared-breaker-config.js';
import {
  INITIAL_SHARED_STATE, type CompareAndSetResult, type SharedCircuitState, type StateStore, type StateTransition, type WindowSpec, type WindowTotals,
} from './state-store.js';
import { withStoreTimeout } from './store-operations.js';

/**
 * The store became unreachable (`storeUnavailable`) or reachable again (`storeRecovered`).
 * @example
 * ```ts
 * breaker.on('storeUnavailable', ({ circuit, error }) => log.warn({ circuit, error }, 'breaker state is local only'));
 * ```
 */
export interface StoreAvailabilityChange {
  circuit: string;
  /** The store's `kind` (`'redis'`, `'memory'`). */
  store: string;
  /** Local clock time of the change. */
  at: number;
  /** Why the store counts as unreachable (redacted), on `storeUnavailable`. */
  error?: string;
  /** How long the breaker ran on local state, on `storeRecovered`. */
  downMs?: number;
}

/**
 * Every event of a {@link SharedCircuitBreaker}: those of a local breaker, plus store availability.
 * @example
 * ```ts
 * const watched: Array<keyof SharedCircuitEvents> = ['open', 'close', 'storeUnavailable', 'storeRecovered'];
 * ```
 */
export interface SharedCircuitEvents extends CircuitEvents {
  storeUnavailable: StoreAvailabilityChange;
  storeRecovered: StoreAvailabilityChange;
}

/**
 * A shared breaker's counters, as plain JSON.
 * @example
 * ```ts
 * const { state, mode, fleet } = breaker.stats();
 * if (mode === 'local') log.warn('breaker state is not shared right now');
 * ```
 */
export interface SharedCircuitBreakerStats {
  name: string;
  state: CircuitState;
  /** `'shared'` while the store answers; `'local'` while it is unreachable and this process decides alone. */
  mode: 'shared' | 'local';
  store: {
    kind: string;
    available: boolean;
    /** The last store error (redacted), or `null`. */
    lastError: string | null;
    /** Local time since when the store has been unreachable, or `null`. */
    unavailableSince: number | null;
    /** Times the store became unreachable. */
    outages: number;
    /** Store operations that failed or timed out. */
    errors: number;
  };
  instanceId: string;
  /** The shared state's generation (bumped by every fleet-wide transition). */
  generation: number;
  openings: number;
  /** Outcomes of this process. */
  successes: number;
  failures: number;
  rejections: number;
  /** Half-open probes this process ran (one per recovery window across the fleet). */
  probes: number;
  /** Outcomes recorded here and not yet flushed to the store. */
  pending: { calls: number; failures: number };
  /** The fleet's totals in the window at the last flush (since the last transition), or `null`. */
  fleet: { calls: number; failures: number; failingInstances: number } | null;
  failureThreshold: number;
  quorum: number;
  windowMs: number;
}

/** What this process believes the shared state is right after it decided a transition, until the store answers. */
interface Guess extends SharedCircuitState {
  baseGeneration: number;
}

/**
 * A circuit breaker whose state is shared by every process (every replica of a service) through a
 * {@link StateStore}: a dead dependency is noticed after `failureThreshold` failures across the
 * fleet, not per replica; one probe per recovery window is sent by the whole fleet; and a process
 * that starts while the circuit is open starts open.
 *
 * It shares signals, not locks. Admission is decided from a local copy of the shared state, so a
 * call never waits on the store; outcomes are counted locally and flushed in batches; transitions
 * are compare-and-set on a generation number and pushed to every process at once. When the store
 * is unreachable the breaker runs on local state (event `storeUnavailable`, `stats().mode ===
 * 'local'`) and rejoins by itself.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createRedisStateStore } from 'self-healing/redis';
 *
 * const store = createRedisStateStore({ client: new Redis(process.env.REDIS_URL!) });
 * const breaker = registry.register(new SharedCircuitBreaker('payments', { store, failureThreshold: 20, windowMs: 10_000 }));
 * await executeWithHealing(charge, order, { circuitName: 'payments', registry });
 * ```
 */
export class SharedCircuitBreaker implements CircuitBreakerLike {
  readonly name: string;
  readonly store: StateStore;
  /** This process's name in quorum counts. */
  readonly instanceId: string;
  private readonly options: ResolvedSharedBreakerOptions;
  private readonly clock: Clock;
  private readonly window: WindowSpec;
  private readonly events = new Listeners<SharedCircuitEvents>();
  /** This process's own breaker, in charge while the store is unreachable. */
  private readonly local: CircuitBreaker;
  private mode: 'shared' | 'local' = 'shared';
  private shared: SharedCircuitState = INITIAL_SHARED_STATE;
  private guess: Guess | undefined = undefined;
  /** Store clock minus local clock, from the last answer. */
  private offset = 0;
  /** The state listeners last saw. */
  private visible: CircuitState = 'CLOSED';
  private pendingCalls = 0;
  private pendingFailures = 0;
  private pendingSince = -1;
  private flushTimer: unknown = undefined;
  /** The flush in flight, so `close()` can wait for it and then send what came in meanwhile. */
  private inFlight: Promise<void> | undefined = undefined;
  private rejoinTimer: unknown = undefined;
  /** Fires when the break ends, to compete for the probe lease before the next call asks. */
  private probeTimer: unknown = undefined;
  /** `canExecute()` calls so far, and at the last probe timer: only a process with traffic since then competes for the probe. */
  private demand = 0;
  private demandSeen = 0;
  private lease: { generation: number; until: number } | undefined = undefined;
  private leasePending = false;
  private leaseRetryAt = 0;
  private probeOutstanding = false;
  private localConsecutiveFailures = 0;
  private fleet: WindowTotals | undefined = undefined;
  private fleetGeneration = -1;
  /** Local time of the last full state read (a safety net for a missed push). */
  private stateReadAt = -Infinity;
  private subscription: Promise<() => void> | undefined = undefined;
  private unsubscribe: (() => void) | undefined = undefined;
  private closed = false;
  private readonly joined: Promise<void>;
  private readonly counters = { successes: 0, failures: 0, rejections: 0, probes: 0, outages: 0, errors: 0 };
  private lastStoreError: string | undefined = undefined;
  private unavailableSince = -1;

  constructor(name: string, options?: SharedCircuitBreakerOptions) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new HealingConfigError('sharedCircuitBreaker.name', `expected a non-empty string, got ${JSON.stringify(name)}`);
    }
    this.options = resolveSharedBreakerOptions(options);
    this.name = name;
    this.clock = this.options.clock ?? systemClock;
    this.store = this.options.store ?? defaultStateStore();
    this.instanceId = this.options.instanceId;
    this.window = { bucketMs: this.options.windowMs / this.options.buckets, buckets: this.options.buckets };
    // The local breaker's events reach listeners only while it is in charge.
    const localEvents = new Listeners<CircuitEvents>();
    for (const event of ['open', 'halfOpen', 'close', 'stateChange', 'reject'] as const) {
      localEvents.on(event, (payload) => {
        if (this.mode === 'local') this.events.emit(event, payload as never);
      });
    }
    this.local = new CircuitBreaker(name, resolveCircuitBreakerConfig({
      failureThreshold: this.options.localFailureThreshold,
      recoveryTimeoutMs: this.options.recoveryTimeoutMs,
      probeTimeoutMs: this.options.probeTimeoutMs,
    }, 'sharedCircuitBreaker'), { clock: this.clock, events: localEvents });
    this.joined = this.join().then(() => undefined);
  }

  /**
   * Resolves once the breaker has first heard from the store (or found it unreachable): after it,
   * a process started while the circuit is open is open. Never rejects.
   */
  ready(): Promise<void> {
    return this.joined;
  }

  /** The state this process acts on: the fleet's, or its own while the store is unreachable. */
  get state(): CircuitState {
    if (this.mode === 'local') return (this.visible = this.local.state);
    const state = this.sharedView();
    if (state !== this.visible) {
      const from = this.visible;
      this.visible = state;
      if (state === 'OPEN') this.scheduleProbeTimer();
      this.transitioned(from, state, state === 'HALF_OPEN' ? 'recovery-timeout' : (this.guess ?? this.shared).reason);
    }
    return state;
  }

  /**
   * Admits or refuses one call from the local copy of the shared state: no store round trip. When
   * half-open, only the process holding the fleet's probe lease admits one call; the others refuse.
   */
  canExecute(): boolean {
    this.demand++; // a counter, not a clock read: admission stays a few ns
    if (this.mode === 'local') {
      if (this.local.canExecute()) return true;
      this.counters.rejections++;
      return false;
    }
    const state = this.state;
    if (state === 'CLOSED') return true;
    if (state === 'OPEN') return this.reject('open');
    const lease = this.lease;
    if (lease !== undefined && lease.generation === this.shared.generation && this.clock.now() < lease.until) {
      if (!this.probeOutstanding) {
        this.probeOutstanding = true;
        this.counters.probes++;
        return true;
      }
    } else {
      this.requestLease();
    }
    return this.reject('half-open-full');
  }

  /** Records a success: counted for the fleet's window; a successful probe closes the breaker fleet-wide. */
  recordSuccess(_durationMs?: number): void {
    this.counters.successes++;
    if (this.mode === 'local') this.local.recordSuccess();
    else this.localConsecutiveFailures = 0;
    this.count(false);
    if (this.probeOutstanding) this.settleProbe(true);
  }

  /** Records a failure: counted for the fleet's window; a failed probe re-opens the breaker fleet-wide. */
  recordFailure(error?: unknown, _durationMs?: number): void {
    this.counters.failures++;
    if (this.mode === 'local') this.local.recordFailure(error);
    else this.localConsecutiveFailures++;
    this.count(true);
    if (this.probeOutstanding) this.settleProbe(false);
  }

  /** Ends a call that says nothing about the dependency: a probe gives its slot back (the lease stays here). */
  releasePermission(): void {
    if (this.mode === 'local') this.local.releasePermission();
    this.probeOutstanding = false;
  }

  /** Whether a failed attempt counts: `shouldTrip` from the options, else whether it was classified `transient`. */
  shouldTrip(error: unknown, classification: Classification): boolean {
    return countsAsTrip(this.options.shouldTrip, error, classification);
  }

  /** Closes the breaker here at once and for the whole fleet (when the store answers). */
  reset(): void {
    this.local.reset();
    this.localConsecutiveFailures = 0;
    this.dropPending();
    this.transition(this.shared.generation, { state: 'CLOSED', breakMs: 0, openings: 0, reason: 'reset' });
  }

  /** How long until the open breaker admits a probe somewhere in the fleet, in ms (0 unless `OPEN`). */
  remainingOpenMs(): number {
    if (this.mode === 'local') return this.local.remainingOpenMs();
    if (this.state !== 'OPEN') return 0;
    return Math.max(0, (this.guess ?? this.shared).openUntil - this.storeNow());
  }

  /**
   * Subscribes to this breaker's events; returns the unsubscribe function.
   * @example
   * ```ts
   * const off = breaker.on('storeRecovered', ({ downMs }) => log.info({ downMs }, 'breaker state shared again'));
   * ```
   */
  on<K extends keyof SharedCircuitEvents>(event: K, listener: (payload: SharedCircuitEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** The breaker's counters as plain JSON. */
  stats(): SharedCircuitBreakerStats {
    const fleet = this.fleetGeneration === this.shared.generation ? this.fleet : undefined;
    return {
      name: this.name,
      state: this.state,
      mode: this.mode,
      store: {
        kind: this.store.kind,
        available: this.mode === 'shared',
        lastError: this.lastStoreError ?? null,
        unavailableSince: this.unavailableSince < 0 ? null : this.unavailableSince,
        outages: this.counters.outages,
        errors: this.counters.errors,
      },
      instanceId: this.instanceId,
      generation: this.shared.generation,
      openings: this.shared.openings,
      successes: this.counters.successes,
      failures: this.counters.failures,
      rejections: this.counters.rejections,
      probes: this.counters.probes,
      pending: { calls: this.pendingCalls, failures: this.pendingFailures },
      fleet: fleet === undefined ? null : {
        calls: fleet.totals.calls ?? 0, failures: fleet.totals.failures ?? 0, failingInstances: fleet.members.failures ?? 0,
      },
      failureThreshold: this.options.failureThreshold,
      quorum: this.options.quorum,
      windowMs: this.options.windowMs,
    };
  }

  /**
   * Sends what is still pending to the store (within `storeTimeoutMs`), then stops every timer and
   * the subscription. The store itself stays open (other breakers may use it).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.clearTimers();
    if (this.inFlight !== undefined) await this.inFlight; // else what came in during it would be lost
    if (this.mode === 'shared' && this.pendingCalls > 0) await this.flush();
    this.closed = true;
    this.clearTimers();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // A subscription that timed out may still complete: undo it then (unsubscribing is idempotent).
    const pending = this.subscription;
    this.subscription = undefined;
    pending?.then((unsubscribe) => unsubscribe(), () => undefined);
  }

  // ---- the shared view ------------------------------------------------------------------------

  private storeNow(): number {
    return this.clock.now() + this.offset;
  }

  private noteStoreTime(storeNow: number): void {
    this.offset = storeNow - this.clock.now();
  }

  private sharedView(): CircuitState {
    const view = this.guess ?? this.shared;
    if (view.state === 'CLOSED') return 'CLOSED';
    return this.storeNow() < view.openUntil ? 'OPEN' : 'HALF_OPEN';
  }

  /** Takes a state from the store or from another process. Older generations are ignored unless `authoritative`. */
  private adopt(state: SharedCircuitState, authoritative: boolean): void {
    if (this.closed) return;
    if (!authoritative && state.generation < this.shared.generation) return;
    if (this.guess !== undefined && (authoritative || state.generation > this.guess.baseGeneration)) this.guess = undefined;
    if (state.generation !== this.shared.generation) {
      this.lease = undefined;
      this.leaseRetryAt = 0;
      this.probeOutstanding = false;
      this.dropPending(); // they belong to the previous generation's window
      this.fleet = undefined; // so do these totals (generations can repeat after the store lost its data)
      this.fleetGeneration = -1;
    }
    const reopened = state.state === 'OPEN' && (state.generation !== this.shared.generation || state.openUntil !== this.shared.openUntil);
    this.shared = state;
    if (reopened && this.guess === undefined) this.scheduleProbeTimer();
    void this.state; // tells listeners about a change at once
  }

  private adoptResult(result: CompareAndSetResult): void {
    this.noteStoreTime(result.now);
    // An applied result can arrive after a newer state pushed by the store; a refused one with an
    // older generation means the store lost its data (a restart without persistence): take it.
    const newer = result.state.generation >= this.shared.generation;
    if (newer || !result.applied) this.adopt(result.state, true);
    else this.guess = undefined;
    void this.state;
  }

  /**
   * Decides a transition now, here (this process acts on it at once), and asks the store to apply
   * it to the generation it was decided on; the store's answer, or another process's push, wins.
   */
  private transition(baseGeneration: number, next: StateTransition): void {
    if (this.mode === 'shared') {
      this.guess = {
        state: next.state, generation: baseGeneration, openings: next.openings, reason: next.reason, baseGeneration,
        openUntil: next.state === 'OPEN' ? this.storeNow() + next.breakMs : 0,
      };
      this.lease = undefined;
      this.probeOutstanding = false;
      void this.state;
    }
    this.operate(() => this.store.compareAndSet(this.name, baseGeneration, next)).then(
      (result) => this.adoptResult(result),
      (error: unknown) => this.storeDown(error),
    );
  }

  private settleProbe(succeeded: boolean): void {
    this.probeOutstanding = false;
    if (this.mode !== 'shared') return;
    const { generation, openings } = this.shared;
    this.transition(generation, succeeded
      ? { state: 'CLOSED', breakMs: 0, openings: 0, reason: 'probe-succeeded' }
      : { state: 'OPEN', breakMs: this.breakMs(openings + 1), openings: openings + 1, reason: 'probe-failed' });
  }

  /** Tries, in the background, to take the fleet's probe lease for this recovery window (`SET NX PX`). */
  private requestLease(): void {
    const now = this.clock.now();
    if (this.leasePending || now < this.leaseRetryAt || this.closed) return;
    this.leasePending = true;
    const generation = this.shared.generation;
    const ttlMs = this.options.probeTimeoutMs;
    this.operate(() => this.store.acquireLease(this.name, `probe:${generation}`, this.instanceId, ttlMs)).then(
      (won) => {
        this.leasePending = false;
        if (generation !== this.shared.generation) return;
        if (won) this.lease = { generation, until: now + ttlMs };
        else this.leaseRetryAt = this.clock.now() + ttlMs; // another process probes; its outcome arrives by push
      },
      (error: unknown) => {
        this.leasePending = false;
        this.storeDown(error);
      },
    );
  }

  /**
   * At the end of the break, a process that had traffic since the last break ended asks for the
   * probe lease at once, so its next call can be the fleet's probe (rather than being refused while
   * it asks). A process without traffic leaves the lease to those with some.
   */
  private scheduleProbeTimer(): void {
    if (this.probeTimer !== undefined) this.clock.clearTimeout(this.probeTimer);
    const view = this.guess ?? this.shared;
    if (this.closed || view.state !== 'OPEN') return;
    this.probeTimer = unrefTimer(this.clock.setTimeout(() => {
      this.probeTimer = undefined;
      const recent = this.demand > this.demandSeen;
      this.demandSeen = this.demand;
      if (this.mode === 'shared' && this.state === 'HALF_OPEN' && recent) this.requestLease();
    }, Math.max(0, view.openUntil - this.storeNow())));
  }

  private tripped(totals: WindowTotals): boolean {
    const failures = totals.totals.failures ?? 0;
    const calls = totals.totals.calls ?? 0;
    const { failureThreshold, failureRateThreshold, minimumCalls, quorum } = this.options;
    if (failures < failureThreshold) return false;
    if (failureRateThreshold !== undefined && (calls < minimumCalls || (failures * 100) / calls < failureRateThreshold)) return false;
    return (totals.members.failures ?? 0) >= quorum;
  }

  // ---- outcomes, flushed in batches -------------------------------------------------------------

  private count(failed: boolean): void {
    if (this.pendingCalls === 0) this.pendingSince = this.clock.now();
    this.pendingCalls++;
    if (failed) this.pendingFailures++;
    if (this.mode !== 'shared') return; // flushed when the store is back
    // A failure that may reach the threshold is sent at once rather than at the next tick.
    const known = this.fleetGeneration === this.shared.generation ? (this.fleet?.totals.failures ?? 0) : 0;
    if (failed && this.shared.state === 'CLOSED' && known + this.pendingFailures >= this.options.failureThreshold) {
      void this.flush();
    } else if (this.flushTimer === undefined) {
      this.flushTimer = unrefTimer(this.clock.setTimeout(() => void this.flush(), this.options.flushIntervalMs));
    }
  }

  private dropPending(): void {
    this.pendingCalls = 0;
    this.pendingFailures = 0;
  }

  private flush(): Promise<void> {
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.inFlight !== undefined || this.closed || this.mode !== 'shared' || this.pendingCalls === 0) return Promise.resolve();
    this.inFlight = this.sendPending().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async sendPending(): Promise<void> {
    const calls = this.pendingCalls;
    const failures = this.pendingFailures;
    const generation = this.shared.generation;
    this.pendingCalls = 0;
    this.pendingFailures = 0;
    try {
      // Counters are per generation, so a breaker that closes starts from an empty window.
      const totals = await this.operate(() => this.store.addToWindow(`${this.name}@${generation}`, { calls, failures }, this.window, this.instanceId));
      this.noteStoreTime(totals.now);
      this.fleet = totals;
      this.fleetGeneration = generation;
      if (generation === this.shared.generation && this.shared.state === 'CLOSED' && this.guess === undefined && this.tripped(totals)) {
        const reason = this.options.failureRateThreshold === undefined ? 'failure-threshold' : 'failure-rate';
        this.transition(generation, { state: 'OPEN', breakMs: this.breakMs(this.shared.openings + 1), openings: this.shared.openings + 1, reason });
      } else if (this.clock.now() - this.stateReadAt >= this.options.rejoinIntervalMs) {
        // Pub/sub does not replay what a reconnecting subscriber missed: a process with traffic
        // re-reads the state now and then, so a lost push costs at most this long.
        this.stateReadAt = this.clock.now();
        this.operate(() => this.store.readState(this.name)).then((read) => {
          this.noteStoreTime(read.now);
          this.adopt(read.state, false);
        }, (error: unknown) => this.storeDown(error));
      }
    } catch (error) {
      this.pendingCalls += calls; // kept for when the store is back
      this.pendingFailures += failures;
      this.storeDown(error);
    }
    if (this.pendingCalls > 0 && this.mode === 'shared' && this.flushTimer === undefined && !this.closed) {
      this.flushTimer = unrefTimer(this.clock.setTimeout(() => void this.flush(), this.options.flushIntervalMs));
    }
  }

  // ---- store availability -------------------------------------------------------------------------

  private operate<T>(operation: () => Promise<T>): Promise<T> {
    return withStoreTimeout(this.clock, this.options.storeTimeoutMs, operation);
  }

  /** Subscribes (once) and reads the shared state; true when the store answered. */
  private async join(): Promise<boolean> {
    try {
      const listener = (key: string, state: SharedCircuitState) => {
        if (key === this.name) this.adopt(state, false);
      };
      let subscription = this.subscription;
      if (subscription === undefined) {
        const started = (subscription = this.subscription = Promise.resolve().then(() => this.store.subscribe(listener)));
        started.catch(() => {
          if (this.subscription === started) this.subscription = undefined; // the next rejoin subscribes again
        });
      }
      const unsubscribe = await this.operate(() => subscription);
      if (this.closed) {
        unsubscribe();
        return false;
      }
      this.unsubscribe = unsubscribe;
      const { state, now } = await this.operate(() => this.store.readState(this.name));
      if (this.closed) return false;
      this.stateReadAt = this.clock.now();
      this.noteStoreTime(now);
      this.storeUp();
      this.adopt(state, true);
      return true;
    } catch (error) {
      this.storeDown(error);
      return false;
    }
  }

  private storeUp(): void {
    if (this.mode === 'shared') return;
    const now = this.clock.now();
    const downMs = now - this.unavailableSince;
    this.mode = 'shared';
    this.unavailableSince = -1;
    this.guess = undefined;
    // Outcomes older than the window say nothing about the fleet now.
    if (this.pendingCalls > 0 && now - this.pendingSince > this.options.windowMs) {
      this.pendingCalls = 0;
      this.pendingFailures = 0;
    }
    this.events.emit('storeRecovered', { circuit: this.name, store: this.store.kind, at: now, downMs });
    if (this.pendingCalls > 0) void this.flush();
  }

  /** The store failed or timed out: decide locally from here on, starting from what the fleet last said. */
  private storeDown(error: unknown): void {
    this.counters.errors++;
    this.lastStoreError = redactMessage(error instanceof Error ? error.message : String(error));
    if (this.closed) return;
    this.scheduleRejoin();
    if (this.mode === 'local') return;
    const view = this.sharedView();
    const openUntil = (this.guess ?? this.shared).openUntil;
    this.local.restoreState({
      state: view === 'CLOSED' ? 'CLOSED' : 'OPEN',
      remainingOpenMs: view === 'OPEN' ? Math.min(Math.max(0, Math.round(openUntil - this.storeNow())), 2 ** 31 - 1) : 0,
      openings: Math.max(1, this.shared.openings),
      consecutiveFailures: Math.min(this.localConsecutiveFailures, this.options.localFailureThreshold - 1),
      forced: null,
    });
    this.mode = 'local';
    this.visible = this.local.state;
    this.lease = undefined;
    this.probeOutstanding = false;
    this.counters.outages++;
    this.unavailableSince = this.clock.now();
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.events.emit('storeUnavailable', { circuit: this.name, store: this.store.kind, at: this.unavailableSince, error: this.lastStoreError });
  }

  private scheduleRejoin(): void {
    if (this.rejoinTimer !== undefined || this.closed) return;
    this.rejoinTimer = unrefTimer(this.clock.setTimeout(() => {
      this.rejoinTimer = undefined;
      void this.join();
    }, this.options.rejoinIntervalMs));
  }

  private clearTimers(): void {
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    if (this.rejoinTimer !== undefined) this.clock.clearTimeout(this.rejoinTimer);
    if (this.probeTimer !== undefined) this.clock.clearTimeout(this.probeTimer);
    this.flushTimer = undefined;
    this.rejoinTimer = undefined;
    this.probeTimer = undefined;
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private breakMs(openings: number): number {
    return breakDuration(this.options.recoveryTimeoutMs, openings);
  }

  private reject(reason: CircuitRejection['reason']): false {
    this.counters.rejections++;
    if (this.events.has('reject')) this.events.emit('reject', { circuit: this.name, state: this.visible, reason });
    return false;
  }

  private transitioned(from: CircuitState, to: CircuitState, reason: TransitionReason): void {
    if (!this.events.has('stateChange') && !this.events.has(EVENT_FOR[to])) return;
    const change = { circuit: this.name, from, to, reason, at: this.clock.now() };
    this.events.emit(EVENT_FOR[to], change);
    this.events.emit('stateChange', change);
  }
}

const EVENT_FOR = { OPEN: 'open', HALF_OPEN: 'halfOpen', CLOSED: 'close' } as const;
