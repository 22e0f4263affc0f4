import { describe, expect, it } from 'vitest';
import { Bulkhead, HealingConfigError, sleep, type Clock } from '../../src/index.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';

/** How `pending` settled after the microtasks queued now ran: a misuse must be refused without waiting for time. */
async function settledNow(pending: Promise<boolean>): Promise<{ value?: boolean; error?: unknown } | 'pending'> {
  let outcome: { value?: boolean; error?: unknown } | 'pending' = 'pending';
  pending.then((value) => { outcome = { value }; }, (error: unknown) => { outcome = { error }; });
  await flushMicrotasks();
  return outcome;
}

/** Refused at once with a HealingConfigError naming `option`, and nothing left scheduled on `clock`. */
async function expectRefused(pending: Promise<boolean>, option: string, clock?: ManualClock): Promise<void> {
  const outcome = await settledNow(pending);
  expect(outcome).toMatchObject({ error: expect.any(HealingConfigError) });
  expect(((outcome as { error: HealingConfigError }).error).option).toBe(option);
  if (clock !== undefined) expect(clock.timerCount).toBe(0);
}

describe('sleep', () => {
  it('refuses a signal that is not an AbortSignal with a HealingConfigError, before setting a timer', async () => {
    const clock = new ManualClock();
    await expectRefused(sleep(clock, 10, { aborted: false } as never), 'signal', clock);
    await expectRefused(sleep(clock, 10, null as never), 'signal', clock);
  });

  it.each([
    ['NaN', Number.NaN],
    ['a string', 'abc'],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['1e308', 1e308],
    ['one past the longest timer, 2^31 ms', 2 ** 31],
  ])('refuses ms of %s with a HealingConfigError naming ms, before setting a timer', async (_name, ms) => {
    const clock = new ManualClock();
    await expectRefused(sleep(clock, ms as number), 'ms', clock);
  });

  it('refuses more than the longest timer, 2^31 - 1 ms, saying what to do, and waits exactly that long', async () => {
    const outcome = await settledNow(sleep(new ManualClock(), 2 ** 31));
    expect(String((outcome as { error: Error }).error)).toMatch(/Invalid `ms`: expected at most 2147483647 ms .*wait in steps for longer/);
    const clock = new ManualClock();
    const longest = sleep(clock, 2 ** 31 - 1);
    await clock.advance(2 ** 31 - 2);
    expect(await settledNow(longest)).toBe('pending');
    await clock.advance(1);
    expect(await longest).toBe(true);
    expect(clock.timerCount).toBe(0);
  });

  it.each([-5, -0.5, Number.NEGATIVE_INFINITY])('takes ms of %s as no wait: the time left to a deadline already passed', async (ms) => {
    const clock = new ManualClock();
    expect(await sleep(clock, ms)).toBe(true);
    expect(clock.timerCount).toBe(0);
  });

  it('refuses a clock whose reads throw (a Proxy) by a rejection, never a synchronous throw', async () => {
    const clock = new Proxy({}, { get: () => { throw new Error('trap'); } });
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    let pending: Array<Promise<unknown>> = [];
    expect(() => { pending = [sleep(clock as never, 5), bulkhead.wait(clock as never, undefined)]; }).not.toThrow();
    for (const wait of pending) await expectRefused(wait as Promise<boolean>, 'clock');
  });

  it.each([
    ['null', null],
    ['an object without the Clock methods', { now: () => 0 }],
  ])('refuses a clock of %s with a HealingConfigError naming clock, by a rejection (never a throw)', async (_name, clock) => {
    let pending: Promise<boolean> | undefined;
    expect(() => { pending = sleep(clock as never, 5); }).not.toThrow();
    await expectRefused(pending!, 'clock');
  });

  it('leaves no timer behind when the signal aborts while the clock sets the timer', async () => {
    const manual = new ManualClock();
    const controller = new AbortController();
    // A clock whose setTimeout runs code that aborts (a fake clock firing hooks, a test spy).
    const clock: Clock = {
      now: () => manual.now(),
      setTimeout: (callback, ms) => {
        const handle = manual.setTimeout(callback, ms);
        controller.abort();
        return handle;
      },
      clearTimeout: (handle) => manual.clearTimeout(handle),
    };
    expect(await settledNow(sleep(clock, 1_000, controller.signal))).toEqual({ value: false });
    expect(manual.timerCount).toBe(0);
  });
});
