import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, type CircuitBreakerConfig, type CircuitStateChange } from '../../src/index.js';
import type { CircuitRejection } from '../../src/circuit/circuit-events.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(config: CircuitBreakerConfig) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  const breaker = registry.get('svc', { failureThreshold: 1, ...config });
  const changes: CircuitStateChange[] = [];
  const rejections: CircuitRejection[] = [];
  breaker.on('stateChange', (change) => changes.push(change));
  breaker.on('reject', (rejection) => rejections.push(rejection));
  /** Opens the breaker and waits out the break, so it reads HALF_OPEN. */
  const toHalfOpen = async () => {
    breaker.recordFailure();
    await clock.advance(breaker.remainingOpenMs());
    expect(breaker.state).toBe('HALF_OPEN');
  };
  return { clock, registry, breaker, changes, rejections, toHalfOpen };
}

describe('half-open probes', () => {
  it('admits halfOpenMaxCalls probes at once and refuses the next with reason half-open-full', async () => {
    const { breaker, rejections, toHalfOpen } = setup({ halfOpenMaxCalls: 3, successThreshold: 2, breakDurationMs: 1_000 });
    await toHalfOpen();
    expect([breaker.canExecute(), breaker.canExecute(), breaker.canExecute()]).toEqual([true, true, true]);
    expect(breaker.stats().halfOpenInFlight).toBe(3);
    expect(breaker.canExecute()).toBe(false);
    expect(rejections).toEqual([{ circuit: 'svc', state: 'HALF_OPEN', reason: 'half-open-full' }]);
  });

  it('closes after successThreshold probe successes, not before', async () => {
    const { breaker, changes, clock, toHalfOpen } = setup({ halfOpenMaxCalls: 3, successThreshold: 2, breakDurationMs: 1_000 });
    await toHalfOpen();
    breaker.canExecute();
    breaker.canExecute();
    breaker.recordSuccess();
    expect(breaker.state).toBe('HALF_OPEN');
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
    expect(changes.at(-1)).toEqual({ circuit: 'svc', from: 'HALF_OPEN', to: 'CLOSED', reason: 'probe-succeeded', at: clock.now() });
  });

  it('frees a probe slot for each probe that settles', async () => {
    const { breaker, toHalfOpen } = setup({ halfOpenMaxCalls: 2, successThreshold: 2, breakDurationMs: 1_000 });
    await toHalfOpen();
    breaker.canExecute();
    breaker.canExecute();
    expect(breaker.canExecute()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
  });

  it('re-opens on any probe failure, even after some probe successes', async () => {
    const { breaker, changes, toHalfOpen } = setup({ halfOpenMaxCalls: 3, successThreshold: 3, breakDurationMs: 1_000 });
    await toHalfOpen();
    breaker.canExecute();
    breaker.canExecute();
    breaker.canExecute();
    breaker.recordSuccess();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
    expect(changes.at(-1)).toMatchObject({ from: 'HALF_OPEN', to: 'OPEN', reason: 'probe-failed' });
    expect(breaker.canExecute()).toBe(false);
  });

  it('needs successThreshold fresh successes in the next half-open period', async () => {
    const { breaker, clock, toHalfOpen } = setup({ halfOpenMaxCalls: 2, successThreshold: 2, breakDurationMs: 1_000 });
    await toHalfOpen();
    breaker.canExecute();
    breaker.canExecute();
    breaker.recordSuccess();
    breaker.recordFailure();
    await clock.advance(breaker.remainingOpenMs());
    breaker.canExecute();
    breaker.recordSuccess();
    expect(breaker.state).toBe('HALF_OPEN');
    breaker.canExecute();
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
  });
});

describe('a growing break (breakDurationMs as a function of the openings)', () => {
  const doubling = (openings: number) => 1_000 * 2 ** (openings - 1);

  it('breaks for 1 s, 2 s, 4 s while probes keep failing, and back to 1 s after a close', async () => {
    const { breaker, clock } = setup({ breakDurationMs: doubling });
    const breaks: number[] = [];
    breaker.recordFailure();
    for (let i = 0; i < 3; i++) {
      breaks.push(breaker.remainingOpenMs());
      expect(breaker.stats().openings).toBe(i + 1);
      await clock.advance(breaker.remainingOpenMs() - 1);
      expect(breaker.state).toBe('OPEN');
      await clock.advance(1);
      expect(breaker.canExecute()).toBe(true);
      if (i < 2) breaker.recordFailure();
    }
    expect(breaks).toEqual([1_000, 2_000, 4_000]);
    breaker.recordSuccess();
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', openings: 0, breakDurationMs: 1_000 });
    breaker.recordFailure();
    expect(breaker.remainingOpenMs()).toBe(1_000);
  });

  it('reports the break in force in stats().breakDurationMs', async () => {
    const { breaker, clock } = setup({ breakDurationMs: doubling });
    expect(breaker.stats().breakDurationMs).toBe(1_000);
    breaker.recordFailure();
    await clock.advance(1_000);
    breaker.canExecute();
    breaker.recordFailure();
    expect(breaker.stats()).toMatchObject({ openings: 2, breakDurationMs: 2_000 });
  });

  it('passes the number of openings in a row to the function', async () => {
    const seen: number[] = [];
    const { breaker, clock } = setup({ breakDurationMs: (n) => (seen.push(n), 500) });
    breaker.recordFailure();
    await clock.advance(500);
    breaker.canExecute();
    breaker.recordFailure();
    expect(seen).toContain(1);
    expect(seen).toContain(2);
    expect(Math.max(...seen)).toBe(2);
  });

  it('resets the openings on reset()', () => {
    const { breaker } = setup({ breakDurationMs: doubling });
    breaker.recordFailure();
    breaker.reset();
    breaker.recordFailure();
    expect(breaker.stats().openings).toBe(1);
    expect(breaker.remainingOpenMs()).toBe(1_000);
  });

  it('does not stay open forever when the function throws or returns nonsense', async () => {
    for (const breakDurationMs of [() => { throw new Error('bug'); }, () => Number.NaN, () => -5, () => Infinity]) {
      const { breaker, clock } = setup({ breakDurationMs });
      breaker.recordFailure();
      expect(breaker.state).toBe('OPEN');
      // The documented fallback: the default break, 60 s, exactly.
      expect(breaker.remainingOpenMs()).toBe(60_000);
      await clock.advance(59_999);
      expect(breaker.state).toBe('OPEN');
      await clock.advance(1);
      expect(breaker.state).toBe('HALF_OPEN');
    }
  });
});

describe('probes that never settle', () => {
  it('give their slot back after probeTimeoutMs, so the breaker is not wedged', async () => {
    const { breaker, clock, toHalfOpen } = setup({ breakDurationMs: 1_000, probeTimeoutMs: 5_000 });
    await toHalfOpen();
    expect(breaker.canExecute()).toBe(true); // this probe hangs forever
    await clock.advance(4_999);
    expect(breaker.canExecute()).toBe(false);
    await clock.advance(1);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
  });

  it('use the default probeTimeoutMs of 60 s', async () => {
    const { breaker, clock, toHalfOpen } = setup({ breakDurationMs: 1_000 });
    await toHalfOpen();
    breaker.canExecute();
    await clock.advance(59_999);
    expect(breaker.canExecute()).toBe(false);
    await clock.advance(1);
    expect(breaker.canExecute()).toBe(true);
  });

  // Contract: "a probe that never settles ... its slot expires after probeTimeoutMs": each
  // probe's own slot, measured from when that probe started (a regression guard: one shared
  // "last probe" time once let a later probe keep an earlier, hung probe's slot until 8 s).
  it('each slot expires probeTimeoutMs after its own probe started, even while a later probe is running', async () => {
    const { breaker, clock, toHalfOpen } = setup({ breakDurationMs: 1_000, halfOpenMaxCalls: 2, probeTimeoutMs: 5_000 });
    await toHalfOpen();
    expect(breaker.canExecute()).toBe(true); // probe A, hangs
    await clock.advance(3_000);
    expect(breaker.canExecute()).toBe(true); // probe B, still running
    expect(breaker.canExecute()).toBe(false);
    await clock.advance(2_000); // A started 5 s ago: its slot is free; B's is not
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
  });
});

// Outcomes carry no handle, so the breaker cannot tell which call one ends. A call that holds no
// slot of this half-open period (admitted while closed, or a probe whose slot expired) must not
// end up freeing the slot of the probe that is running now.
describe('outcomes of calls that hold no probe slot', () => {
  /** Opens the breaker by an admitted call that fails, and waits out the break. */
  const openAndWait = async ({ breaker, clock }: ReturnType<typeof setup>) => {
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure();
    await clock.advance(breaker.remainingOpenMs());
    expect(breaker.state).toBe('HALF_OPEN');
  };

  it('a probe that ends frees a slot at once: one hung probe never slows the probes after it', async () => {
    const ctx = setup({ breakDurationMs: 1_000, probeTimeoutMs: 5_000 });
    await openAndWait(ctx);
    const { breaker, clock } = ctx;
    expect(breaker.canExecute()).toBe(true); // probe 1 hangs
    await clock.advance(5_000); // its slot expires
    for (let probe = 2; probe <= 5; probe++) {
      expect(breaker.canExecute(), `probe ${probe}`).toBe(true);
      await clock.advance(10);
      breaker.releasePermission(); // it ends 10 ms later (a 404): its slot is free at once
      expect(breaker.stats().halfOpenInFlight).toBe(0);
    }
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
  });

  it('a probe that ends while a forced close admits calls frees its slot: after the release the next probe is admitted', async () => {
    const ctx = setup({ breakDurationMs: 1_000 });
    await openAndWait(ctx);
    const { breaker } = ctx;
    expect(breaker.canExecute()).toBe(true); // the probe
    const control = breaker.forceClose();
    expect(breaker.canExecute()).toBe(true); // a call the forced close admits, still running
    breaker.releasePermission(); // the probe ends
    control.release();
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.canExecute()).toBe(true);
  });

  it('lets any success while half-open count, and any failure re-open, whichever call it ends', async () => {
    for (const outcome of ['success', 'failure'] as const) {
      const ctx = setup({ breakDurationMs: 1_000 });
      const { breaker } = ctx;
      breaker.canExecute(); // a slow call, admitted while closed
      await openAndWait(ctx);
      breaker.canExecute(); // the probe
      if (outcome === 'success') breaker.recordSuccess();
      else breaker.recordFailure();
      expect(breaker.state).toBe(outcome === 'success' ? 'CLOSED' : 'OPEN');
    }
  });

});
