import { describe, expect, it } from 'vitest';
import { HealingPipeline, executeWithHealing, type HealingStrategy } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

// A message-only error: classified `context_length` by the message rules.
const contextTooLong = () => new Error("This model's maximum context length is 8192 tokens");

const smallerModel: HealingStrategy<{ model: string }> = {
  name: 'smaller-model',
  async execute(ctx, next) {
    const outcome = await next();
    if (outcome.ok || outcome.classification.category !== 'context_length') return outcome;
    ctx.record({ kind: 'reconfigure', detail: 'context too long: switching to small' });
    return next({ ...ctx.args, model: 'small' });
  },
};

describe('custom strategies', () => {
  it('an execution strategy sees the failed retry loop, records its own kind and runs the rest again with new args', async () => {
    const calls: string[] = [];
    const fn = async ({ model }: { model: string }) => {
      calls.push(model);
      if (model === 'large') throw contextTooLong();
      return `answer from ${model}`;
    };
    const result = await executeWithHealing(fn, { model: 'large' }, { strategies: [smallerModel] });
    expect(result).toMatchObject({ status: 'ok', result: 'answer from small', attempts: 2, healed: true, args: { model: 'small' } });
    expect(calls).toEqual(['large', 'small']);
    expect(result.healingActions.map((a) => [a.kind, a.attempt])).toEqual([['reconfigure', 1]]);
    expect(result.healingActions[0]!.error).toContain('maximum context length');
  });

  it('an attempt strategy wraps every attempt, inside the retry loop', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const count: HealingStrategy = {
      name: 'count', placement: 'attempt',
      async execute(ctx, next) {
        const outcome = await next();
        seen.push(ctx.attempts);
        return outcome;
      },
    };
    const fn = failing([httpError(503), httpError(503)], 'ok');
    const pending = new HealingPipeline({ clock, strategies: [count], retry: { minDelayMs: 10, jitter: 'none' } }).execute(fn, {});
    await clock.advance(10);
    await clock.advance(20);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', attempts: 3 });
    expect(seen).toEqual([1, 2, 3]);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'retry']);
  });

  it('runs the strategy objects it was given: a class-based strategy keeps its `this`', async () => {
    class Counting implements HealingStrategy {
      readonly name = 'counting';
      readonly seen: boolean[] = [];
      async execute(_ctx: unknown, next: () => Promise<{ ok: boolean }>) {
        const outcome = await next();
        this.seen.push(outcome.ok);
        return outcome as never;
      }
    }
    const strategy = new Counting();
    const result = await new HealingPipeline({ strategies: [strategy] }).execute(async () => 'ok', {});
    expect(result.status).toBe('ok');
    expect(strategy.seen).toEqual([true]);
  });

  it('an attempt strategy can restart something and call next again within the attempt', async () => {
    let restarts = 0;
    const restart: HealingStrategy = {
      name: 'restart', placement: 'attempt',
      async execute(ctx, next) {
        const outcome = await next();
        if (outcome.ok || (outcome.error as { code?: string }).code !== 'EPIPE') return outcome;
        restarts++;
        ctx.record({ kind: 'restart', detail: 'respawned the tool' });
        return next();
      },
    };
    const fn = failing([networkError('EPIPE')], 'done');
    const result = await executeWithHealing(fn, {}, { strategies: [restart], retry: { maxAttempts: 1 } });
    expect(result).toMatchObject({ status: 'ok', result: 'done', attempts: 2 });
    expect(restarts).toBe(1);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['restart']);
  });

  it('ctx.stop ends healing: no further retry, give-up reason stopped, and the fallback still serves', async () => {
    const paged: string[] = [];
    const pageOnce: HealingStrategy = {
      name: 'page', placement: 'attempt',
      async execute(ctx, next) {
        const outcome = await next();
        if (!outcome.ok && ctx.attempts >= 2) {
          paged.push(outcome.error.message);
          ctx.record({ kind: 'page', detail: 'paged the on-call' });
          ctx.stop('a human is looking at it');
        }
        return outcome;
      },
    };
    let calls = 0;
    const fn = async () => { calls++; throw httpError(503); };
    const result = await executeWithHealing(fn, {}, {
      strategies: [pageOnce], retry: { maxAttempts: 5, minDelayMs: 0 }, fallback: () => 'queued',
    });
    expect(calls).toBe(2);
    expect(paged).toEqual(['HTTP 503']);
    expect(result).toMatchObject({ status: 'ok', result: 'queued' });
    const failed = await executeWithHealing(fn, {}, { strategies: [pageOnce], retry: { maxAttempts: 5, minDelayMs: 0 } });
    expect(failed.status).toBe('error');
    expect(failed.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'stopped', detail: 'stopped: strategy "page": a human is looking at it' });
  });

  it('after the caller aborts, next() calls nothing and the error is the abort reason', async () => {
    const controller = new AbortController();
    let calls = 0;
    const again: HealingStrategy = {
      name: 'again',
      async execute(_ctx, next) {
        await next();
        controller.abort(new Error('user went away'));
        return next();
      },
    };
    const result = await executeWithHealing(async () => { calls++; throw httpError(400); }, {}, { strategies: [again], signal: controller.signal });
    expect(calls).toBe(1);
    expect(result.status).toBe('error');
    expect(result.error?.message).toBe('user went away');
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
  });

  it('a strategy that hangs is cut short by the caller\'s abort', async () => {
    const controller = new AbortController();
    const hangs: HealingStrategy = { name: 'hangs', execute: () => new Promise(() => {}) };
    const pending = executeWithHealing(async () => 1, {}, { strategies: [hangs], signal: controller.signal });
    controller.abort(new Error('enough'));
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.error?.message).toBe('enough');
  });

  it('a next() while another runs calls nothing and resolves a TypeError: two calls at once cannot share one attempt, and would hang past timeoutMs', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const seen: unknown[] = [];
    const twoAtOnce: HealingStrategy = {
      name: 'two-at-once', placement: 'attempt',
      async execute(_ctx, next) {
        const [first, second] = await Promise.all([next(), next()]);
        seen.push(second);
        return first;
      },
    };
    const pending = executeWithHealing(() => { calls++; return new Promise<string>(() => {}); }, {}, { clock, timeoutMs: 100, retry: { maxAttempts: 1 }, strategies: [twoAtOnce] });
    await clock.advance(100);
    const result = await pending;
    expect(calls).toBe(1);
    expect(result).toMatchObject({ status: 'error', error: { name: 'AttemptTimeoutError' } });
    expect(seen).toEqual([expect.objectContaining({ ok: false, error: expect.any(TypeError) })]);
    expect((seen[0] as { error: Error }).error.message).toContain('strategy "two-at-once" called next() while its last next() was still running');
  });

  it('after its execute() is over, a strategy\'s next() calls nothing and its record and stop change nothing: the result is out', async () => {
    const clock = new ManualClock();
    let calls = 0;
    let late: { next: () => Promise<unknown>; record: () => void; stop: () => void } | undefined;
    const leaky: HealingStrategy = {
      name: 'leaky',
      async execute(ctx, next) {
        late = { next: () => next(), record: () => ctx.record({ kind: 'page', detail: 'too late' }), stop: () => ctx.stop('too late') };
        return next();
      },
    };
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [leaky] });
    const events: string[] = [];
    pipeline.on('action', ({ action }) => events.push(action.kind));
    const result = await pipeline.execute(async () => { calls++; throw httpError(503); }, {});
    const actions = result.healingActions.map((action) => action.kind);
    expect(actions.at(-1)).toBe('give_up');
    late!.record();
    late!.stop();
    const outcome = await late!.next();
    expect(outcome).toMatchObject({ ok: false, error: expect.any(TypeError) });
    expect(calls).toBe(1);
    expect(result.healingActions.map((action) => action.kind)).toEqual(actions);
    expect(events).toEqual(actions);
  });

  it('a next() asked for after the deadline resolves the deadline\'s AttemptTimeoutError, even after a failure', async () => {
    const clock = new ManualClock();
    let late: Promise<unknown> | undefined;
    const slow: HealingStrategy = {
      name: 'slow',
      async execute(ctx, next) {
        const first = await next();
        await new Promise<void>((resolve) => ctx.clock.setTimeout(() => resolve(), 500));
        late = next();
        return first;
      },
    };
    const pending = executeWithHealing(async () => { throw httpError(503); }, {}, { clock, deadlineMs: 200, retry: { maxAttempts: 1 }, strategies: [slow] });
    await clock.advance(200);
    const result = await pending;
    expect(result.error?.message).toBe('HTTP 503'); // the result keeps the failure the deadline found
    await clock.advance(300);
    expect(await late).toMatchObject({ ok: false, error: { name: 'AttemptTimeoutError', timeoutMs: 200 } });
  });

  it('a strategy that throws fails the execution with that error; one that returns no outcome fails with a TypeError naming it', async () => {
    const throws: HealingStrategy = { name: 'throws', execute: () => { throw new Error('strategy bug'); } };
    const thrown = await executeWithHealing(async () => 1, {}, { strategies: [throws] });
    expect(thrown.status).toBe('error');
    expect(thrown.error?.message).toBe('strategy bug');
    const garbage = { name: 'garbage', execute: () => 42 } as unknown as HealingStrategy;
    const bad = await executeWithHealing(async () => 1, {}, { strategies: [garbage] });
    expect(bad.error).toBeInstanceOf(TypeError);
    expect(bad.error?.message).toContain('strategy "garbage" returned number, not an outcome');
  });

  it('refuses a strategy without execute, naming the option', () => {
    const error = configError(() => new HealingPipeline({ strategies: [{ name: 'x' } as unknown as HealingStrategy] }));
    expect(error.message).toContain('strategies.0.execute');
    expect(configError(() => new HealingPipeline({ strategies: [{ name: 'x', placement: 'later', execute: () => ({ ok: true, value: 1 }) } as never] })).message)
      .toContain('strategies.0.placement');
  });

  it('custom action kinds reach statistics as recoveries', async () => {
    const { HealingStatistics } = await import('../../src/index.js');
    const pipeline = new HealingPipeline({ name: 'llm', strategies: [smallerModel] });
    const stats = new HealingStatistics();
    stats.track(pipeline);
    await pipeline.execute(async ({ model }: { model: string }) => { if (model === 'large') throw contextTooLong(); return 1; }, { model: 'large' });
    expect(stats.stats().pipelines.llm?.recoveries).toMatchObject({ reconfigure: { total: 1, successful: 1 } });
  });
});
