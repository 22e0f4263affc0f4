import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, type CircuitBreakerConfig, type CircuitStateChange } from '../../src/index.js';
import type { CircuitRejection } from '../../src/circuit/circuit-events.js';
import type { RegistryMembershipEvent } from '../../src/circuit/registry.js';
import { failing, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(config: CircuitBreakerConfig = { failureThreshold: 1, breakDurationMs: 10_000 }) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  const breaker = registry.get('svc', config);
  const changes: CircuitStateChange[] = [];
  breaker.on('stateChange', (change) => changes.push(change));
  const path = () => changes.map((c) => `${c.from}>${c.to}:${c.reason}`);
  return { clock, registry, breaker, changes, path };
}

describe('isolate()', () => {
  it('forces the breaker OPEN: every call is refused with reason isolated, whatever the outcomes', () => {
    const { breaker, changes, clock } = setup();
    const rejections: CircuitRejection[] = [];
    breaker.on('reject', (r) => rejections.push(r));
    breaker.isolate();
    expect(breaker.state).toBe('OPEN');
    expect(breaker.canExecute()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('OPEN');
    expect(breaker.stats()).toMatchObject({ forced: 'OPEN', state: 'OPEN' });
    expect(rejections).toEqual([{ circuit: 'svc', state: 'OPEN', reason: 'isolated' }]);
    expect(changes).toEqual([{ circuit: 'svc', from: 'CLOSED', to: 'OPEN', reason: 'isolated', at: clock.now() }]);
  });

  it('stays open however long it is held (no break runs out)', async () => {
    const { breaker, clock } = setup();
    breaker.isolate();
    await clock.advance(24 * 3_600_000);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.canExecute()).toBe(false);
  });

  it('returns to the underlying CLOSED state on release, with reason control-released', () => {
    const { breaker, path } = setup();
    const hold = breaker.isolate();
    hold.release();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().forced).toBeNull();
    expect(breaker.canExecute()).toBe(true);
    expect(path()).toEqual(['CLOSED>OPEN:isolated', 'OPEN>CLOSED:control-released']);
  });

  it('returns on release to an underlying state that moved on while it was held', async () => {
    const { breaker, clock } = setup();
    breaker.recordFailure(); // OPEN for 10 s
    const hold = breaker.isolate();
    await clock.advance(10_000);
    expect(breaker.state).toBe('OPEN');
    hold.release();
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.canExecute()).toBe(true);
  });
});

describe('forceClose()', () => {
  it('forces the breaker CLOSED: an open breaker admits calls and nothing trips it', () => {
    const { breaker, path } = setup();
    breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
    breaker.forceClose();
    expect(breaker.state).toBe('CLOSED');
    for (let i = 0; i < 20; i++) {
      expect(breaker.canExecute()).toBe(true);
      breaker.recordFailure();
    }
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', forced: 'CLOSED', failures: 21 });
    expect(path()).toEqual(['CLOSED>OPEN:failure-threshold', 'OPEN>CLOSED:forced-closed']);
  });

  it('returns on release to the underlying open state, with the break still running', async () => {
    const { breaker, clock, path } = setup();
    breaker.recordFailure();
    const pin = breaker.forceClose();
    await clock.advance(4_000);
    pin.release();
    expect(breaker.state).toBe('OPEN');
    expect(breaker.remainingOpenMs()).toBe(6_000);
    expect(path().at(-1)).toBe('CLOSED>OPEN:control-released');
  });

  it('does not trip a closed breaker while held, and leaves it closed on release', () => {
    const { breaker } = setup();
    const pin = breaker.forceClose();
    breaker.recordFailure();
    breaker.recordFailure();
    pin.release();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.canExecute()).toBe(true);
  });
});

describe('a probe that ends while the breaker is forced', () => {
  // The slot belongs to the probe, not to the state read at its end: a forced state hides the
  // half-open period, it does not end it.
  it.each(['isolate', 'forceClose'] as const)('gives its slot back under %s(): after release the next probe is admitted', async (control) => {
    const { breaker, clock } = setup({ failureThreshold: 1, breakDurationMs: 1_000 });
    breaker.recordFailure();
    await clock.advance(1_000);
    expect(breaker.canExecute()).toBe(true); // the probe
    const hold = breaker[control]();
    breaker.recordSuccess(); // it ends while forced: no verdict, but its slot is free
    hold.release();
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.stats().halfOpenInFlight).toBe(0);
    expect(breaker.canExecute()).toBe(true);
  });
});

