import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreakerRegistry, getCircuitBreaker, getDefaultRegistry, type CircuitBreaker } from '../../src/index.js';

/** A clock that moves only when told to, and counts the timers anyone asked it for. */
function manualClock(start = 1_700_000_000_000) {
  let time = start;
  let timers = 0;
  return {
    now: () => time,
    setTimeout: (_callback: () => void, _ms: number) => ++timers,
    clearTimeout: (_handle: unknown) => {},
    advance: (ms: number) => { time += ms; },
    get timerCount() { return timers; },
  };
}

let clock: ReturnType<typeof manualClock>;
let registry: CircuitBreakerRegistry;

beforeEach(() => {
  clock = manualClock();
  registry = new CircuitBreakerRegistry({ clock });
});

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) breaker.recordFailure(new Error(`failure ${i + 1}`));
}

/** Moves time on; nothing fires, since a breaker must not need a timer. */
function pass(ms: number): void {
  clock.advance(ms);
}

/** Opens the breaker, then lets breakDurationMs pass so that it reads HALF_OPEN. */
function halfOpen(breaker: CircuitBreaker): void {
  fail(breaker, breaker.config.failureThreshold);
  pass(breaker.stats().breakDurationMs);
  expect(breaker.state).toBe('HALF_OPEN');
}

describe('CircuitBreaker: closed', () => {
  it('starts closed and admits calls', () => {
    const breaker = registry.get('api');
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.canExecute()).toBe(true);
  });

  it('stays closed after 4 consecutive failures', () => {
    const breaker = registry.get('api');
    fail(breaker, 4);
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.canExecute()).toBe(true);
  });

  it('opens after 5 consecutive failures', () => {
    const breaker = registry.get('api');
    fail(breaker, 5);
    expect(breaker.state).toBe('OPEN');
  });

  it('does not open when a success comes between failures (the count restarts)', () => {
    const breaker = registry.get('api');
    fail(breaker, 4);
    breaker.recordSuccess();
    fail(breaker, 4);
    expect(breaker.state).toBe('CLOSED');
    fail(breaker, 1);
    expect(breaker.state).toBe('OPEN');
  });

  it('does not count releasePermission() as a failure or a success', () => {
    const breaker = registry.get('api');
    fail(breaker, 4);
    breaker.releasePermission();
    expect(breaker.state).toBe('CLOSED');
    fail(breaker, 1);
    expect(breaker.state).toBe('OPEN');
  });
});

describe('CircuitBreaker: open', () => {
  it('refuses calls while open and counts the refusals', () => {
    const breaker = registry.get('api');
    fail(breaker, 5);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.stats().rejections).toBe(2);
  });

  it('stays open until breakDurationMs (60 s) has passed', () => {
    const breaker = registry.get('api');
    fail(breaker, 5);
    pass(59_999);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.canExecute()).toBe(false);
  });

  it('reads HALF_OPEN once 60 s have passed, without any timer', () => {
    const breaker = registry.get('api');
    fail(breaker, 5);
    expect(clock.timerCount).toBe(0);
    pass(60_000);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(clock.timerCount).toBe(0);
  });

  it('says how long until it admits a probe', () => {
    const breaker = registry.get('api');
    expect(breaker.remainingOpenMs()).toBe(0);
    fail(breaker, 5);
    expect(breaker.remainingOpenMs()).toBe(60_000);
    pass(20_000);
    expect(breaker.remainingOpenMs()).toBe(40_000);
  });

  it('keeps, with each refusal, how long the break had left when it refused (0 for refusals that are not an open break)', () => {
    const breaker = registry.get('api', { halfOpenMaxCalls: 1 });
    fail(breaker, 5);
    pass(15_000);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.lastRefusalRetryAfterMs).toBe(45_000);
    pass(44_999);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.lastRefusalRetryAfterMs).toBe(1);
    pass(1); // the break is over: one probe, then a half-open refusal, which names no wait
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.lastRefusalRetryAfterMs).toBe(0);
    const isolation = breaker.isolate();
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.lastRefusalRetryAfterMs).toBe(0);
    isolation.release();
    // Once another breaker has refused, it says what remainingOpenMs() says now.
    const other = registry.get('other');
    fail(other, 5);
    fail(breaker, 1); // the half-open probe failed: open again, for 60 s
    expect(breaker.canExecute()).toBe(false);
    expect(other.canExecute()).toBe(false);
    pass(10_000);
    expect(breaker.lastRefusalRetryAfterMs).toBe(50_000);
    expect(other.lastRefusalRetryAfterMs).toBe(60_000); // what it read as it refused
  });

  it('does not push recovery back when late calls report failures while open', () => {
    const breaker = registry.get('api');
    fail(breaker, 5);
    pass(30_000);
    fail(breaker, 3); // calls admitted before it opened, finishing now
    pass(30_000);
    expect(breaker.state).toBe('HALF_OPEN');
  });
});

