import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, type CircuitBreaker, type CircuitBreakerConfig, type CircuitStateChange } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(config: CircuitBreakerConfig) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  const breaker = registry.get('svc', config);
  const opened: CircuitStateChange[] = [];
  breaker.on('open', (change) => opened.push(change));
  return { clock, registry, breaker, opened };
}

/** Plays a pattern of outcomes: F = failure, S = success. */
function play(breaker: CircuitBreaker, pattern: string): void {
  for (const outcome of pattern) {
    if (outcome === 'F') breaker.recordFailure(new Error('down'));
    else if (outcome === 'S') breaker.recordSuccess();
  }
}

describe('consecutive policy (the default)', () => {
  it('opens on the 5th counted failure in a row, with reason failure-threshold', () => {
    const { breaker, opened, clock } = setup({});
    play(breaker, 'FFFF');
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'F');
    expect(breaker.state).toBe('OPEN');
    expect(opened).toEqual([{ circuit: 'svc', from: 'CLOSED', to: 'OPEN', reason: 'failure-threshold', at: clock.now() }]);
  });

  it('starts counting again after a success', () => {
    const { breaker } = setup({ failureThreshold: 3 });
    play(breaker, 'FFSFF');
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().consecutiveFailures).toBe(2);
    play(breaker, 'F');
    expect(breaker.state).toBe('OPEN');
  });

  it('keeps the rate window empty', () => {
    const { breaker } = setup({ failureThreshold: 10 });
    play(breaker, 'FSF');
    expect(breaker.stats().window).toEqual({ calls: 0, failures: 0 });
  });
});

describe('count-window policy', () => {
  it('does not open before minimumCalls outcomes are in the window, however many failed', () => {
    const { breaker } = setup({ policy: { type: 'count', windowSize: 10, minimumCalls: 5, failureRateThreshold: 50 } });
    play(breaker, 'FFFF');
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().window).toEqual({ calls: 4, failures: 4 });
    play(breaker, 'F');
    expect(breaker.state).toBe('OPEN');
  });

  it('opens with reason failure-rate when the failure rate reaches the threshold (equal counts)', () => {
    const { breaker, opened } = setup({ policy: { type: 'count', windowSize: 10, failureRateThreshold: 50 } });
    play(breaker, 'SSSSSSFFFF'); // 40 %
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().window).toEqual({ calls: 10, failures: 4 });
    play(breaker, 'F'); // the oldest success leaves: 5 of 10 = 50 %
    expect(breaker.state).toBe('OPEN');
    expect(opened.map((c) => c.reason)).toEqual(['failure-rate']);
  });

  it('forgets outcomes older than the last windowSize calls', () => {
    const { breaker } = setup({ policy: { type: 'count', windowSize: 4, failureRateThreshold: 75 } });
    play(breaker, 'FFSSSS'); // at 4 calls 2 of 4 = 50 %; then the two failures slide out
    expect(breaker.stats().window).toEqual({ calls: 4, failures: 0 });
    play(breaker, 'FF'); // 2 of 4 = 50 % (over all 8 calls it would be 50 % too)
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'F'); // 3 of 4 = 75 %
    expect(breaker.state).toBe('OPEN');
  });

  it('decides on every outcome: a success that completes minimumCalls at the threshold opens it', () => {
    const { breaker, opened } = setup({ policy: { type: 'count', windowSize: 10, minimumCalls: 4, failureRateThreshold: 50 } });
    play(breaker, 'FFS'); // 3 calls: below minimumCalls
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'S'); // the 4th call, a success: 2 of 4 = 50 %
    expect(breaker.state).toBe('OPEN');
    expect(opened.map((c) => c.reason)).toEqual(['failure-rate']);
  });

  it('a success keeps it closed when the rate is below the threshold at minimumCalls', () => {
    const { breaker } = setup({ policy: { type: 'count', windowSize: 10, minimumCalls: 4, failureRateThreshold: 50 } });
    play(breaker, 'FSSS'); // 1 of 4 = 25 %
    expect(breaker.state).toBe('CLOSED');
  });

  it('defaults minimumCalls to windowSize', () => {
    const { breaker } = setup({ policy: { type: 'count', windowSize: 4, failureRateThreshold: 50 } });
    play(breaker, 'FFF');
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'F');
    expect(breaker.state).toBe('OPEN');
  });

  it('does not open on failures in a row below the rate (failureThreshold plays no part)', () => {
    const { breaker } = setup({ failureThreshold: 2, policy: { type: 'count', windowSize: 20, minimumCalls: 10, failureRateThreshold: 60 } });
    play(breaker, 'SSSSSSSSFFFF'); // 4 failures in a row, 4 of 12 = 33 %
    expect(breaker.state).toBe('CLOSED');
  });

  it('starts from an empty window after closing again', async () => {
    const { breaker, clock } = setup({ breakDurationMs: 1_000, policy: { type: 'count', windowSize: 4, failureRateThreshold: 50 } });
    play(breaker, 'FFFF');
    expect(breaker.state).toBe('OPEN');
    await clock.advance(1_000);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().window).toEqual({ calls: 0, failures: 0 });
    play(breaker, 'FFF'); // three outcomes: below minimumCalls (4) again
    expect(breaker.state).toBe('CLOSED');
  });
});

