import type { TransitionReason } from '../circuit/circuit-events.js';

/**
 * How a windowed counter is bucketed: `buckets` buckets of `bucketMs` each, keyed by the store's
 * own time (`floor(storeNow / bucketMs)`), so every process agrees on which bucket is current.
 * @example
 * ```ts
 * const lastTenSeconds: WindowSpec = { bucketMs: 1_000, buckets: 10 };
 * ```
 */
export interface WindowSpec {
  bucketMs: number;
  buckets: number;
}

/**
 * A windowed counter's totals after an {@link StateStore.addToWindow}, summed over every process.
 * @example
 * ```ts
 * const { totals, members } = await store.addToWindow('payments', { calls: 3, failures: 1 }, spec, 'pod-7');
 * if (totals.failures >= 20 && members.failures >= 2) open();
 * ```
 */
export interface WindowTotals {
  /** The store's clock when it answered (ms since the epoch). */
  now: number;
  /** Each field's sum over the window. */
  totals: Record<string, number>;
  /** Each field's number of distinct members (instances) that added to it in the window. */
  members: Record<string, number>;
}

/**
 * A shared breaker's state as the store keeps it. `HALF_OPEN` is not stored: an `OPEN` state
 * whose `openUntil` has passed is half-open, as for a local breaker.
 * @example
 * ```ts
 * const open: SharedCircuitState = { state: 'OPEN', generation: 4, openUntil: Date.now() + 30_000, openings: 1, reason: 'failure-threshold' };
 * ```
 */
export interface SharedCircuitState {
  state: 'CLOSED' | 'OPEN';
  /** Bumped by every transition; a transition applies only to the generation it was decided on. */
  generation: number;
  /** Store time when an open state's break ends (0 when closed). */
  openUntil: number;
  /** Openings in a row without closing in between (drives a growing break). */
  openings: number;
  /** Why the last transition happened. */
  reason: TransitionReason;
}

/**
 * A transition asked of {@link StateStore.compareAndSet}. The store computes `openUntil` from its
 * own clock (`storeNow + breakMs`), so no process's clock skew enters the shared state.
 * @example
 * ```ts
 * const next: StateTransition = { state: 'OPEN', breakMs: 30_000, openings: 1, reason: 'failure-threshold' };
 * ```
 */
export interface StateTransition {
  state: 'CLOSED' | 'OPEN';
  breakMs: number;
  openings: number;
  reason: TransitionReason;
}

/**
 * The answer of a store read or compare-and-set: the state now in the store (a closed generation 0
 * when nothing was ever stored), and the store's clock.
 * @example
 * ```ts
 * const { state, now } = await store.readState('payments');
 * ```
 */
export interface StoredState {
  state: SharedCircuitState;
  now: number;
}

/**
 * What {@link StateStore.compareAndSet} returns: whether the transition applied, and the state now
 * in the store either way.
 * @example
 * ```ts
 * const { applied, state } = await store.compareAndSet('payments', 3, next);
 * if (!applied) adopt(state); // another process moved first
 * ```
 */
export interface CompareAndSetResult extends StoredState {
  applied: boolean;
}

/**
 * Where shared breakers keep what the fleet knows. Every operation is one atomic step in the store
 * (one Lua script or command in Redis) and none is ever awaited on a call's path: breakers decide
 * admission from a local copy and talk to the store in the background.
 *
 * The windowed counter is generic on purpose: a breaker adds `calls` and `failures`, and a shared
 * retry budget adds `requests` and `retries` to its own key the same way.
 *
 * Keys are logical names (a breaker's name); the store namespaces them.
 *
 * @example
 * ```ts
 * const store: StateStore = new MemoryStateStore();
 * const { totals } = await store.addToWindow('payments', { calls: 1, failures: 1 }, { bucketMs: 1_000, buckets: 10 }, 'pod-1');
 * ```
 */
export interface StateStore {
  /** A short name for stats and logs (`'memory'`, `'redis'`). */
  readonly kind: string;
  /**
   * Adds `increments` to the bucket of the store's current time and returns the sums over the last
   * `window.buckets` buckets. With a `member`, also records that this member added to each field.
   */
  addToWindow(key: string, increments: Readonly<Record<string, number>>, window: WindowSpec, member?: string): Promise<WindowTotals>;
  /** The shared state of `key`. */
  readState(key: string): Promise<StoredState>;
  /**
   * Applies `next` only if the stored generation is still `expectedGeneration` (the new generation
   * is one more), and then tells every subscriber. Otherwise changes nothing.
   */
  compareAndSet(key: string, expectedGeneration: number, next: StateTransition): Promise<CompareAndSetResult>;
  /** Takes the lease `lease` of `key` for `ttlMs` if nobody holds it (`SET NX PX`): true when taken. */
  acquireLease(key: string, lease: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Calls `listener` with every state change any process makes. Resolves once subscribed, with the unsubscribe function. */
  subscribe(listener: (key: string, state: SharedCircuitState) => void): Promise<() => void>;
  /** Releases what the store holds (subscriptions, connections it opened itself). */
  close(): Promise<void>;
}

/** The state of a key nothing was ever stored for. */
export const INITIAL_SHARED_STATE: SharedCircuitState = Object.freeze({
  state: 'CLOSED', generation: 0, openUntil: 0, openings: 0, reason: 'reset',
});