describe('controls replacing each other', () => {
  it('lets a later control replace an earlier one; the earlier release() is then a no-op', () => {
    const { breaker, path } = setup();
    const first = breaker.isolate();
    const second = breaker.forceClose();
    expect(breaker.state).toBe('CLOSED');
    first.release();
    expect(breaker.stats().forced).toBe('CLOSED');
    expect(breaker.state).toBe('CLOSED');
    breaker.recordFailure();
    expect(breaker.state).toBe('CLOSED');
    second.release();
    expect(breaker.stats().forced).toBeNull();
    expect(path()).toEqual(['CLOSED>OPEN:isolated', 'OPEN>CLOSED:forced-closed']);
  });

  it('makes a second release() of the same control a no-op', () => {
    const { breaker } = setup();
    const hold = breaker.isolate();
    hold.release();
    const later = breaker.isolate();
    hold.release();
    expect(breaker.stats().forced).toBe('OPEN');
    later.release();
    expect(breaker.stats().forced).toBeNull();
  });

  it('ends a control on reset(); its release() afterwards changes nothing', () => {
    const { breaker } = setup();
    breaker.recordFailure();
    const hold = breaker.isolate();
    breaker.reset();
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', forced: null });
    const seen: CircuitStateChange[] = [];
    breaker.on('stateChange', (c) => seen.push(c));
    hold.release();
    expect(breaker.state).toBe('CLOSED');
    expect(seen).toEqual([]);
  });

  // reset() closes the breaker "and clears any forced state": the visible state goes from OPEN
  // (isolated) to CLOSED, so listeners must hear about it (a regression guard: reset() once compared
  // against the underlying state, CLOSED here, and emitted nothing).
  it('emits close with reason reset when reset() ends an isolation', () => {
    const { breaker, clock, changes } = setup();
    breaker.isolate();
    breaker.reset();
    expect(changes.at(-1)).toEqual({ circuit: 'svc', from: 'OPEN', to: 'CLOSED', reason: 'reset', at: clock.now() });
  });
});

describe('breaker events', () => {
  it('reports each transition with circuit, from, to, reason and at', async () => {
    const { breaker, clock } = setup({ failureThreshold: 1, breakDurationMs: 10_000 });
    const opened: CircuitStateChange[] = [];
    const halfOpened: CircuitStateChange[] = [];
    const closed: CircuitStateChange[] = [];
    breaker.on('open', (c) => opened.push(c));
    breaker.on('halfOpen', (c) => halfOpened.push(c));
    breaker.on('close', (c) => closed.push(c));
    const t0 = clock.now();
    breaker.recordFailure();
    await clock.advance(10_000);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure();
    await clock.advance(10_000);
    breaker.canExecute();
    breaker.recordSuccess();
    expect(opened).toEqual([
      { circuit: 'svc', from: 'CLOSED', to: 'OPEN', reason: 'failure-threshold', at: t0 },
      { circuit: 'svc', from: 'HALF_OPEN', to: 'OPEN', reason: 'probe-failed', at: t0 + 10_000 },
    ]);
    expect(halfOpened).toEqual([
      { circuit: 'svc', from: 'OPEN', to: 'HALF_OPEN', reason: 'recovery-timeout', at: t0 + 10_000 },
      { circuit: 'svc', from: 'OPEN', to: 'HALF_OPEN', reason: 'recovery-timeout', at: t0 + 20_000 },
    ]);
    expect(closed).toEqual([{ circuit: 'svc', from: 'HALF_OPEN', to: 'CLOSED', reason: 'probe-succeeded', at: t0 + 20_000 }]);
  });

  it('dates halfOpen to when the break ended, even when the state is read later', async () => {
    const { breaker, clock, changes } = setup();
    breaker.recordFailure();
    const end = clock.now() + 10_000;
    await clock.advance(25_000);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(changes.at(-1)).toMatchObject({ to: 'HALF_OPEN', at: end });
  });

  it('reports failure-rate openings', () => {
    const { breaker, path } = setup({ policy: { type: 'count', windowSize: 2, failureRateThreshold: 100 } });
    breaker.recordFailure();
    breaker.recordFailure();
    expect(path()).toEqual(['CLOSED>OPEN:failure-rate']);
  });

  it('reports reject payloads with the reason: open, half-open-full, isolated', async () => {
    const { breaker, clock } = setup();
    const rejections: CircuitRejection[] = [];
    breaker.on('reject', (r) => rejections.push(r));
    breaker.recordFailure();
    breaker.canExecute();
    await clock.advance(10_000);
    breaker.canExecute();
    breaker.canExecute();
    breaker.isolate();
    breaker.canExecute();
    expect(rejections).toEqual([
      { circuit: 'svc', state: 'OPEN', reason: 'open' },
      { circuit: 'svc', state: 'HALF_OPEN', reason: 'half-open-full' },
      { circuit: 'svc', state: 'OPEN', reason: 'isolated' },
    ]);
    expect(breaker.stats().rejections).toBe(3);
  });

  it('reports reset with reason reset', () => {
    const { breaker, path } = setup();
    breaker.recordFailure();
    breaker.reset();
    expect(path()).toEqual(['CLOSED>OPEN:failure-threshold', 'OPEN>CLOSED:reset']);
  });

  // Every stateChange should start where the previous one ended: releasing a forced-closed
  // breaker whose break ran out meanwhile is one CLOSED -> HALF_OPEN 'control-released', not a
  // lazy OPEN -> HALF_OPEN 'recovery-timeout' from a state listeners never saw.
  it('emits a chain of stateChanges (each from = the previous to) when released after the break ran out', async () => {
    const { breaker, clock, changes } = setup();
    breaker.recordFailure();
    const pin = breaker.forceClose();
    await clock.advance(10_000);
    pin.release();
    expect(breaker.state).toBe('HALF_OPEN');
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.from).toBe(changes[i - 1]!.to);
    expect(changes.at(-1)).toMatchObject({ from: 'CLOSED', to: 'HALF_OPEN', reason: 'control-released' });
  });

  it('stops calling a listener once unsubscribed', () => {
    const { breaker } = setup({ failureThreshold: 1, breakDurationMs: 10_000 });
    const seen: string[] = [];
    const off = breaker.on('open', (c) => seen.push(c.reason));
    breaker.recordFailure();
    off();
    breaker.reset();
    breaker.recordFailure();
    expect(seen).toEqual(['failure-threshold']);
    off(); // twice is harmless
  });
});

