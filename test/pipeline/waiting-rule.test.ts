/**
 * One rule for waiting: every await of user code or of a store inside an execution is bounded by
 * the caller's signal and `deadlineMs`, and nothing new starts after an abort. One case per
 * awaited hook, on the manual clock; each never-answering hook would hang the test without the rule.
 */
import { describe, expect, it } from 'vitest';
import {
  Bulkhead, GracefulDegradation, HealingPipeline, type HealingOptions, type HealingResult, type RetryBudget,
} from '../../src/index.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

const never = <T>() => new Promise<T>(() => {});
const flush = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

/** In `fails`: that call of fn never settles. */
const HANG = Symbol('hang');

/**
 * Runs one execution whose fn counts its calls and fails with `fails` for the first ones.
 * `options` may be a function of the clock, for hooks that need shared state set up first.
 */
function start(options: HealingOptions | ((clock: ManualClock) => HealingOptions), fails: unknown[] = []) {
  const clock = new ManualClock();
  const controller = new AbortController();
  let calls = 0;
  const fn = async () => {
    calls++;
    if (calls <= fails.length) {
      if (fails[calls - 1] === HANG) return never<string>();
      throw fails[calls - 1];
    }
    return 'ok';
  };
  if (typeof options === 'function') options = options(clock);
  let settled: HealingResult<string> | undefined;
  const pending = new HealingPipeline({ clock, signal: controller.signal, ...options }).execute(fn, { x: 1 });
  void pending.then((result) => { settled = result; });
  return { clock, controller, pending, calls: () => calls, settled: () => settled };
}

/** Advances the clock to just before `ms` and checks that nothing settled, then to `ms`: what settled by then. */
async function settledAt(run: ReturnType<typeof start>, ms: number): Promise<HealingResult<string> | undefined> {
  await flush();
  await run.clock.advance(ms - 1);
  expect(run.settled()).toBeUndefined();
  await run.clock.advance(1);
  await flush();
  return run.settled();
}

const recoverable = () => Object.assign(new Error('bad date'), { issues: [{ path: ['x'], message: 'bad' }], name: 'ZodError' });
const reflectOnce = { reflector: () => ({ args: { x: 2 }, reason: 'fixed the date' }), retry: { maxAttempts: 2, minDelayMs: 0 } };

/** A bulkhead whose only slot is held (by a call that never ends) when the execution arrives. */
function fullBulkhead(clock: ManualClock): HealingOptions {
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
  void new HealingPipeline({ clock, bulkhead }).execute(() => never<string>(), {});
  return { bulkhead };
}

const hooks: Array<{ hook: string; options: HealingOptions | ((clock: ManualClock) => HealingOptions); fails?: unknown[]; callsBefore: number }> = [
  { hook: 'fn', options: { retry: { maxAttempts: 1 } }, fails: [HANG], callsBefore: 1 },
  { hook: 'a fallback', options: { retry: { maxAttempts: 1 }, fallback: () => never<string>() }, fails: [httpError(404)], callsBefore: 1 },
  { hook: 'a bulkhead slot', options: fullBulkhead, callsBefore: 0 },
  { hook: 'rollback.snapshot', options: { rollback: { snapshot: () => never(), restore: () => {} } }, callsBefore: 0 },
  { hook: 'an async accept guard', options: { ...reflectOnce, accept: () => never<boolean>() }, fails: [recoverable()], callsBefore: 1 },
  {
    hook: 'RetryBudget.tryWithdraw',
    options: { retry: { minDelayMs: 0 }, retryBudget: { deposit: () => {}, tryWithdraw: () => never<boolean>() } satisfies RetryBudget },
    fails: [httpError(503)], callsBefore: 1,
  },
  { hook: 'the reflector', options: { ...reflectOnce, reflector: () => never() }, fails: [recoverable()], callsBefore: 1 },
  { hook: 'a strategy of your own', options: { strategies: [{ name: 'stuck', execute: () => never() }] }, callsBefore: 0 },
  {
    hook: "an attempt strategy of your own, after fn's failure",
    options: { retry: { maxAttempts: 1 }, strategies: [{ name: 'stuck-after', placement: 'attempt', execute: async (_ctx, next) => { await next(); return never(); } }] },
    fails: [httpError(503)], callsBefore: 1,
  },
  // The hedge starts at 50 ms, inside the deadline case's 500 ms: the primary and the hedged fallback both hang.
  { hook: 'a hedged fallback', options: { retry: { maxAttempts: 1 }, hedge: { delayMs: 50, with: 'fallback' }, fallback: () => never<string>() }, fails: [HANG], callsBefore: 1 },
];

