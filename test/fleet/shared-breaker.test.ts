import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing } from '../../src/index.js';
import {
  MemoryStateStore, SharedCircuitBreaker, type SharedCircuitBreakerOptions, type StateStore, type StoreAvailabilityChange,
} from '../../src/fleet/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const FLUSH_MS = 200;
const BREAK_MS = 5_000;

let live: SharedCircuitBreaker[] = [];
afterEach(async () => {
  for (const breaker of live) await breaker.close();
  live = [];
});

/** A fleet of `size` breakers named alike on one store: the processes of a service, in one test. */
async function fleet(size: number, options: SharedCircuitBreakerOptions = {}, clock = new ManualClock(), store: StateStore = new MemoryStateStore({ clock })) {
  const members: SharedCircuitBreaker[] = [];
  for (let i = 0; i < size; i++) {
    members.push(new SharedCircuitBreaker('payments', {
      store, clock, instanceId: `pod-${i}`, failureThreshold: 8, windowMs: 60_000, breakDurationMs: BREAK_MS,
      flushIntervalMs: FLUSH_MS, probeTimeoutMs: 1_000, ...options,
    }));
  }
  live.push(...members);
  await Promise.all(members.map((member) => member.ready()));
  return { members, clock, store };
}

function fail(breaker: SharedCircuitBreaker, times = 1): void {
  for (let i = 0; i < times; i++) {
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure(new Error('503'));
  }
}

