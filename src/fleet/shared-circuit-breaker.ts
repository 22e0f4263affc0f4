import type { Classification } from '../classify/classification.js';
import type { CircuitBreaker, CircuitState } from '../circuit/circuit-breaker.js';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import type { CircuitRejection } from '../circuit/circuit-events.js';
import { countsAsTrip } from '../circuit/trip-decision.js';
import { systemClock } from '../clock.js';
import { subscribe, type KnownEvents } from '../config/known-events.js';
import { HealingConfigError } from '../errors.js';
import { afterProbe, afterTrip, windowTrips } from './fleet-transitions.js';
import { createLocalBreaker, takeOverLocally } from './local-fallback.js';
import { defaultStateStore } from './memory-state-store.js';
import { OutcomeBatch } from './outcome-batch.js';
import { ProbeLease } from './probe-lease.js';
import { resolveSharedBreakerOptions, type ResolvedSharedBreakerOptions, type SharedCircuitBreakerOptions } from './shared-breaker-config.js';
import { SharedBreakerEvents, type SharedCircuitEvents, type StoreAvailabilityChange } from './shared-breaker-events.js';
import type { SharedCircuitBreakerStats } from './shared-breaker-stats.js';
import { SharedStateReplica } from './shared-state-replica.js';
import type { StateStore, StateTransition, WindowTotals } from './state-store.js';
import { StoreHealth } from './store-health.js';
import type { StoreLink } from './store-operations.js';

export type { SharedCircuitEvents, StoreAvailabilityChange, SharedCircuitBreakerStats };

