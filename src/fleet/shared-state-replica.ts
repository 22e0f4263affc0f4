import type { CircuitState } from '../circuit/circuit-breaker.js';
import {
  INITIAL_SHARED_STATE, type CompareAndSetResult, type SharedCircuitState, type StateTransition,
} from './state-store.js';
import type { StoreLink } from './store-operations.js';

/** What {@link SharedStateReplica} tells the breaker it serves. */
export interface SharedStateReplicaHooks {
  /** The store answered a join: the breaker is back in shared mode (called before the state read is adopted). */
  joined: () => void;
  /** A state of another generation was adopted: what belongs to the previous one (lease, pending outcomes) is stale. */
  generationChanged: () => void;
  /** The fleet's breaker (re)opened and no transition of this process is pending: the break's end is worth a timer. */
  reopened: () => void;
  /** The view may have changed: the breaker tells listeners now. */
  changed: () => void;
}

/** What this process believes the shared state is right after it decided a transition, until the store answers. */
interface Guess extends SharedCircuitState {
  baseGeneration: number;
}

/**
 * This process's copy of the fleet's breaker state: read on joining, kept current by the store's
 * pushes (and an occasional re-read, since pub/sub does not replay what a reconnecting subscriber
 * missed), and changed only by compare-and-set on the generation. A transition this process
 * decided is acted on at once (a guess) until the store's answer, or another process's push, wins.
 */
export class SharedStateReplica {
  private shared: SharedCircuitState = INITIAL_SHARED_STATE;
  private guess: Guess | undefined = undefined;
  /** Store clock minus local clock, from the last answer. */
  private offset = 0;
  /** Local time of the last full state read (a safety net for a missed push). */
  private stateReadAt = -Infinity;
  private subscription: Promise<() => void> | undefined = undefined;
  private unsubscribe: (() => void) | undefined = undefined;
  /** Pushes received so far: a re-read that saw none arrive meanwhile is the store's latest word. */
  private pushes = 0;

  constructor(private readonly link: StoreLink, private readonly hooks: SharedStateReplicaHooks) {}

  /** The state as the store last said. */
  get current(): SharedCircuitState {
    return this.shared;
  }

  /** The state to act on: this process's pending transition, else the store's. */
  get view(): SharedCircuitState {
    return this.guess ?? this.shared;
  }

  /** Whether a transition this process decided still waits for the store's answer. */
  get deciding(): boolean {
    return this.guess !== undefined;
  }

  /** The view as a breaker state: an open state whose break has ended (on the store's clock) is half-open. */
  viewState(): CircuitState {
    const view = this.view;
    if (view.state === 'CLOSED') return 'CLOSED';
    return this.storeNow() < view.openUntil ? 'OPEN' : 'HALF_OPEN';
  }

  /** How long until the view's break ends, in ms on the store's clock (0 once it has). */
  remainingBreakMs(): number {
    return Math.max(0, this.view.openUntil - this.storeNow());
  }

  noteStoreTime(storeNow: number): void {
    this.offset = storeNow - this.link.clock.now();
  }

  /** Back from local mode: a guess made before the outage says nothing now. */
  dropGuess(): void {
    this.guess = undefined;
  }

  /** Acts on a transition decided here at once, until the store answers. */
  assume(baseGeneration: number, next: StateTransition): void {
    this.guess = {
      state: next.state, generation: baseGeneration, openings: next.openings, reason: next.reason, baseGeneration,
      openUntil: next.state === 'OPEN' ? this.storeNow() + next.breakMs : 0,
    };
  }

  /** Asks the store to apply `next` to the generation it was decided on; the answer is adopted. */
  compareAndSet(baseGeneration: number, next: StateTransition): void {
    const { name, store } = this.link;
    this.link.operate(() => store.compareAndSet(name, baseGeneration, next)).then(
      (result) => this.adoptResult(result),
      (error: unknown) => this.link.storeFailed(error),
    );
  }

  /** Takes a state from the store or from another process. Older generations are ignored unless `authoritative`. */
  adopt(state: SharedCircuitState, authoritative: boolean): void {
    if (this.link.isClosed()) return;
    if (!authoritative && state.generation < this.shared.generation) return;
    if (this.guess !== undefined && (authoritative || state.generation > this.guess.baseGeneration)) this.guess = undefined;
    if (state.generation !== this.shared.generation) this.hooks.generationChanged();
    const reopened = state.state === 'OPEN' && (state.generation !== this.shared.generation || state.openUntil !== this.shared.openUntil);
    this.shared = state;
    if (reopened && this.guess === undefined) this.hooks.reopened();
    this.hooks.changed(); // tells listeners about a change at once
  }

  /** Subscribes (once) and reads the shared state; true when the store answered. */
  async join(): Promise<boolean> {
    const { name, store, clock, operate, isClosed } = this.link;
    try {
      const listener = (key: string, state: SharedCircuitState) => {
        if (key !== name) return;
        this.pushes++;
        this.adopt(state, false);
      };
      let subscription = this.subscription;
      if (subscription === undefined) {
        const started = (subscription = this.subscription = Promise.resolve().then(() => store.subscribe(listener)));
        started.catch(() => {
          if (this.subscription === started) this.subscription = undefined; // the next rejoin subscribes again
        });
      }
      const unsubscribe = await operate(() => subscription);
      if (isClosed()) {
        unsubscribe();
        return false;
      }
      this.unsubscribe = unsubscribe;
      const { state, now } = await operate(() => store.readState(name));
      if (isClosed()) return false;
      this.stateReadAt = clock.now();
      this.noteStoreTime(now);
      this.hooks.joined();
      this.adopt(state, true);
      return true;
    } catch (error) {
      this.link.storeFailed(error);
      return false;
    }
  }

  /**
   * Re-reads the state if the last read is `intervalMs` old. Pub/sub does not replay what a
   * reconnecting subscriber missed: a process with traffic re-reads now and then, so a lost push
   * costs at most this long.
   */
  refreshIfOlderThan(intervalMs: number): void {
    const { name, store, clock } = this.link;
    if (clock.now() - this.stateReadAt < intervalMs) return;
    this.stateReadAt = clock.now();
    const pushesBefore = this.pushes;
    this.link.operate(() => store.readState(name)).then((read) => {
      this.noteStoreTime(read.now);
      // No push came in while the read was on its way: the read is the store's latest state, even
      // with an older generation (the store lost its data). Else the push may be newer: keep the newest.
      this.adopt(read.state, this.pushes === pushesBefore && !this.deciding);
    }, (error: unknown) => this.link.storeFailed(error));
  }

  /** Stops the pushes. A subscription that timed out may still complete: undo it then (unsubscribing is idempotent). */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const pending = this.subscription;
    this.subscription = undefined;
    pending?.then((unsubscribe) => unsubscribe(), () => undefined);
  }

  private storeNow(): number {
    return this.link.clock.now() + this.offset;
  }

  private adoptResult(result: CompareAndSetResult): void {
    this.noteStoreTime(result.now);
    // An applied result can arrive after a newer state pushed by the store; a refused one with an
    // older generation means the store lost its data (a restart without persistence): take it.
    const newer = result.state.generation >= this.shared.generation;
    if (newer || !result.applied) this.adopt(result.state, true);
    else this.guess = undefined;
    this.hooks.changed();
  }
}