describe('SharedCircuitBreaker: fleet-wide decisions on one store', () => {
  it('opens every member after failureThreshold failures in total, though no member saw that many', async () => {
    const { members, clock } = await fleet(4);
    for (const member of members) fail(member, 2); // 8 in total, 2 each
    expect(members.map((m) => m.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED', 'CLOSED']); // not flushed yet
    await clock.advance(FLUSH_MS);
    expect(members.map((m) => m.state)).toEqual(['OPEN', 'OPEN', 'OPEN', 'OPEN']);
    expect(members.every((m) => !m.canExecute())).toBe(true);
    expect(members[0]!.stats()).toMatchObject({ generation: 1, openings: 1, mode: 'shared' });
  });

  it('stays closed one failure short of the threshold', async () => {
    const { members, clock } = await fleet(4);
    for (const member of members.slice(0, 3)) fail(member, 2);
    fail(members[3]!, 1);
    await clock.advance(FLUSH_MS);
    expect(members.map((m) => m.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED', 'CLOSED']);
    expect(members[3]!.stats().fleet).toEqual({ calls: 7, failures: 7, failingInstances: 4 });
  });

  it('admits exactly one probe across the fleet per recovery window, and its failure re-opens every member', async () => {
    const { members, clock } = await fleet(4);
    for (const member of members) fail(member, 2);
    await clock.advance(FLUSH_MS);
    for (let window = 0; window < 3; window++) {
      for (const member of members) expect(member.canExecute()).toBe(false); // traffic during the break
      await clock.advance(BREAK_MS);
      const admitted = members.map((member) => [member.canExecute(), member.canExecute(), member.canExecute()].filter(Boolean).length);
      expect(admitted.reduce((a, b) => a + b, 0)).toBe(1);
      const prober = members[admitted.indexOf(1)]!;
      prober.recordFailure(new Error('still down'));
      expect(members.map((m) => m.state)).toEqual(['OPEN', 'OPEN', 'OPEN', 'OPEN']);
    }
    expect(members.reduce((sum, m) => sum + m.stats().probes, 0)).toBe(3);
  });

  it('lets a new probe go once a hung probe\'s lease expires, even when the same process takes the lease again', async () => {
    const { members, clock } = await fleet(1); // probeTimeoutMs 1000: the lease's TTL
    const [member] = members;
    fail(member!, 8);
    await clock.advance(0);
    expect(member!.canExecute()).toBe(false); // traffic during the break
    await clock.advance(BREAK_MS);
    expect(member!.canExecute()).toBe(true); // the probe: it never settles
    expect(member!.canExecute()).toBe(false);
    for (let lease = 2; lease <= 3; lease++) {
      await clock.advance(1_000); // the lease expired: this process asks again and wins it
      expect(member!.canExecute()).toBe(false); // refused while it asks
      await clock.advance(0);
      expect([member!.canExecute(), member!.canExecute()]).toEqual([true, false]); // one probe per lease
      expect(member!.stats()).toMatchObject({ state: 'HALF_OPEN', probes: lease });
    }
    member!.recordSuccess(); // a probe's outcome still decides for the fleet
    await clock.advance(0);
    expect(member!.state).toBe('CLOSED');
  });

  it('closes every member when the probe succeeds, with a fresh window', async () => {
    const { members, clock } = await fleet(3);
    fail(members[0]!, 8);
    await clock.advance(FLUSH_MS);
    for (const member of members) expect(member.canExecute()).toBe(false);
    await clock.advance(BREAK_MS);
    const prober = members.find((member) => member.canExecute())!;
    prober.recordSuccess();
    await clock.advance(0);
    expect(members.map((m) => m.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    fail(members[1]!, 7); // the 8 failures before are forgotten
    await clock.advance(FLUSH_MS);
    expect(members[1]!.state).toBe('CLOSED');
  });

  it('starts open when it joins while the fleet is open (a restarted process)', async () => {
    const { members, clock, store } = await fleet(2);
    fail(members[0]!, 8); // reaching the threshold flushes at once, without waiting for the tick
    await clock.advance(0);
    expect(members[1]!.state).toBe('OPEN');
    await clock.advance(1_000);
    const restarted = new SharedCircuitBreaker('payments', { store, clock, instanceId: 'pod-new', breakDurationMs: BREAK_MS });
    live.push(restarted);
    await restarted.ready();
    expect(restarted.state).toBe('OPEN');
    expect(restarted.canExecute()).toBe(false);
    expect(restarted.remainingOpenMs()).toBe(BREAK_MS - 1_000);
  });

  it('with a quorum, ignores a single failing instance and opens once enough instances fail', async () => {
    const { members, clock } = await fleet(3, { quorum: 2, failureThreshold: 4 });
    fail(members[0]!, 20);
    await clock.advance(FLUSH_MS);
    expect(members.map((m) => m.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    expect(members[0]!.stats().fleet).toMatchObject({ failures: 20, failingInstances: 1 });
    fail(members[1]!, 1);
    await clock.advance(FLUSH_MS);
    expect(members.map((m) => m.state)).toEqual(['OPEN', 'OPEN', 'OPEN']);
  });

  it('with a failure rate, opens only when the fleet-wide rate is reached', async () => {
    const { members, clock } = await fleet(2, { failureThreshold: 1, failureRateThreshold: 50, minimumCalls: 10 });
    for (let i = 0; i < 6; i++) {
      expect(members[0]!.canExecute()).toBe(true);
      members[0]!.recordSuccess();
    }
    fail(members[1]!, 4); // 4 of 10
    await clock.advance(FLUSH_MS);
    expect(members[1]!.state).toBe('CLOSED');
    fail(members[1]!, 2); // 6 of 12
    await clock.advance(FLUSH_MS);
    expect(members.map((m) => m.state)).toEqual(['OPEN', 'OPEN']);
  });

  it('lets a pipeline use it through the registry', async () => {
    const { members, clock } = await fleet(1, { failureThreshold: 2 });
    const registry = new CircuitBreakerRegistry({ clock });
    registry.register(members[0]!);
    let calls = 0;
    const down = async () => {
      calls++;
      throw Object.assign(new Error('unavailable'), { status: 503 });
    };
    for (let i = 0; i < 2; i++) await executeWithHealing(down, {}, { circuitName: 'payments', registry, retry: { maxAttempts: 1 }, clock });
    await clock.advance(0);
    const refused = await executeWithHealing(down, {}, { circuitName: 'payments', registry, retry: { maxAttempts: 1 }, clock });
    expect(calls).toBe(2);
    expect(refused.status).toBe('error');
    expect(refused.circuitBreakerTriggered).toBe(true);
  });

  it('reset() closes the breaker for the whole fleet, and every member emits the change', async () => {
    const { members, clock } = await fleet(3);
    const seen: string[] = [];
    members.forEach((member, i) => member.on('stateChange', ({ from, to, reason }) => seen.push(`pod-${i}: ${from}->${to} (${reason})`)));
    fail(members[0]!, 8);
    await clock.advance(0);
    members[2]!.reset();
    await clock.advance(0);
    expect(members.map((m) => m.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    expect(seen.sort()).toEqual([
      'pod-0: CLOSED->OPEN (failure-threshold)', 'pod-0: OPEN->CLOSED (reset)',
      'pod-1: CLOSED->OPEN (failure-threshold)', 'pod-1: OPEN->CLOSED (reset)',
      'pod-2: CLOSED->OPEN (failure-threshold)', 'pod-2: OPEN->CLOSED (reset)',
    ]);
  });

  it('close() sends what is still pending, so the fleet counts it', async () => {
    const { members, clock } = await fleet(2);
    fail(members[0]!, 5);
    await members[0]!.close();
    fail(members[1]!, 3); // 5 + 3 = 8
    await clock.advance(FLUSH_MS);
    expect(members[1]!.state).toBe('OPEN');
  });

  it('takes the store\'s state when the store lost its data (a restart without persistence)', async () => {
    const clock = new ManualClock();
    let inner = new MemoryStateStore({ clock });
    const store: StateStore = {
      kind: 'swappable',
      addToWindow: (...args) => inner.addToWindow(...args),
      readState: (...args) => inner.readState(...args),
      compareAndSet: (...args) => inner.compareAndSet(...args),
      acquireLease: (...args) => inner.acquireLease(...args),
      subscribe: (listener) => inner.subscribe(listener),
      close: () => inner.close(),
    };
    const { members } = await fleet(1, {}, clock, store);
    const [member] = members;
    fail(member!, 8);
    await clock.advance(0);
    expect(member!.stats()).toMatchObject({ state: 'OPEN', generation: 1 });
    inner = new MemoryStateStore({ clock }); // everything is gone: generation 0, closed
    member!.reset(); // asks for generation 1 -> 2; refused with generation 0, which it takes
    await clock.advance(0);
    expect(member!.stats()).toMatchObject({ state: 'CLOSED', generation: 0 });
    fail(member!, 8);
    await clock.advance(0);
    expect(member!.stats()).toMatchObject({ state: 'OPEN', generation: 1 });
  });

  it('leaves no timer behind after close()', async () => {
    const { members, clock } = await fleet(2);
    fail(members[0]!, 3);
    fail(members[1]!, 8);
    await clock.advance(FLUSH_MS);
    for (const member of members) await member.close();
    expect(clock.timerCount).toBe(0);
  });
});

/** A store whose operations can be made to hang or fail, as Redis does when it is down. */
class FlakyStore implements StateStore {
  readonly kind = 'flaky';
  mode: 'up' | 'hang' | 'throw' = 'up';
  constructor(private readonly inner: StateStore) {}
  private gate<T>(operation: () => Promise<T>): Promise<T> {
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'throw') throw new Error('connect ECONNREFUSED 127.0.0.1:6379 password=hunter2');
    return operation();
  }
  addToWindow: StateStore['addToWindow'] = (...args) => this.gate(() => this.inner.addToWindow(...args));
  readState: StateStore['readState'] = (...args) => this.gate(() => this.inner.readState(...args));
  compareAndSet: StateStore['compareAndSet'] = (...args) => this.gate(() => this.inner.compareAndSet(...args));
  acquireLease: StateStore['acquireLease'] = (...args) => this.gate(() => this.inner.acquireLease(...args));
  subscribe: StateStore['subscribe'] = (listener) => this.gate(() => this.inner.subscribe(listener));
  close: StateStore['close'] = () => this.inner.close();
}

describe('SharedCircuitBreaker: store outage', () => {
  async function outageFleet(mode: 'hang' | 'throw') {
    const clock = new ManualClock();
    const store = new FlakyStore(new MemoryStateStore({ clock }));
    const made = await fleet(2, { storeTimeoutMs: 50, rejoinIntervalMs: 500, localFailureThreshold: 3 }, clock, store);
    const events: Array<[string, StoreAvailabilityChange]> = [];
    made.members[0]!.on('storeUnavailable', (event) => events.push(['down', event]));
    made.members[0]!.on('storeRecovered', (event) => events.push(['up', event]));
    store.mode = mode;
    return { ...made, store, events };
  }

  for (const mode of ['hang', 'throw'] as const) {
    it(`falls back to local state when store operations ${mode}, says so, and never makes a call wait`, async () => {
      const { members, clock, events } = await outageFleet(mode);
      const [first] = members;
      fail(first!, 1);
      await clock.advance(FLUSH_MS + 50);
      expect(first!.stats()).toMatchObject({ mode: 'local', store: { available: false, outages: 1 } });
      expect(events.map(([kind]) => kind)).toEqual(['down']);
      expect(events[0]![1].error).not.toContain('hunter2');
      // Local decisions: localFailureThreshold (3) consecutive failures open this process only.
      fail(first!, 2);
      expect(first!.state).toBe('OPEN');
      expect(first!.canExecute()).toBe(false);
      expect(members[1]!.state).toBe('CLOSED');
    });
  }

  it('rejoins when the store answers again: the fleet state wins and pending outcomes are flushed', async () => {
    const { members, clock, store, events } = await outageFleet('throw');
    fail(members[0]!, 2);
    await clock.advance(FLUSH_MS);
    expect(members[0]!.stats().mode).toBe('local');
    store.mode = 'up';
    await clock.advance(500);
    expect(events.map(([kind]) => kind)).toEqual(['down', 'up']);
    expect(events[1]![1].downMs).toBe(events[1]![1].at - events[0]![1].at);
    expect(events[1]![1].downMs).toBe(500); // down at the flush before `store.mode = 'up'`, up at the flush 500 ms later
    expect(members[0]!.stats()).toMatchObject({ mode: 'shared', store: { available: true } });
    await clock.advance(FLUSH_MS);
    fail(members[1]!, 6); // 2 flushed after the outage + 6 = 8
    await clock.advance(FLUSH_MS);
    expect(members.map((m) => m.state)).toEqual(['OPEN', 'OPEN']);
  });
});

describe('SharedCircuitBreaker: options', () => {
  it('rejects bad options with the option path', () => {
    expect(configError(() => new SharedCircuitBreaker('', {})).option).toBe('sharedCircuitBreaker.name');
    expect(configError(() => new SharedCircuitBreaker('x', { quorum: 0 })).option).toBe('sharedCircuitBreaker.quorum');
    expect(configError(() => new SharedCircuitBreaker('x', { store: {} as StateStore })).option).toBe('sharedCircuitBreaker.store');
    expect(configError(() => new SharedCircuitBreaker('x', { flushIntervalMs: -1 })).option).toBe('sharedCircuitBreaker.flushIntervalMs');
    const typo = configError(() => new SharedCircuitBreaker('x', { windowMS: 1 } as SharedCircuitBreakerOptions));
    expect(typo.option).toBe('sharedCircuitBreaker.windowMS');
    expect(typo.message).toContain('unknown option');
  });
});

describe('SharedCircuitBreaker.close()', () => {
  it('waits for a flush in flight and then sends what came in meanwhile: no outcome is lost', async () => {
    const clock = new ManualClock();
    const inner = new MemoryStateStore({ clock });
    const sent: number[] = [];
    let release: (() => void) | undefined;
    // A store whose first write is slow (answers only when the test says so).
    const store = Object.create(inner) as StateStore;
    store.addToWindow = async (key, increments, window, member) => {
      sent.push(increments.calls ?? 0);
      if (sent.length === 1) await new Promise<void>((resolve) => { release = resolve; });
      return inner.addToWindow(key, increments, window, member);
    };
    const [breaker] = (await fleet(1, { storeTimeoutMs: 60_000 }, clock, store)).members;
    for (let i = 0; i < 3; i++) { breaker!.canExecute(); breaker!.recordSuccess(); }
    await clock.advance(FLUSH_MS); // the first flush starts, and hangs
    for (let i = 0; i < 2; i++) { breaker!.canExecute(); breaker!.recordSuccess(); }
    const closing = breaker!.close();
    release!();
    await closing;
    expect(sent).toEqual([3, 2]);
  });
});

describe('SharedCircuitBreaker.close() after a slow subscription', () => {
  it('unsubscribes once a subscription that timed out completes after all', async () => {
    const clock = new ManualClock();
    const inner = new MemoryStateStore({ clock });
    let finish: (() => void) | undefined;
    let unsubscribed = false;
    const store = Object.create(inner) as StateStore;
    store.subscribe = (listener) => new Promise((resolve) => {
      finish = () => void inner.subscribe(listener).then((off) => resolve(() => { unsubscribed = true; off(); }));
    });
    const breaker = new SharedCircuitBreaker('slow-sub', { store, clock, storeTimeoutMs: 100 });
    const ready = breaker.ready();
    await clock.advance(100); // the subscription passes its timeout: the breaker runs on local state
    await ready;
    expect(breaker.stats()).toMatchObject({ mode: 'local' });
    await breaker.close();
    finish!();
    await vi.waitFor(() => expect(unsubscribed).toBe(true));
  });
});
