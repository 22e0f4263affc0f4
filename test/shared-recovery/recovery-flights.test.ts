import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.js';
import { RecoveryFlights, runRecovery, type FailureStep, type RecoveryEnd } from '../../src/shared-recovery/recovery-flights.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

/** A recovery the test settles by hand. */
function manualRecovery() {
  let settle!: (end: RecoveryEnd) => void;
  const promise = new Promise<RecoveryEnd>((resolve) => { settle = resolve; });
  return { start: () => promise, settle };
}

describe('the single-flight table of oneRecoveryPerKey', () => {
  it('deletes a key once no execution runs on it and its recovery settled, whichever ends last', async () => {
    const flights = new RecoveryFlights();
    const recovery = manualRecovery();
    const epoch = flights.enter('tool');
    expect(flights.onFailure('tool', epoch, recovery.start).step).toBe('run');
    flights.leave('tool'); // the starter gave up waiting (its caller aborted)
    expect([flights.size, flights.recovering('tool')]).toEqual([1, true]);
    recovery.settle({ ok: true });
    await flushMicrotasks();
    expect([flights.size, flights.recovering('tool')]).toEqual([0, false]);
  });

  it('lets failures join the flight while it runs, and never after it settled', async () => {
    const flights = new RecoveryFlights();
    const recovery = manualRecovery();
    const [a, b] = [flights.enter('tool'), flights.enter('tool')];
    const first = flights.onFailure('tool', a, recovery.start);
    const second = flights.onFailure('tool', b, () => { throw new Error('must join, not start'); });
    expect([first.step, second.step]).toEqual(['run', 'wait']);
    recovery.settle({ ok: false, error: new Error('spawn ENOENT') });
    await flushMicrotasks();
    // A failed recovery is no fix: the next failure, even of an attempt started before, starts anew.
    const again = manualRecovery();
    expect(flights.onFailure('tool', b, again.start).step).toBe('run');
    again.settle({ ok: true });
    await flushMicrotasks();
    // After a successful one, a failure of an attempt that started before it is only retried...
    expect(flights.onFailure('tool', b, () => { throw new Error('no new recovery'); }).step).toBe('recovered');
    // ...and one that started after it starts a new recovery.
    const c = flights.enter('tool');
    const third = manualRecovery();
    expect(flights.onFailure('tool', c, third.start).step).toBe('run');
    third.settle({ ok: true });
    for (let i = 0; i < 3; i++) flights.leave('tool');
    await flushMicrotasks();
    expect(flights.size).toBe(0);
  });

  it('frees the key even when the recovery it was given rejects', async () => {
    const flights = new RecoveryFlights();
    const epoch = flights.enter('tool');
    const step = flights.onFailure('tool', epoch, () => Promise.reject(new Error('broken wrapper')));
    expect(step.step === 'run' && (await step.flight)).toMatchObject({ ok: false, error: { message: 'broken wrapper' } });
    expect(flights.recovering('tool')).toBe(false);
    flights.leave('tool');
    expect(flights.size).toBe(0);
  });
});

describe('runRecovery', () => {
  it('ends a throw, a rejection or a hang past timeoutMs as a failed recovery, and leaves no timer', async () => {
    const clock = new ManualClock();
    expect(await runRecovery(() => { throw new Error('sync'); }, clock, 100, 'r')).toMatchObject({ ok: false, error: { message: 'sync' } });
    expect(await runRecovery(() => Promise.reject(new Error('async')), clock, 100, 'r')).toMatchObject({ ok: false, error: { message: 'async' } });
    expect(await runRecovery(() => undefined, clock, 100, 'r')).toEqual({ ok: true });
    expect(clock.timerCount).toBe(0);

    let seen: AbortSignal | undefined;
    const hung = runRecovery((signal) => { seen = signal; return new Promise(() => {}); }, clock, 100, 'the recovery of "x"');
    await clock.advance(100);
    expect(await hung).toMatchObject({ ok: false, error: { message: 'the recovery of "x" did not finish within 100 ms' } });
    expect(seen!.aborted).toBe(true);
    expect(clock.timerCount).toBe(0);
  });
});

describe("a recovery's time limit and the process", () => {
  it('keeps the process alive while an execution awaits the recovery, and not once none does', async () => {
    // Real Node timers, read with hasRef(): nothing waits for them to fire.
    const timers: NodeJS.Timeout[] = [];
    const clock: Clock = { ...systemClock, setTimeout: (callback, ms) => timers[timers.push(systemClock.setTimeout(callback, ms) as NodeJS.Timeout) - 1] };
    const flights = new RecoveryFlights();
    let finish!: () => void;
    const [a, b] = [flights.enter('tool'), flights.enter('tool')];
    const waiting = (step: FailureStep) => (step.step === 'recovered' ? expect.unreachable() : step);
    const first = waiting(flights.onFailure('tool', a, (keepAlive) => runRecovery(() => new Promise<void>((resolve) => { finish = resolve; }), clock, 60_000, 'r', keepAlive)));
    const second = waiting(flights.onFailure('tool', b, () => { throw new Error('must join, not start'); }));
    expect(timers[0]!.hasRef()).toBe(false); // nobody awaits it yet
    const releaseFirst = first.keepAlive.hold();
    const releaseSecond = second.keepAlive.hold();
    expect(timers[0]!.hasRef()).toBe(true);
    releaseFirst();
    releaseFirst(); // a release counts once
    expect(timers[0]!.hasRef()).toBe(true); // the second execution still waits
    releaseSecond();
    expect(timers[0]!.hasRef()).toBe(false); // every waiter gave up: background work now
    finish();
    expect(await first.flight).toEqual({ ok: true });
    expect(timers).toHaveLength(1);
    flights.leave('tool');
    flights.leave('tool');
    expect(flights.size).toBe(0);
  });
});
