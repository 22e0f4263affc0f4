// A shared breaker that is open or half-open and has traffic re-reads the shared state at least
// every rejoinIntervalMs: a missed push, a store outage and a store that lost its data are all
// caught up within that bound (pub/sub does not replay what a reconnecting subscriber missed).
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStateStore, SharedCircuitBreaker, type SharedCircuitState, type StateStore } from '../../src/fleet/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

const REJOIN_MS = 250;
const TRAFFIC_GAP_MS = 10;

/** A store in front of a swappable memory store: pushes can be muted (a dropped subscriber), operations can hang, reads are counted. */
class UnreliableStore implements StateStore {
  readonly kind = 'unreliable';
  muted = false;
  hanging = false;
  reads = 0;
  constructor(public inner: MemoryStateStore) {}
  private gate<T>(operation: () => Promise<T>): Promise<T> {
    return this.hanging ? new Promise<T>(() => undefined) : operation();
  }
  addToWindow: StateStore['addToWindow'] = (...args) => this.gate(() => this.inner.addToWindow(...args));
  readState: StateStore['readState'] = (...args) => {
    this.reads++;
    return this.gate(() => this.inner.readState(...args));
  };
  compareAndSet: StateStore['compareAndSet'] = (...args) => this.gate(() => this.inner.compareAndSet(...args));
  acquireLease: StateStore['acquireLease'] = (...args) => this.gate(() => this.inner.acquireLease(...args));
  subscribe: StateStore['subscribe'] = (listener) => this.gate(() => this.inner.subscribe((key: string, state: SharedCircuitState) => {
    if (!this.muted) listener(key, state);
  }));
  close: StateStore['close'] = () => this.inner.close();
}

let live: SharedCircuitBreaker[] = [];
afterEach(async () => {
  for (const breaker of live) await breaker.close();
  live = [];
});

/** One breaker of the fleet on its own (unreliable) link, and another on a reliable one: the same memory store behind both. */
async function pair() {
  const clock = new ManualClock();
  const shared = new MemoryStateStore({ clock });
  const flaky = new UnreliableStore(shared);
  const options = { clock, failureThreshold: 4, windowMs: 60_000, breakDurationMs: 5_000, flushIntervalMs: 50, storeTimeoutMs: 100, rejoinIntervalMs: REJOIN_MS };
  const follower = new SharedCircuitBreaker('payments', { ...options, store: flaky, instanceId: 'follower' });
  const leader = new SharedCircuitBreaker('payments', { ...options, store: shared, instanceId: 'leader' });
  live.push(follower, leader);
  await Promise.all([follower.ready(), leader.ready()]);
  for (let i = 0; i < 4; i++) {
    leader.canExecute();
    leader.recordFailure(new Error('503'));
  }
  await clock.advance(50);
  expect([leader.state, follower.state]).toEqual(['OPEN', 'OPEN']);
  return { clock, flaky, shared, leader, follower };
}

/** Calls the follower every TRAFFIC_GAP_MS for `ms`; returns when it first admitted a call (ms from the start), or -1. */
async function traffic(clock: ManualClock, breaker: SharedCircuitBreaker, ms: number, until: () => boolean = () => false): Promise<number> {
  for (let elapsed = 0; elapsed <= ms; elapsed += TRAFFIC_GAP_MS) {
    if (breaker.canExecute()) {
      breaker.releasePermission();
      return elapsed;
    }
    if (until()) return elapsed;
    await clock.advance(TRAFFIC_GAP_MS);
  }
  return -1;
}

describe('SharedCircuitBreaker: an open breaker with traffic catches up within rejoinIntervalMs', () => {
  it('follows a reset() whose push it missed (its subscriber was reconnecting)', async () => {
    const { clock, flaky, leader, follower } = await pair();
    flaky.muted = true;
    leader.reset();
    await clock.advance(0);
    flaky.muted = false;
    expect([leader.state, follower.state]).toEqual(['CLOSED', 'OPEN']);
    const admittedAfter = await traffic(clock, follower, 4 * REJOIN_MS);
    expect(admittedAfter).toBeGreaterThanOrEqual(0);
    expect(admittedAfter).toBeLessThanOrEqual(REJOIN_MS + TRAFFIC_GAP_MS);
    expect(follower.stats()).toMatchObject({ state: 'CLOSED', generation: leader.stats().generation });
  });

  it('follows the fleet\'s successful probe when half-open without the lease', async () => {
    const { clock, flaky, leader, follower } = await pair();
    await clock.advance(5_000);
    expect(leader.canExecute()).toBe(true); // the leader holds the probe lease
    await clock.advance(0);
    expect(follower.canExecute()).toBe(false);
    flaky.muted = true;
    leader.recordSuccess();
    await clock.advance(0);
    flaky.muted = false;
    expect([leader.state, follower.state]).toEqual(['CLOSED', 'HALF_OPEN']);
    const admittedAfter = await traffic(clock, follower, 4 * REJOIN_MS);
    expect(admittedAfter).toBeGreaterThanOrEqual(0);
    expect(admittedAfter).toBeLessThanOrEqual(REJOIN_MS + TRAFFIC_GAP_MS);
  });

  it('notices a store outage while open: mode local and storeUnavailable within rejoinIntervalMs + storeTimeoutMs', async () => {
    const { clock, flaky, follower } = await pair();
    const events: string[] = [];
    follower.on('storeUnavailable', () => events.push('down'));
    flaky.hanging = true;
    const noticedAfter = await traffic(clock, follower, 4 * REJOIN_MS, () => follower.stats().mode === 'local');
    expect(noticedAfter).toBeGreaterThanOrEqual(0);
    expect(noticedAfter).toBeLessThanOrEqual(REJOIN_MS + 100 + TRAFFIC_GAP_MS);
    expect(events).toEqual(['down']);
    expect(follower.stats().store.available).toBe(false);
  });

  it('takes the store\'s state when the store lost its data while it was open (an empty restart)', async () => {
    const { clock, flaky, follower } = await pair();
    flaky.inner = new MemoryStateStore({ clock }); // everything is gone: generation 0, closed
    const admittedAfter = await traffic(clock, follower, 4 * REJOIN_MS);
    expect(admittedAfter).toBeGreaterThanOrEqual(0);
    expect(admittedAfter).toBeLessThanOrEqual(REJOIN_MS + TRAFFIC_GAP_MS);
    expect(follower.stats()).toMatchObject({ state: 'CLOSED', generation: 0, mode: 'shared' });
  });

  it('sends nothing to the store while open without traffic (an idle breaker costs nothing)', async () => {
    const { clock, flaky, follower } = await pair();
    const before = flaky.reads;
    await clock.advance(4 * REJOIN_MS);
    expect(flaky.reads).toBe(before);
    expect(follower.state).toBe('OPEN');
  });
});