const SHARED_EVENTS: KnownEvents<SharedCircuitEvents> = {
  emitter: 'shared circuit breaker',
  events: { open: true, halfOpen: true, close: true, stateChange: true, reject: true, storeUnavailable: true, storeRecovered: true },
};

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
 * This class wires its parts (SharedStateReplica, ProbeLease, OutcomeBatch, StoreHealth: one file
 * each) and hands the state over between shared and local mode.
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
  private readonly events: SharedBreakerEvents;
  /** This process's own breaker, in charge while the store is unreachable. */
  private readonly local: CircuitBreaker;
  private readonly health: StoreHealth;
  private readonly replica: SharedStateReplica;
  private readonly lease: ProbeLease;
  private readonly outcomes: OutcomeBatch;
  /**
   * Who decides: the fleet's state (`'shared'`), or this process's own breaker (`'local'`), while
   * the store is unreachable and for good once the breaker is closed.
   */
  private mode: 'shared' | 'local' = 'shared';
  /** The state listeners last saw. */
  private visible: CircuitState = 'CLOSED';
  /** Failures in a row while shared: the local breaker starts from them when the store goes away. */
  private localConsecutiveFailures = 0;
  private closed = false;
  private readonly joined: Promise<void>;
  private readonly counters = { successes: 0, failures: 0, rejections: 0 };

  constructor(name: string, options?: SharedCircuitBreakerOptions) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new HealingConfigError('sharedCircuitBreaker.name', `expected a non-empty string, got ${JSON.stringify(name)}`);
    }
    this.options = resolveSharedBreakerOptions(options);
    this.name = name;
    const clock = this.options.clock ?? systemClock;
    const store = (this.store = this.options.store ?? defaultStateStore());
    this.instanceId = this.options.instanceId;
    this.events = new SharedBreakerEvents(name, store.kind, clock);
    const isShared = () => this.mode === 'shared';
    const { storeTimeoutMs, rejoinIntervalMs } = this.options;
    this.health = new StoreHealth({ clock, storeTimeoutMs, rejoinIntervalMs, rejoin: () => void this.replica.join(), isClosed: () => this.closed });
    const link: StoreLink = {
      name, store, instanceId: this.instanceId, clock, operate: (operation) => this.health.operate(operation),
      storeFailed: (error) => this.storeDown(error), isClosed: () => this.closed,
    };
    this.replica = new SharedStateReplica(link, {
      joined: () => this.storeUp(),
      generationChanged: () => {
        this.lease.newGeneration();
        this.outcomes.newGeneration();
      },
      reopened: () => this.scheduleProbeTimer(),
      changed: () => void this.state,
    });
    this.lease = new ProbeLease(link, this.options.probeTimeoutMs, {
      generation: () => this.replica.current.generation,
      isHalfOpen: () => isShared() && this.state === 'HALF_OPEN',
    });
    this.outcomes = new OutcomeBatch(link, {
      window: { bucketMs: this.options.windowMs / this.options.buckets, buckets: this.options.buckets },
      flushIntervalMs: this.options.flushIntervalMs, failureThreshold: this.options.failureThreshold, isShared,
      shared: () => this.replica.current,
      received: (totals, generation) => this.fleetTotalsReceived(totals, generation),
    });
    this.local = createLocalBreaker(name, this.options, clock, (event, payload) => {
      if (this.mode === 'local') this.events.emit(event, payload); // only while it is in charge
    });
    this.joined = this.replica.join().then(() => undefined);
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
    const state = this.replica.viewState();
    if (state !== this.visible) {
      const from = this.visible;
      this.visible = state;
      if (state === 'OPEN') this.scheduleProbeTimer();
      this.events.transitioned(from, state, state === 'HALF_OPEN' ? 'recovery-timeout' : this.replica.view.reason);
    }
    return state;
  }

  /** Admits or refuses one call from the local copy of the shared state (no store round trip); half-open, only the lease holder admits one. */
  canExecute(): boolean {
    this.lease.noteDemand();
    if (this.mode === 'local') {
      if (this.local.canExecute()) return true;
      this.counters.rejections++;
      return false;
    }
    const state = this.state;
    if (state === 'CLOSED') return true;
    this.replica.refreshIfOlderThan(this.options.rejoinIntervalMs); // with traffic: catch up a missed push, an outage, lost data
    if (state === 'OPEN') return this.reject('open');
    return this.lease.admit() || this.reject('half-open-full');
  }

  /** Records a success: counted for the fleet's window; a successful probe closes the breaker fleet-wide. */
  recordSuccess(_durationMs?: number): void {
    this.counters.successes++;
    if (this.mode === 'local') this.local.recordSuccess();
    else this.localConsecutiveFailures = 0;
    this.outcomes.count(false);
    if (this.lease.finish()) this.settleProbe(true);
  }

  /** Records a failure: counted for the fleet's window; a failed probe re-opens the breaker fleet-wide. */
  recordFailure(error?: unknown, _durationMs?: number): void {
    this.counters.failures++;
    if (this.mode === 'local') this.local.recordFailure(error);
    else this.localConsecutiveFailures++;
    this.outcomes.count(true);
    if (this.lease.finish()) this.settleProbe(false);
  }

  /** Ends a call that says nothing about the dependency: a probe gives its slot back (the lease stays here). */
  releasePermission(): void {
    if (this.mode === 'local') this.local.releasePermission();
    this.lease.release();
  }

  /** Whether a failed attempt counts: `shouldTrip` from the options, else whether it was classified `transient`. */
  shouldTrip(error: unknown, classification: Classification): boolean {
    return countsAsTrip(this.options.shouldTrip, error, classification);
  }

  /** Closes the breaker here at once and for the whole fleet (when the store answers). */
  reset(): void {
    this.local.reset();
    this.localConsecutiveFailures = 0;
    this.outcomes.drop();
    this.transition(this.replica.current.generation, { state: 'CLOSED', breakMs: 0, openings: 0, reason: 'reset' });
  }

  /** How long until the open breaker admits a probe somewhere in the fleet, in ms (0 unless `OPEN`). */
  remainingOpenMs(): number {
    if (this.mode === 'local') return this.local.remainingOpenMs();
    if (this.state !== 'OPEN') return 0;
    return this.replica.remainingBreakMs();
  }

  /**
   * Subscribes to this breaker's events; returns the unsubscribe function.
   * @example
   * ```ts
   * const off = breaker.on('storeRecovered', ({ downMs }) => log.info({ downMs }, 'breaker state shared again'));
   * ```
   */
  on<K extends keyof SharedCircuitEvents>(event: K, listener: (payload: SharedCircuitEvents[K]) => void): () => void {
    return subscribe(this.events, SHARED_EVENTS, event, listener);
  }

  /** The breaker's counters as plain JSON; `mode` is `'local'` while the store is unreachable, and once closed. */
  stats(): SharedCircuitBreakerStats {
    const shared = this.replica.current;
    const { failureThreshold, quorum, windowMs } = this.options;
    return {
      name: this.name, state: this.state, mode: this.mode, store: this.health.stats(this.store.kind),
      instanceId: this.instanceId, generation: shared.generation, openings: shared.openings,
      ...this.counters, probes: this.lease.probes, pending: this.outcomes.pending, fleet: this.outcomes.fleetStats(shared.generation),
      failureThreshold, quorum, windowMs,
    };
  }

  /**
   * Sends what is still pending to the store (within `storeTimeoutMs`), then stops every timer and
   * the subscription. The store itself stays open (other breakers may use it).
   *
   * Closed, it keeps working as this process's own breaker, as while the store is unreachable
   * (`stats().mode === 'local'`): calls still in flight during a shutdown, and any made after,
   * are admitted, counted and refused by it, starting from the fleet's last state, and it can
   * still open. Nothing reaches the store any more: outcomes counted after the last flush,
   * a `reset()`, and the outcome of a probe this process was running (the fleet's lease on it
   * expires after `probeTimeoutMs`) stay in this process.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.cancelTimers(); // none may fire (and flush or rejoin) while the last flush is awaited
    await this.outcomes.drain();
    this.closed = true;
    this.cancelTimers();
    this.replica.close();
    if (this.mode === 'shared') this.decideLocally();
  }

  /**
   * Decides a transition now, here (this process acts on it at once), and asks the store to apply
   * it to the generation it was decided on; the store's answer, or another process's push, wins.
   */
  private transition(baseGeneration: number, next: StateTransition): void {
    if (this.mode === 'shared') {
      this.replica.assume(baseGeneration, next);
      this.lease.forget();
      void this.state;
    }
    if (!this.closed) this.replica.compareAndSet(baseGeneration, next); // a closed breaker tells the store nothing
  }

  private settleProbe(succeeded: boolean): void {
    if (this.mode !== 'shared') return;
    const { generation, openings } = this.replica.current;
    this.transition(generation, afterProbe(succeeded, openings, this.options));
  }

  /** After a flush: opens the breaker fleet-wide if the window's totals say so, else re-reads the state now and then. */
  private fleetTotalsReceived(totals: WindowTotals, generation: number): void {
    this.replica.noteStoreTime(totals.now);
    const shared = this.replica.current;
    if (generation === shared.generation && shared.state === 'CLOSED' && !this.replica.deciding && windowTrips(totals, this.options)) {
      this.transition(generation, afterTrip(shared.openings, this.options));
    } else {
      this.replica.refreshIfOlderThan(this.options.rejoinIntervalMs);
    }
  }

  private scheduleProbeTimer(): void {
    const open = !this.closed && this.replica.view.state === 'OPEN';
    this.lease.scheduleAtBreakEnd(open ? this.replica.remainingBreakMs() : undefined);
  }

  private storeUp(): void {
    const change = this.health.markShared();
    if (change === undefined) return;
    this.mode = 'shared';
    this.replica.dropGuess();
    this.outcomes.dropOlderThan(this.options.windowMs, change.at); // they say nothing about the fleet now
    this.events.storeAvailability('storeRecovered', change);
    void this.outcomes.flush();
  }

  /** The store failed or timed out: decide locally from here on, starting from what the fleet last said. */
  private storeDown(error: unknown): void {
    if (!this.health.recordFailure(error)) return;
    this.decideLocally();
    this.events.storeAvailability('storeUnavailable', this.health.markLocal());
  }

  /** Hands admission to the local breaker, started from what the fleet last said (the store is unreachable, or this breaker closed). */
  private decideLocally(): void {
    // Taken over while the mode still says 'shared', so the local breaker's own transition is not an event.
    takeOverLocally(this.local, {
      state: this.replica.viewState(), remainingBreakMs: this.replica.remainingBreakMs(),
      openings: this.replica.current.openings, consecutiveFailures: this.localConsecutiveFailures,
    }, this.options.localFailureThreshold);
    this.mode = 'local';
    this.visible = this.local.state;
    this.lease.forget();
    this.outcomes.cancelTimer();
  }

  private cancelTimers(): void {
    this.outcomes.cancelTimer();
    this.health.cancelRejoin();
    this.lease.cancelTimer();
  }

  private reject(reason: CircuitRejection['reason']): false {
    this.counters.rejections++;
    this.events.rejected(this.visible, reason);
    return false;
  }
}
