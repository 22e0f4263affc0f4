// What self-healing/opossum relies on in opossum beyond its documented API, pinned against the
// installed opossum. If one of these fails after an opossum upgrade, re-read CircuitBreaker#call
// in node_modules/opossum/lib/circuit.js and fix fireGate() in src/opossum/gate.ts before
// adding the new major to CHECKED_OPOSSUM_MAJORS.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpossumBreaker, fromOpossum, type OpossumCircuitBreaker } from '../../src/opossum/index.js';
import { CHECKED_OPOSSUM_MAJORS, SyncThenable } from '../../src/opossum/gate.js';

const require = createRequire(import.meta.url);
const breakers: CircuitBreaker[] = [];

function raw(options: CircuitBreaker.Options = {}) {
  const calls: string[] = [];
  const pending: Array<() => void> = [];
  const breaker = new CircuitBreaker(async (label: string) => {
    calls.push(label);
    await new Promise<void>((resolve) => pending.push(resolve));
  }, { timeout: false, ...options });
  breakers.push(breaker);
  const refusals: string[] = [];
  breaker.on('reject', () => refusals.push('reject'));
  breaker.on('semaphoreLocked', () => refusals.push('semaphoreLocked'));
  const fire = (label: string) => breaker.fire(label).catch(() => {});
  const settleAll = () => { for (const resolve of pending.splice(0)) resolve(); };
  return { breaker, calls, refusals, fire, settleAll };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const breaker of breakers.splice(0)) breaker.shutdown();
  vi.useRealTimers();
});

describe('the opossum behaviour fireGate() relies on', () => {
  it('the installed opossum is a major the adapter was checked against', () => {
    const { version } = JSON.parse(readFileSync(require.resolve('opossum/package.json'), 'utf8')) as { version: string };
    const major = Number(version.split('.')[0]);
    expect(CHECKED_OPOSSUM_MAJORS, `opossum ${version} is not among the checked majors: re-check fireGate()`).toContain(major);
  });

  it('fire() runs the action before it returns when the breaker is closed', () => {
    const { calls, fire } = raw();
    void fire('a');
    expect(calls).toEqual(['a']);
  });

  it('fire() emits reject before it returns when the breaker is open, without running the action', () => {
    const { breaker, calls, refusals, fire } = raw();
    breaker.open();
    void fire('a');
    expect(refusals).toEqual(['reject']);
    expect(calls).toEqual([]);
  });

  it('half-open: the first fire() runs the action at once, the next is rejected at once while it runs', async () => {
    const { breaker, calls, refusals, fire, settleAll } = raw({ resetTimeout: 100 });
    breaker.open();
    await vi.advanceTimersByTimeAsync(100);
    expect(breaker.halfOpen).toBe(true);
    expect(breaker.pendingClose).toBe(true);
    void fire('probe');
    expect(calls).toEqual(['probe']);
    expect(breaker.pendingClose).toBe(false);
    void fire('second');
    expect(calls).toEqual(['probe']);
    expect(refusals).toEqual(['reject']);
    settleAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(breaker.closed).toBe(true);
  });

  it('fire() emits semaphoreLocked before it returns at capacity', () => {
    const { calls, refusals, fire } = raw({ capacity: 1 });
    void fire('a');
    void fire('b');
    expect(calls).toEqual(['a']);
    expect(refusals).toEqual(['semaphoreLocked']);
  });

  it('a disabled breaker runs the action at once', () => {
    const { breaker, calls, fire } = raw();
    breaker.open();
    breaker.disable();
    void fire('a');
    expect(calls).toEqual(['a']);
  });

  it('opossum chains its outcome handlers on the action\'s thenable, so a synchronous thenable is counted at once', () => {
    const outcomes: SyncThenable[] = [];
    const breaker = new CircuitBreaker(() => {
      const outcome = new SyncThenable();
      outcomes.push(outcome);
      return outcome as unknown as Promise<unknown>;
    }, { timeout: false, volumeThreshold: 1, errorThresholdPercentage: 0 });
    breakers.push(breaker);
    const events: string[] = [];
    breaker.on('success', () => events.push('success'));
    breaker.on('failure', () => events.push('failure'));
    breaker.on('open', () => events.push('open'));
    void breaker.fire().catch(() => {});
    outcomes[0]!.settle({ ok: true, value: 'v' });
    expect(events).toEqual(['success']);
    void breaker.fire().catch(() => {});
    outcomes[1]!.settle({ ok: false, error: new Error('x') });
    expect(events).toEqual(['success', 'failure', 'open']);
    expect(breaker.opened).toBe(true);
  });

  it('opossum writes its resolved options into the object it was given (where the adapter reads resetTimeout)', () => {
    const options: CircuitBreaker.Options = {};
    breakers.push(new CircuitBreaker(async () => {}, options));
    expect(options).toMatchObject({ resetTimeout: 30_000, errorThresholdPercentage: 50, timeout: 10_000 });
  });

  it('opens when failures / fires is above (not at) errorThresholdPercentage, once fires reach volumeThreshold', async () => {
    const make = (volumeThreshold: number) => {
      const breaker = new CircuitBreaker(async (fail: boolean) => { if (fail) throw new Error('x'); }, {
        timeout: false, volumeThreshold, errorThresholdPercentage: 50,
      });
      breakers.push(breaker);
      return async (...outcomes: boolean[]) => { for (const fail of outcomes) await breaker.fire(fail).catch(() => {}); return breaker.opened; };
    };
    const belowVolume = make(4);
    expect(await belowVolume(false, true, true)).toBe(false); // 3 fires < 4
    expect(await belowVolume(false)).toBe(false); // a success never opens
    expect(await belowVolume(true)).toBe(true); // 5 fires, 3 failures: 60% > 50%
    const atThreshold = make(2);
    expect(await atThreshold(false, true)).toBe(false); // 50% is not above 50%
    expect(await atThreshold(true)).toBe(true); // 67%
  });
});