describe('listeners that throw', () => {
  it('never break a call, and do not stop the other listeners', async () => {
    const { breaker, registry } = setup({ failureThreshold: 2, breakDurationMs: 10_000 });
    const boom = () => { throw new Error('listener bug'); };
    for (const event of ['open', 'halfOpen', 'close', 'reject', 'stateChange'] as const) {
      breaker.on(event, boom);
      registry.on(event, boom);
    }
    registry.on('added', boom);
    registry.on('removed', boom);
    const heard: string[] = [];
    breaker.on('open', (c) => heard.push(c.reason));
    registry.on('open', (c) => heard.push(`registry:${c.reason}`));

    const result = await executeWithHealing(failing([networkError(), networkError()], 'ok'), {}, {
      circuitName: 'svc', registry, retry: { maxAttempts: 3, minDelayMs: 0 },
    });
    expect(result.status).toBe('error');
    expect(breaker.state).toBe('OPEN');
    expect(heard).toEqual(['failure-threshold', 'registry:failure-threshold']);
    expect(() => breaker.canExecute()).not.toThrow();
    expect(() => registry.get('another')).not.toThrow();
    expect(() => registry.delete('another')).not.toThrow();
    expect(() => breaker.isolate().release()).not.toThrow();
  });
});

describe('registry events', () => {
  it('receives every breaker’s events', () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const seen: string[] = [];
    registry.on('stateChange', (c) => seen.push(`${c.circuit}:${c.from}>${c.to}:${c.reason}`));
    registry.on('reject', (r) => seen.push(`${r.circuit}:reject:${r.reason}`));
    const a = registry.get('a', { failureThreshold: 1 });
    const b = registry.get('b', { failureThreshold: 1 });
    a.recordFailure();
    b.isolate();
    a.canExecute();
    b.canExecute();
    expect(seen).toEqual([
      'a:CLOSED>OPEN:failure-threshold',
      'b:CLOSED>OPEN:isolated',
      'a:reject:open',
      'b:reject:isolated',
    ]);
  });

  it('receives only the event it subscribed to', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const closes: CircuitStateChange[] = [];
    registry.on('close', (c) => closes.push(c));
    const a = registry.get('a', { failureThreshold: 1 });
    a.recordFailure();
    expect(closes).toEqual([]);
    a.reset();
    expect(closes.map((c) => c.reason)).toEqual(['reset']);
  });

  it('reports breakers added and removed, with the reason', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock, idleTimeoutMs: 1_000 });
    const added: RegistryMembershipEvent[] = [];
    const removed: RegistryMembershipEvent[] = [];
    registry.on('added', (e) => added.push(e));
    registry.on('removed', (e) => removed.push(e));
    registry.get('created');
    registry.get('child', { parent: 'parent' });
    const external = registry.get('template');
    registry.delete('template');
    registry.register({ ...stubBreaker('external'), stats: () => external.stats() });
    registry.delete('created');
    registry.get('idle');
    await clock.advance(999);
    registry.get('child'); // looked up recently: not idle (and its parent has a child)
    await clock.advance(1);
    expect(registry.evictIdle()).toBe(1);
    expect(added).toEqual([
      { name: 'created', reason: 'created' },
      { name: 'parent', reason: 'created' },
      { name: 'child', reason: 'created' },
      { name: 'template', reason: 'created' },
      { name: 'external', reason: 'registered' },
      { name: 'idle', reason: 'created' },
    ]);
    expect(removed).toEqual([
      { name: 'template', reason: 'deleted' },
      { name: 'created', reason: 'deleted' },
      { name: 'idle', reason: 'idle' },
    ]);
  });

  it('stops calling a registry listener once unsubscribed', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const seen: string[] = [];
    const offAdded = registry.on('added', (e) => seen.push(e.name));
    const offOpen = registry.on('open', (c) => seen.push(`open:${c.circuit}`));
    const a = registry.get('a', { failureThreshold: 1 });
    a.recordFailure();
    offAdded();
    offOpen();
    registry.get('b', { failureThreshold: 1 }).recordFailure();
    expect(seen).toEqual(['a', 'open:a']);
  });
});

function stubBreaker(name: string) {
  return {
    name,
    state: 'CLOSED' as const,
    canExecute: () => true,
    recordSuccess: () => {},
    recordFailure: () => {},
    releasePermission: () => {},
    reset: () => {},
    remainingOpenMs: () => 0,
  };
}