describe('one rule for waiting', () => {
  for (const { hook, options, fails, callsBefore } of hooks) {
    it(`an abort while ${hook} is pending ends the execution at once, with the abort reason, and fn never starts again`, async () => {
      const run = start(options, fails);
      await flush();
      expect(run.settled()).toBeUndefined();
      run.controller.abort(new Error('caller went away'));
      const result = await run.pending;
      expect(result.status).toBe('error');
      expect(result.error?.message).toBe('caller went away');
      expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
      await run.clock.advance(60_000);
      expect(run.calls()).toBe(callsBefore);
    });

    it(`deadlineMs ends the execution while ${hook} is pending`, async () => {
      const run = start(typeof options === 'function' ? (clock) => ({ ...options(clock), deadlineMs: 500 }) : { ...options, deadlineMs: 500 }, fails);
      const result = await settledAt(run, 500);
      expect(result?.status).toBe('error');
      expect(result?.error).toBeInstanceOf(Error); // a failed result always has its error, the deadline's if nothing failed before it
      if (callsBefore === 0) expect(result?.error).toMatchObject({ name: 'AttemptTimeoutError', timeoutMs: 500 });
      expect(result?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
      expect(run.calls()).toBe(callsBefore);
    });
  }

  it('an abort during an async betweenAttempts restore lets the restore finish and starts no further attempt', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const steps: string[] = [];
    const restore = async () => {
      steps.push('restore started');
      controller.abort(new Error('stop now')); // the abort lands while the restore is under way
      await Promise.resolve();
      steps.push('restore finished');
    };
    let calls = 0;
    const result = await new HealingPipeline({
      clock, signal: controller.signal, retry: { minDelayMs: 0 },
      rollback: { snapshot: () => 'snap', restore, betweenAttempts: true },
    }).execute(async () => { calls++; throw httpError(503); }, {});
    expect(calls).toBe(1);
    expect(steps.slice(0, 2)).toEqual(['restore started', 'restore finished']);
    expect(result.error?.message).toBe('stop now');
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
  });

  it('an abort while a hedged fallback and the attempt it races both hang ends the execution at once', async () => {
    const run = start({ retry: { maxAttempts: 1 }, hedge: { delayMs: 50, with: 'fallback' }, fallback: () => never<string>() }, [HANG]);
    await flush();
    await run.clock.advance(100); // the hedged fallback is running
    expect(run.settled()).toBeUndefined();
    run.controller.abort(new Error('caller went away'));
    const result = await run.pending;
    expect(result.error?.message).toBe('caller went away');
    expect(result.healingActions.map((action) => action.kind)).toContain('hedge');
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
  });

  it('a hedged fallback has the attempt\'s time limit: with timeoutMs alone, the race ends when both are out of time', async () => {
    // timeoutMs 200: the attempt times out at 200 ms, the hedged fallback (started at 50 ms) at 250 ms.
    let fallbacks = 0; // the hedge's call of the fallback hangs; the fallback step's, after the race, answers
    const fallback = () => (++fallbacks === 1 ? never<string>() : 'served after the race');
    const run = start({ timeoutMs: 200, retry: { maxAttempts: 1 }, hedge: { delayMs: 50, with: 'fallback' }, fallback }, [HANG]);
    const result = await settledAt(run, 250);
    expect(result?.result).toBe('served after the race'); // the fallback step serves once the attempt has failed
    expect(result?.durationMs).toBe(250);
    expect(fallbacks).toBe(2);
  });

  it('the grace period after a timeout ends at the deadline', async () => {
    const result = await settledAt(start({ deadlineMs: 200, timeoutGraceMs: 1_500, retry: { maxAttempts: 1 } }, [HANG]), 200);
    expect(result?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
    expect(result?.durationMs).toBe(200);
  });

  // The attempt times out at 100 ms; then its grace, or what is left of the deadline if that is less.
  it.each([
    { grace: 'shorter than what is left of the deadline is kept whole', timeoutGraceMs: 300, deadlineMs: 1_000, endsAt: 400 },
    { grace: 'longer than what is left of the deadline is cut to it', timeoutGraceMs: 1_500, deadlineMs: 500, endsAt: 500 },
  ])('a grace period $grace', async ({ timeoutGraceMs, deadlineMs, endsAt }) => {
    const result = await settledAt(start({ timeoutMs: 100, timeoutGraceMs, deadlineMs, retry: { maxAttempts: 1 } }, [HANG]), endsAt);
    expect(result?.durationMs).toBe(endsAt);
  });

  it("a strategy of your own that waits for an attempt the deadline cuts ends with the attempt's timeout, its actions before the give-up", async () => {
    const run = start({ deadlineMs: 500, strategies: [{ name: 'passes-on', async execute(_ctx, next) { await null; return next(); } }] }, [HANG]);
    const result = await settledAt(run, 500);
    const actionsWhenSettled = result?.healingActions.map((action) => action.kind);
    expect(result?.error?.message).toBe('Attempt timed out after 500 ms');
    expect(actionsWhenSettled?.at(-1)).toBe('give_up');
    await flush();
    expect(result?.healingActions.map((action) => action.kind)).toEqual(actionsWhenSettled); // nothing recorded after the result
  });

  it("a strategy of your own that first asks for the rest after the deadline gets a failure with the deadline's error; fn never runs", async () => {
    let seen: unknown;
    const run = start((clock) => ({
      deadlineMs: 500,
      strategies: [{
        name: 'late-start', async execute(_ctx, next) {
          await new Promise<void>((resolve) => clock.setTimeout(resolve, 1_000));
          const outcome = await next();
          seen = outcome;
          return outcome;
        },
      }],
    }));
    const result = await settledAt(run, 500);
    expect(result?.error).toBeInstanceOf(Error);
    await run.clock.advance(500);
    await flush();
    expect(seen).toMatchObject({ ok: false, error: { message: 'Attempt timed out after 500 ms' } });
    expect(run.calls()).toBe(0);
  });

  it("a strategy of your own that asks for the rest after the deadline cut its wait gets a failure, and fn is not called again", async () => {
    let asked = 0;
    const run = start((clock) => ({
      deadlineMs: 500, retry: { maxAttempts: 1 },
      strategies: [{
        name: 'late', async execute(_ctx, next) {
          const first = await next();
          await new Promise<void>((resolve) => clock.setTimeout(resolve, 1_000)); // past the deadline
          asked++;
          const again = await next();
          return again.ok ? again : first;
        },
      }],
    }), [httpError(503), httpError(503)]);
    await flush();
    await run.clock.advance(500);
    await flush();
    expect(run.settled()?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
    await run.clock.advance(1_000);
    await flush();
    expect(asked).toBe(1);
    expect(run.calls()).toBe(1);
  });

  it('an abort during the backoff wait makes the abort reason the error, not the failure before it', async () => {
    const run = start({ retry: { minDelayMs: 1_000, jitter: 'none' } }, [httpError(503)]);
    await flush();
    await run.clock.advance(10);
    run.controller.abort(new Error('user cancelled'));
    const result = await run.pending;
    expect(run.calls()).toBe(1);
    expect(result.error?.message).toBe('user cancelled');
  });
});

describe('one rule for waiting: a fallback after the deadline passed before anything failed', () => {
  it('is handed the deadline\'s error (a snapshot that outlived deadlineMs), as the result is', async () => {
    const seen: unknown[] = [];
    const run = start({
      deadlineMs: 500,
      rollback: { snapshot: () => never(), restore: () => {} },
      fallback: { name: 'cache', run: (_args: unknown, error: Error, ctx: { error: Error }) => { seen.push(error, ctx.error); throw new Error('cache empty'); } },
    });
    const result = await settledAt(run, 500);
    expect(run.calls()).toBe(0);
    expect(seen).toHaveLength(2);
    for (const error of seen) expect(error).toMatchObject({ name: 'AttemptTimeoutError', timeoutMs: 500 });
    // Every fallback failed: the AggregateError lists the deadline's error first, as its cause.
    expect(result?.error).toBeInstanceOf(AggregateError);
    expect((result?.error as AggregateError).errors.map((error: Error) => error.message)).toEqual(['Attempt timed out after 500 ms', 'cache empty']);
    expect(result?.error?.cause).toBe(seen[0]);
  });
});

describe('one rule for waiting: the bulkhead queue', () => {
  it('deadlineMs ends the wait for a bulkhead slot; the queued fn never runs', async () => {
    const { Bulkhead } = await import('../../src/index.js');
    const clock = new ManualClock();
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    const pipeline = new HealingPipeline({ clock, bulkhead, deadlineMs: 300 });
    let release: () => void = () => {};
    // The slot holder has no deadline of its own (another pipeline on the same bulkhead).
    const first = new HealingPipeline({ clock, bulkhead }).execute(() => new Promise<string>((resolve) => { release = () => resolve('first'); }), {});
    let queuedCalls = 0;
    let settled: HealingResult<string> | undefined;
    void pipeline.execute(async () => { queuedCalls++; return 'second'; }, {}).then((r) => { settled = r; });
    await flush();
    await clock.advance(299);
    expect(settled).toBeUndefined();
    await clock.advance(1);
    await flush();
    expect(settled?.status).toBe('error');
    expect(settled?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
    release();
    expect((await first).result).toBe('first');
    await flush();
    expect(queuedCalls).toBe(0);
  });
});

describe('one rule for waiting: deadlineMs counts from the call', () => {
  it('an execution admitted after 200 ms in the bulkhead queue has 100 ms left of a 300 ms deadline', async () => {
    const { Bulkhead } = await import('../../src/index.js');
    const clock = new ManualClock();
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    let release: () => void = () => {};
    const first = new HealingPipeline({ clock, bulkhead }).execute(() => new Promise<string>((resolve) => { release = () => resolve('first'); }), {});
    let settled: HealingResult<string> | undefined;
    const hangs = () => new Promise<string>(() => {});
    void new HealingPipeline({ clock, bulkhead, deadlineMs: 300, retry: { maxAttempts: 1 } }).execute(hangs, {}).then((r) => { settled = r; });
    await flush();
    await clock.advance(200);
    release();
    await first;
    await flush();
    await clock.advance(99);
    expect(settled).toBeUndefined();
    await clock.advance(1);
    await flush();
    expect(settled?.status).toBe('error');
    expect(settled?.durationMs).toBe(300);
  });
});

describe('one rule for waiting: what an execution never awaits', () => {
  it("a retry budget's deposit is not awaited: one that never answers holds nothing", async () => {
    let deposits = 0;
    const budget: RetryBudget = { deposit: () => { deposits++; return never<void>(); }, tryWithdraw: () => true };
    const result = await new HealingPipeline({ clock: new ManualClock(), retryBudget: budget }).execute(async () => 'ok', {});
    expect(result.result).toBe('ok');
    expect(deposits).toBe(1);
  });

  it("a feature's health check runs in the background: an execution while the feature is off is served at once", async () => {
    const clock = new ManualClock();
    let checks = 0;
    const feature = new GracefulDegradation({ clock }).define('recommendations', {
      fallback: ['bestsellers'], checkIntervalMs: 1_000, healthCheck: () => { checks++; return never<boolean>(); },
    });
    feature.disable();
    await clock.advance(1_000); // a check is due: the next execution starts it and does not wait for it
    let calls = 0;
    const result = await new HealingPipeline({ clock, feature }).execute(async () => { calls++; return ['fresh']; }, {});
    expect(checks).toBe(1);
    expect(result.result).toEqual(['bestsellers']);
    expect(result.healingActions[0]).toMatchObject({ kind: 'degraded', reason: 'feature_off' });
    expect(calls).toBe(0);
  });
});

describe('one rule for waiting: undo steps run to their end', () => {
  const slowCompensate = (clock: ManualClock, steps: string[]) => async () => {
    steps.push('compensate started');
    await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), 1_000));
    steps.push('compensate finished');
  };

  it('an abort during compensate lets it finish; then the execution ends with the abort reason, no fallback runs and fn never starts again', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const steps: string[] = [];
    let calls = 0;
    let fallbacks = 0;
    let settled: HealingResult<string> | undefined;
    void new HealingPipeline({
      clock, signal: controller.signal, retry: { maxAttempts: 3, minDelayMs: 0 },
      compensate: slowCompensate(clock, steps), fallback: () => { fallbacks++; return 'cached'; },
    }).execute(async () => { calls++; throw httpError(404); }, {}).then((result) => { settled = result; });
    await flush();
    expect(steps).toEqual(['compensate started']);
    controller.abort(new Error('caller left'));
    await flush();
    expect(settled).toBeUndefined(); // the undo is not cut short
    await clock.advance(1_000);
    await flush();
    expect(steps).toEqual(['compensate started', 'compensate finished']);
    expect(settled?.error?.message).toBe('caller left');
    expect(settled?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(fallbacks).toBe(0);
    expect(calls).toBe(1);
  });

  it('a compensate that outlasts deadlineMs finishes; an async fallback after it is not awaited', async () => {
    const clock = new ManualClock();
    const steps: string[] = [];
    let fallbacks = 0;
    let settled: HealingResult<string> | undefined;
    void new HealingPipeline({
      clock, deadlineMs: 500, retry: { maxAttempts: 1 },
      compensate: slowCompensate(clock, steps), fallback: () => { fallbacks++; return never<string>(); },
    }).execute(async () => { throw httpError(404); }, {}).then((result) => { settled = result; });
    await flush();
    await clock.advance(999);
    expect(settled).toBeUndefined();
    await clock.advance(1);
    await flush();
    expect(steps).toEqual(['compensate started', 'compensate finished']);
    expect(fallbacks).toBe(1);
    expect(settled?.status).toBe('error');
    expect(settled?.durationMs).toBe(1_000);
    expect(settled?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
  });

  it('a synchronous fallback still serves after the deadline', async () => {
    const run = start({ deadlineMs: 500, retry: { maxAttempts: 1 }, fallback: () => 'cached' }, [HANG]);
    await flush();
    await run.clock.advance(500);
    await flush();
    expect(run.settled()?.result).toBe('cached');
    expect(run.settled()?.healingActions.map((action) => action.kind)).toEqual(['timeout', 'fallback']);
  });
});
