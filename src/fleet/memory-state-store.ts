import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { hasMethods } from '../config/schema-helpers.js';
import {
  INITIAL_SHARED_STATE, type CompareAndSetResult, type SharedCircuitState, type StateStore, type StateTransition,
  type StoredState, type WindowSpec, type WindowTotals,
} from './state-store.js';

interface Bucket {
  epoch: number;
  counts: Map<string, number>;
  members: Map<string, Set<string>>;
}

// Only now() is asked of the clock: the store keeps no timer (windows and leases expire when read).
const optionsSchema = z.strictObject({
  clock: z.custom<Clock>(hasMethods('now'), 'expected a Clock with now()').optional(),
});

/**
 * The embedded {@link StateStore}: everything in this process's memory. It is the default of a
 * {@link SharedCircuitBreaker}, where it shares state between breakers of one process only (and
 * lets tests run a "fleet" on a manual clock). Use `self-healing/redis` to share across processes.
 *
 * @example
 * ```ts
 * const store = new MemoryStateStore();
 * const a = new SharedCircuitBreaker('payments', { store, instanceId: 'a' });
 * const b = new SharedCircuitBreaker('payments', { store, instanceId: 'b' }); // sees a's failures
 * ```
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory';
  private readonly clock: Clock;
  private readonly windows = new Map<string, { buckets: Bucket[]; expiresAt: number }>();
  private additions = 0;
  private readonly states = new Map<string, SharedCircuitState>();
  private readonly leases = new Map<string, number>();
  private readonly listeners = new Set<(key: string, state: SharedCircuitState) => void>();

  /** @throws {HealingConfigError} naming the invalid option. */
  constructor(options: { clock?: Clock } = {}) {
    this.clock = parseWith(optionsSchema, options, 'memoryStateStore').clock ?? systemClock;
  }

  async addToWindow(key: string, increments: Readonly<Record<string, number>>, window: WindowSpec, member?: string): Promise<WindowTotals> {
    const now = this.clock.now();
    const epoch = Math.floor(now / window.bucketMs);
    const oldest = epoch - window.buckets + 1;
    // Breakers count per generation, so old keys go quiet: drop the expired ones now and then.
    if (++this.additions % 256 === 0) {
      for (const [other, entry] of this.windows) if (entry.expiresAt <= now) this.windows.delete(other);
    }
    const buckets = (this.windows.get(key)?.buckets ?? []).filter((bucket) => bucket.epoch >= oldest);
    this.windows.set(key, { buckets, expiresAt: now + window.bucketMs * (window.buckets + 1) });
    let current = buckets.find((bucket) => bucket.epoch === epoch);
    if (current === undefined) buckets.push((current = { epoch, counts: new Map(), members: new Map() }));
    for (const [field, amount] of Object.entries(increments)) {
      if (amount === 0) continue;
      current.counts.set(field, (current.counts.get(field) ?? 0) + amount);
      if (member !== undefined) {
        let set = current.members.get(field);
        if (set === undefined) current.members.set(field, (set = new Set()));
        set.add(member);
      }
    }
    const totals: Record<string, number> = {};
    const memberSets = new Map<string, Set<string>>();
    for (const bucket of buckets) {
      for (const [field, count] of bucket.counts) totals[field] = (totals[field] ?? 0) + count;
      for (const [field, set] of bucket.members) {
        let all = memberSets.get(field);
        if (all === undefined) memberSets.set(field, (all = new Set()));
        for (const name of set) all.add(name);
      }
    }
    const members: Record<string, number> = {};
    for (const [field, set] of memberSets) members[field] = set.size;
    return { now, totals, members };
  }

  async readState(key: string): Promise<StoredState> {
    return { state: this.states.get(key) ?? INITIAL_SHARED_STATE, now: this.clock.now() };
  }

  async compareAndSet(key: string, expectedGeneration: number, next: StateTransition): Promise<CompareAndSetResult> {
    const now = this.clock.now();
    const current = this.states.get(key) ?? INITIAL_SHARED_STATE;
    if (current.generation !== expectedGeneration) return { applied: false, state: current, now };
    const state: SharedCircuitState = {
      state: next.state,
      generation: current.generation + 1,
      openUntil: next.state === 'OPEN' ? now + next.breakMs : 0,
      openings: next.openings,
      reason: next.reason,
    };
    this.states.set(key, state);
    for (const listener of this.listeners) {
      try {
        listener(key, state);
      } catch {
        // a subscriber must not break the transition
      }
    }
    return { applied: true, state, now };
  }

  async acquireLease(key: string, lease: string, _owner: string, ttlMs: number): Promise<boolean> {
    const id = `${key}\u0000${lease}`;
    const now = this.clock.now();
    const until = this.leases.get(id);
    if (until !== undefined && until > now) return false;
    if (this.leases.size >= 1_000) {
      for (const [other, expiry] of this.leases) if (expiry <= now) this.leases.delete(other);
    }
    this.leases.set(id, now + ttlMs);
    return true;
  }

  async subscribe(listener: (key: string, state: SharedCircuitState) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

let defaultStore: MemoryStateStore | undefined;

/** The process-wide store of shared breakers created without one. */
export function defaultStateStore(): MemoryStateStore {
  return (defaultStore ??= new MemoryStateStore());
}