describe('time-window policy', () => {
  const policy = { type: 'time', windowMs: 10_000, buckets: 10, minimumCalls: 4, failureRateThreshold: 50 } as const;

  it('opens with reason failure-rate once minimumCalls calls in the window reach the rate', () => {
    const { breaker, opened } = setup({ policy });
    play(breaker, 'SSSSSFFFF'); // 4 of 9
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'F'); // 5 of 10
    expect(breaker.state).toBe('OPEN');
    expect(opened.map((c) => c.reason)).toEqual(['failure-rate']);
  });

  it('decides on every outcome: a success that completes minimumCalls at the threshold opens it', async () => {
    const { breaker, clock, opened } = setup({ policy });
    play(breaker, 'FF');
    await clock.advance(3_000);
    play(breaker, 'S'); // 3 calls in the window: below minimumCalls
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'S'); // the 4th call, a success: 2 of 4 = 50 %
    expect(breaker.state).toBe('OPEN');
    expect(opened.map((c) => c.reason)).toEqual(['failure-rate']);
  });

  it('counts calls spread over the window together', async () => {
    const { breaker, clock } = setup({ policy });
    play(breaker, 'FF');
    await clock.advance(5_000);
    play(breaker, 'F');
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'F');
    expect(breaker.state).toBe('OPEN');
  });

  it('lets old buckets slide out of the window', async () => {
    const { breaker, clock } = setup({ policy });
    play(breaker, 'FFF');
    await clock.advance(10_000);
    expect(breaker.stats().window).toEqual({ calls: 0, failures: 0 });
    play(breaker, 'F'); // only 1 call in the window (4 if the old ones still counted)
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().window).toEqual({ calls: 1, failures: 1 });
  });

  it('slides in whole buckets of windowMs / buckets', async () => {
    const { breaker, clock } = setup({ policy });
    play(breaker, 'FS');
    await clock.advance(9_999);
    expect(breaker.stats().window).toEqual({ calls: 2, failures: 1 });
    await clock.advance(1);
    expect(breaker.stats().window).toEqual({ calls: 0, failures: 0 });
  });

  it('keeps the newer buckets when the older ones slide out', async () => {
    const { breaker, clock } = setup({ policy });
    play(breaker, 'SSSS');
    await clock.advance(5_000);
    play(breaker, 'FF'); // 2 of 6
    await clock.advance(5_000); // the successes leave, the failures stay
    expect(breaker.stats().window).toEqual({ calls: 2, failures: 2 });
    play(breaker, 'FF'); // 4 of 4
    expect(breaker.state).toBe('OPEN');
  });

  it('defaults minimumCalls to 10', () => {
    const { breaker } = setup({ policy: { type: 'time', windowMs: 60_000, failureRateThreshold: 50 } });
    play(breaker, 'FFFFFFFFF');
    expect(breaker.state).toBe('CLOSED');
    play(breaker, 'F');
    expect(breaker.state).toBe('OPEN');
  });
});

describe('slow calls', () => {
  it('counts a success at or above slowCallMs as a failure and in slowCalls', () => {
    const { breaker } = setup({ slowCallMs: 100, failureThreshold: 2 });
    breaker.recordSuccess(99);
    expect(breaker.stats()).toMatchObject({ successes: 1, failures: 0, slowCalls: 0, consecutiveFailures: 0 });
    breaker.recordSuccess(100);
    expect(breaker.stats()).toMatchObject({ successes: 1, failures: 1, slowCalls: 1, consecutiveFailures: 1 });
    expect(breaker.state).toBe('CLOSED');
    breaker.recordSuccess(250);
    expect(breaker.stats()).toMatchObject({ slowCalls: 2, state: 'OPEN' });
  });

  it('counts a success without a duration as a success', () => {
    const { breaker } = setup({ slowCallMs: 100, failureThreshold: 1 });
    breaker.recordSuccess();
    expect(breaker.stats()).toMatchObject({ successes: 1, slowCalls: 0, state: 'CLOSED' });
  });

  it('ignores durations when slowCallMs is not set', () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.recordSuccess(10_000_000);
    expect(breaker.stats()).toMatchObject({ successes: 1, slowCalls: 0, state: 'CLOSED' });
    expect(breaker.needsDuration).toBe(false);
  });

  it('feeds slow calls into a rate window as failures', () => {
    const { breaker } = setup({ slowCallMs: 50, policy: { type: 'count', windowSize: 4, failureRateThreshold: 50 } });
    breaker.recordSuccess(10);
    breaker.recordSuccess(10);
    breaker.recordSuccess(60);
    expect(breaker.state).toBe('CLOSED');
    breaker.recordSuccess(70);
    expect(breaker.stats()).toMatchObject({ state: 'OPEN', slowCalls: 2, window: { calls: 4, failures: 2 } });
  });

  it('re-opens a half-open breaker when the probe is slow', async () => {
    const { breaker, clock } = setup({ slowCallMs: 100, failureThreshold: 1, breakDurationMs: 1_000 });
    breaker.recordFailure();
    await clock.advance(1_000);
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess(500);
    expect(breaker.state).toBe('OPEN');
  });

  it('asks the pipeline to time attempts only when slowCallMs is set', () => {
    expect(setup({ slowCallMs: 0 }).breaker.needsDuration).toBe(true);
    expect(setup({}).breaker.needsDuration).toBe(false);
  });
});