describe('CircuitBreaker: half-open', () => {
  it('admits one probe and refuses the rest until its result is recorded', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.state).toBe('HALF_OPEN');
  });

  it('closes when the probe succeeds', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(true);
  });

  it('needs a full failureThreshold of new failures to open again after closing', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    breaker.canExecute();
    breaker.recordSuccess();
    fail(breaker, 4);
    expect(breaker.state).toBe('CLOSED');
    fail(breaker, 1);
    expect(breaker.state).toBe('OPEN');
  });

  it('re-opens when the probe fails, for another full breakDurationMs', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure(new Error('still down'));
    expect(breaker.state).toBe('OPEN');
    expect(breaker.canExecute()).toBe(false);
    pass(59_999);
    expect(breaker.state).toBe('OPEN');
    pass(1);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.canExecute()).toBe(true);
  });

  it('frees the probe slot on releasePermission() without opening or closing', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
    breaker.releasePermission();
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.canExecute()).toBe(true); // the next probe gets the freed slot
    expect(breaker.canExecute()).toBe(false);
  });

  it('can never be wedged by probes that are released: a later probe still decides', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    for (let i = 0; i < 10; i++) {
      expect(breaker.canExecute()).toBe(true);
      breaker.releasePermission();
    }
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
  });

  it('does not hand out extra probe slots when releasePermission() is called more often than probes were admitted', () => {
    const breaker = registry.get('api');
    halfOpen(breaker);
    breaker.releasePermission();
    breaker.releasePermission();
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
  });
});

describe('CircuitBreaker: custom config', () => {
  it('opens after failureThreshold failures (2)', () => {
    const breaker = registry.get('api', { failureThreshold: 2 });
    fail(breaker, 1);
    expect(breaker.state).toBe('CLOSED');
    fail(breaker, 1);
    expect(breaker.state).toBe('OPEN');
  });

  it('half-opens after breakDurationMs (1 s)', () => {
    const breaker = registry.get('api', { breakDurationMs: 1_000 });
    fail(breaker, 5);
    pass(999);
    expect(breaker.state).toBe('OPEN');
    pass(1);
    expect(breaker.state).toBe('HALF_OPEN');
  });

  it('admits halfOpenMaxCalls (3) probes at once and refuses the fourth', () => {
    const breaker = registry.get('api', { halfOpenMaxCalls: 3 });
    halfOpen(breaker);
    expect([breaker.canExecute(), breaker.canExecute(), breaker.canExecute(), breaker.canExecute()]).toEqual([true, true, true, false]);
  });

  it('re-opens as soon as one of several probes fails', () => {
    const breaker = registry.get('api', { halfOpenMaxCalls: 3 });
    halfOpen(breaker);
    breaker.canExecute();
    breaker.canExecute();
    breaker.recordFailure();
    expect(breaker.state).toBe('OPEN');
    expect(breaker.canExecute()).toBe(false);
  });

  it('fills in the defaults for fields left out', () => {
    expect(registry.get('api', { failureThreshold: 2 }).config).toEqual({
      failureThreshold: 2, breakDurationMs: 60_000, halfOpenMaxCalls: 1, policy: { type: 'consecutive' },
      successThreshold: 1, probeTimeoutMs: 60_000, slowCallMs: undefined, shouldTrip: undefined, parent: undefined,
    });
  });
});

describe('CircuitBreaker: reset and stats', () => {
  it('reset() closes an open breaker and clears its failure count', () => {
    const breaker = registry.get('api');
    fail(breaker, 5);
    breaker.reset();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.canExecute()).toBe(true);
    fail(breaker, 4);
    expect(breaker.state).toBe('CLOSED');
  });

  it('reports its counters as plain JSON that survives JSON.stringify', () => {
    const breaker = registry.get('api', { failureThreshold: 2 });
    breaker.recordSuccess();
    fail(breaker, 2);
    breaker.canExecute();
    const stats = breaker.stats();
    expect(JSON.parse(JSON.stringify(stats))).toStrictEqual(stats);
    expect(stats).toStrictEqual({
      name: 'api',
      state: 'OPEN',
      consecutiveFailures: 2,
      successes: 1,
      failures: 2,
      slowCalls: 0,
      rejections: 1,
      openedAt: clock.now(),
      openings: 1,
      halfOpenInFlight: 0,
      forced: null,
      window: { calls: 0, failures: 0 },
      parent: null,
      failureThreshold: 2,
      breakDurationMs: 60_000,
      halfOpenMaxCalls: 1,
      successThreshold: 1,
      rampPercent: null,
    });
  });

  it('reports openedAt as null before it ever opened, and probes in flight when half-open', () => {
    const breaker = registry.get('api');
    expect(breaker.stats().openedAt).toBeNull();
    halfOpen(breaker);
    breaker.canExecute();
    expect(breaker.stats()).toMatchObject({ state: 'HALF_OPEN', halfOpenInFlight: 1 });
  });
});

describe('CircuitBreaker with fake timers (default registry)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('half-opens after 60 s of fake time with no timer scheduled', () => {
    const name = 'fake-timers-half-open';
    getDefaultRegistry().delete(name);
    const breaker = getCircuitBreaker(name);
    fail(breaker, 5);
    expect(breaker.state).toBe('OPEN');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(59_999);
    expect(breaker.state).toBe('OPEN');
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(vi.getTimerCount()).toBe(0);
  });
});