describe('fireGate() fails loudly when opossum stops deciding synchronously', () => {
  it('throws rather than refuse every call', () => {
    // A stand-in for a future opossum whose fire() decides later: it neither runs the action nor
    // emits a refusal before returning.
    class DeferringBreaker {
      name = 'deferring';
      enabled = true;
      closed = true;
      opened = false;
      halfOpen = false;
      pendingClose = false;
      isShutdown = false;
      volumeThreshold = 0;
      stats = { fires: 0, successes: 0, failures: 0, rejects: 0, timeouts: 0, fallbacks: 0, semaphoreRejections: 0, latencyMean: 0 };
      constructor(private readonly action: (ticket: unknown) => Promise<unknown>) {}
      fire(ticket: unknown): Promise<unknown> {
        return Promise.resolve().then(() => this.action(ticket));
      }
      close(): void {}
      on(): this { return this; }
    }
    const breaker: OpossumCircuitBreaker = createOpossumBreaker(DeferringBreaker, { name: 'deferring' });
    expect(() => fromOpossum(breaker).canExecute()).toThrow(/neither ran nor refused the call synchronously/);
  });
});

describe('SyncThenable', () => {
  it('runs reactions synchronously, in order, whether attached before or after it settles', () => {
    const seen: unknown[] = [];
    const thenable = new SyncThenable();
    thenable.then((value) => seen.push(['a', value]));
    thenable.settle({ ok: true, value: 1 });
    thenable.settle({ ok: false, error: 'ignored: already settled' });
    thenable.then((value) => seen.push(['b', value]));
    expect(seen).toEqual([['a', 1], ['b', 1]]);
  });

  it('follows the Promise rules opossum\'s chain relies on', () => {
    const seen: unknown[] = [];
    const boom = new Error('boom');
    const thenable = new SyncThenable();
    // A missing handler passes the outcome on; a throwing handler rejects the derived thenable.
    thenable.then((value) => seen.push(['then', value])).catch((error) => seen.push(['catch', error]));
    thenable.catch(() => seen.push('not called')).then((value) => { seen.push(['passed on', value]); throw boom; })
      .catch((error) => seen.push(['caught', error]));
    thenable.settle({ ok: true, value: 'v' });
    expect(seen).toEqual([['then', 'v'], ['passed on', 'v'], ['caught', boom]]);
  });

  it('surfaces a rejection that no reaction handles, as a Promise would', async () => {
    const reject = vi.spyOn(Promise, 'reject').mockImplementation(() => new Promise(() => {}));
    try {
      const error = new Error('nobody listens');
      new SyncThenable().settle({ ok: false, error });
      const handled = new SyncThenable();
      handled.catch(() => {});
      handled.settle({ ok: false, error: new Error('handled') });
      await Promise.resolve();
      expect(reject.mock.calls).toEqual([[error]]);
    } finally {
      reject.mockRestore();
    }
  });
});
