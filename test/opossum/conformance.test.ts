// The breaker-protocol behaviours, run against the opossum subject the shared conformance suite
// will use (makeOpossumSubject). The last block pins where opossum differs from the native
// consecutive policy, so docs/opossum.md stays true.
import { afterEach, describe, expect, it } from 'vitest';
import { makeOpossumSubject, type OpossumSubject } from './subject.js';

let subject: OpossumSubject | undefined;

function make(failureThreshold: number, breakDurationMs = 10_000): OpossumSubject {
  subject = makeOpossumSubject({ failureThreshold, breakDurationMs });
  return subject;
}

afterEach(() => {
  subject?.dispose();
  subject = undefined;
});

/** One admitted call that fails in a way that counts. */
function fail(breaker: OpossumSubject['breaker']) {
  expect(breaker.canExecute()).toBe(true);
  breaker.recordFailure(new Error('boom'));
}

function succeed(breaker: OpossumSubject['breaker']) {
  expect(breaker.canExecute()).toBe(true);
  breaker.recordSuccess();
}

describe.each([1, 3, 5])('opossum subject, failureThreshold %i', (threshold) => {
  it('stays closed below the threshold and opens at it', () => {
    const { breaker } = make(threshold);
    for (let i = 1; i < threshold; i++) fail(breaker);
    expect(breaker.state).toBe('CLOSED');
    fail(breaker);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.canExecute()).toBe(false);
  });

  it('still opens after threshold failures that follow one success; threshold - 1 do not', () => {
    const { breaker } = make(threshold);
    succeed(breaker);
    for (let i = 1; i < threshold; i++) fail(breaker);
    expect(breaker.state).toBe('CLOSED');
    fail(breaker);
    expect(breaker.state).toBe('OPEN');
  });

  it('after a probe closes it, counts afresh: threshold - 1 failures keep it closed, threshold open it', async () => {
    const { breaker, advance } = make(threshold, 1_000);
    for (let i = 0; i < threshold; i++) fail(breaker);
    await advance(1_000);
    succeed(breaker);
    expect(breaker.state).toBe('CLOSED');
    for (let i = 1; i < threshold; i++) fail(breaker);
    expect(breaker.state).toBe('CLOSED');
    fail(breaker);
    expect(breaker.state).toBe('OPEN');
  });
});

describe('opossum subject: open, half-open, probes', () => {
  it('refuses while open and counts down remainingOpenMs', async () => {
    const { breaker, advance } = make(2, 10_000);
    fail(breaker);
    fail(breaker);
    expect(breaker.remainingOpenMs()).toBe(10_000);
    await advance(4_000);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.remainingOpenMs()).toBe(6_000);
    await advance(5_999);
    expect(breaker.state).toBe('OPEN');
    await advance(1);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.remainingOpenMs()).toBe(0);
  });

  it('admits one probe; refuses others while it runs; closes on its success', async () => {
    const { breaker, advance } = make(1, 500);
    fail(breaker);
    await advance(500);
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.state).toBe('HALF_OPEN');
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.canExecute()).toBe(true);
    breaker.recordSuccess();
  });

  it('re-opens on a failed probe, for a full recovery timeout', async () => {
    const { breaker, advance } = make(1, 500);
    fail(breaker);
    await advance(500);
    fail(breaker);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.remainingOpenMs()).toBe(500);
    await advance(499);
    expect(breaker.state).toBe('OPEN');
    await advance(1);
    expect(breaker.state).toBe('HALF_OPEN');
  });

  it('reset() closes an open breaker', () => {
    const { breaker } = make(1);
    fail(breaker);
    breaker.reset();
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.remainingOpenMs()).toBe(0);
  });

  it('stats() is plain JSON', () => {
    const { breaker } = make(2);
    fail(breaker);
    const stats = breaker.stats();
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });
});

describe('where opossum differs from the native consecutive policy (docs/opossum.md)', () => {
  it('a success between failures does not reset the count: opossum looks at the rate', () => {
    const { breaker } = make(3);
    fail(breaker);
    fail(breaker);
    succeed(breaker);
    fail(breaker); // native: 1 since the success, closed; opossum: 3 of 4 failed (75% > 66.7%)
    expect(breaker.state).toBe('OPEN');
  });

  it('several successes before the failures raise the bar: threshold failures no longer open it', () => {
    const { breaker } = make(3);
    for (let i = 0; i < 3; i++) succeed(breaker);
    for (let i = 0; i < 3; i++) fail(breaker); // native: open; opossum: 50% <= 66.7%
    expect(breaker.state).toBe('CLOSED');
  });

  it('the window forgets failures older than rollingCountTimeout', async () => {
    const { breaker, advance } = make(2, 1_000);
    fail(breaker);
    await advance(1_000);
    fail(breaker); // native: 2 in a row, open; opossum: the first one left the window
    expect(breaker.state).toBe('CLOSED');
  });

  it('releasePermission() on the probe closes the breaker: opossum has only success and failure', async () => {
    const { breaker, advance } = make(1, 500);
    fail(breaker);
    await advance(500);
    expect(breaker.canExecute()).toBe(true);
    breaker.releasePermission(); // native: frees the probe slot, stays half-open
    expect(breaker.state).toBe('CLOSED');
  });

  it('reset() keeps opossum\'s window: the next failure re-opens it', () => {
    const { breaker } = make(2);
    fail(breaker);
    fail(breaker);
    breaker.reset();
    fail(breaker); // native: 1 of 2, closed; opossum: 3 fires, all failed
    expect(breaker.state).toBe('OPEN');
  });
});
