import { describe, expect, it } from 'vitest';
import {
  HealingPipeline, HealingStatistics, SafetyPolicy, chooseByResults, escalate, reconfigure, restart, sleep, type HealingResult,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

type Args = { model: string; prompt: string };
const contextTooLong = () => Object.assign(new Error('maximum context length exceeded'), { status: 400, code: 'context_length_exceeded' });
const isContextLength = ({ classification }: { classification: { category: string } }) => classification.category === 'context_length';
const tried = (result: HealingResult<unknown>) => result.healingActions.filter((a) => a.kind === 'strategy_result').map((a) => `${a.provider}:${a.succeeded ? 'healed' : 'failed'}`);

/** A model that only the small model or a prompt under 10 characters gets through. */
function setup(clock: ManualClock, trimMs = 0, smallMs = 0) {
  const calls: string[] = [];
  const complete = async ({ model, prompt }: Args) => {
    calls.push(`${model}:${prompt.length}`);
    if (model === 'large' && prompt.length >= 10) throw contextTooLong();
    return `${model} answered`;
  };
  const trim = reconfigure<Args>({ name: 'trim-context', when: isContextLength, change: async (args) => {
    await sleep(clock, trimMs);
    return { ...args, prompt: args.prompt.slice(0, 12) }; // not short enough: still too long
  } });
  const smaller = reconfigure<Args>({ name: 'smaller-model', when: isContextLength, change: async (args) => {
    await sleep(clock, smallMs);
    return { ...args, model: 'small' };
  } });
  return { calls, complete, trim, smaller };
}

describe('chooseByResults', () => {
  it('offers a failure to the candidates in the given order at first, then best first for its category', async () => {
    const clock = new ManualClock();
    const { calls, complete, trim, smaller } = setup(clock);
    const chooser = chooseByResults([trim, smaller]);
    const llm = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [chooser] });
    const long = { model: 'large', prompt: 'a very long conversation' };

    const first = await llm.execute(complete, long);
    expect(first).toMatchObject({ status: 'ok', result: 'small answered' });
    expect(tried(first)).toEqual(['trim-context:failed', 'smaller-model:healed']);
    expect(chooser.order('context_length')).toEqual(['smaller-model', 'trim-context']);

    calls.length = 0;
    const second = await llm.execute(complete, long);
    expect(tried(second)).toEqual(['smaller-model:healed']);
    expect(calls).toEqual(['large:24', 'small:24']); // trim-context is not tried any more
    expect(chooser.scores()).toEqual(expect.arrayContaining([
      { category: 'context_length', strategy: 'trim-context', tries: 1, successes: 0, successRate: 0, meanRecoveryMs: 0 },
      { category: 'context_length', strategy: 'smaller-model', tries: 2, successes: 2, successRate: 1, meanRecoveryMs: 0 },
    ]));
    // Another category has its own ranking: nothing learned there yet, so the given order.
    expect(chooser.order('rate_limit')).toEqual(['trim-context', 'smaller-model']);
  });

  it('between candidates that heal as often, prefers the faster one (mean recovery time on the clock)', async () => {
    const clock = new ManualClock();
    const enabled = { slow: true, fast: false };
    const healIn = (name: 'slow' | 'fast', ms: number) => reconfigure<Args>({
      name, when: (failure) => enabled[name] && isContextLength(failure),
      change: async (args) => { await sleep(clock, ms); return { ...args, model: 'small' }; },
    });
    const { complete } = setup(clock);
    const chooser = chooseByResults([healIn('slow', 300), healIn('fast', 20)]);
    const llm = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [chooser] });
    const heal = async (ms: number) => {
      const pending = llm.execute(complete, { model: 'large', prompt: 'a very long conversation' });
      await flushMicrotasks();
      await clock.advance(ms);
      return tried(await pending);
    };
    expect(await heal(300)).toEqual(['slow:healed']); // fast passes (not enabled): skipped
    Object.assign(enabled, { slow: false, fast: true });
    expect(await heal(20)).toEqual(['fast:healed']); // slow passes now
    // One healed try each: the same success rate, so the faster one first.
    expect(chooser.order('context_length')).toEqual(['fast', 'slow']);
    expect(chooser.scores()).toEqual([
      { category: 'context_length', strategy: 'slow', tries: 1, successes: 1, successRate: 1, meanRecoveryMs: 300 },
      { category: 'context_length', strategy: 'fast', tries: 1, successes: 1, successRate: 1, meanRecoveryMs: 20 },
    ]);
  });

  it('skips a candidate that passes the failure on without acting; it learns nothing', async () => {
    const clock = new ManualClock();
    const { complete, smaller } = setup(clock);
    const notMine = reconfigure<Args>({ name: 'rate-limit-only', when: ({ classification }) => classification.category === 'rate_limit', change: (args) => args });
    const chooser = chooseByResults([notMine, smaller]);
    const result = await new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [chooser] }).execute(complete, { model: 'large', prompt: 'a very long conversation' });
    expect(tried(result)).toEqual(['smaller-model:healed']);
    expect(chooser.scores().map((s) => s.strategy)).toEqual(['smaller-model']);
  });

  it('each candidate starts from the call\'s own args, not from what a failed candidate tried', async () => {
    const clock = new ManualClock();
    const { calls, complete, trim, smaller } = setup(clock);
    const result = await new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [chooseByResults([trim, smaller])] })
      .execute(complete, { model: 'large', prompt: 'a very long conversation' });
    expect(result).toMatchObject({ status: 'ok', args: { model: 'small', prompt: 'a very long conversation' } });
    expect(calls).toEqual(['large:24', 'large:12', 'small:24']);
  });

  it('offers a candidate the safety policy refuses only after the allowed ones, and never scores it', async () => {
    const clock = new ManualClock();
    const { complete, smaller } = setup(clock);
    let restarts = 0;
    const risky = restart<Args>({ name: 'restart-model-server', risk: 'high', restart: () => { restarts++; }, when: () => true });
    const chooser = chooseByResults([risky, smaller]);
    const llm = new HealingPipeline({ clock, safety: new SafetyPolicy({ maxRisk: 'medium' }), retry: { maxAttempts: 1 }, strategies: [chooser] });
    const healed = await llm.execute(complete, { model: 'large', prompt: 'a very long conversation' });
    expect(healed).toMatchObject({ status: 'ok', result: 'small answered' });
    expect(tried(healed)).toEqual(['smaller-model:healed']);
    expect(restarts).toBe(0);
    // When no allowed candidate heals, the refused one is offered and escalates; it is not scored.
    const failing = await llm.execute(async (): Promise<string> => { throw contextTooLong(); }, { model: 'small', prompt: 'x' });
    expect(failing.healingActions.some((a) => a.kind === 'escalate' && a.reason === 'too_risky')).toBe(true);
    expect(chooser.scores().map((s) => s.strategy)).toEqual(['smaller-model']);
  });

  it('learns nothing from a candidate whose run the caller aborted: no score, no strategy_result', async () => {
    const clock = new ManualClock();
    const { trim, smaller } = setup(clock);
    // The small model takes a second, and honours its signal.
    const complete = ({ model }: Args, { signal }: { signal: AbortSignal }) => model === 'large' ? Promise.reject(contextTooLong())
      : new Promise<string>((resolve, reject) => {
        const timer = clock.setTimeout(() => resolve('small answered'), 1_000);
        signal.addEventListener('abort', () => { clock.clearTimeout(timer); reject(signal.reason); }, { once: true });
      });
    const chooser = chooseByResults([smaller, trim]);
    const llm = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [chooser] });
    const controller = new AbortController();
    const pending = llm.execute(complete, { model: 'large', prompt: 'a very long conversation' }, { signal: controller.signal });
    await clock.advance(10);
    controller.abort(new Error('user left')); // while smaller-model's run of the call is in flight
    const result = await pending;
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(tried(result)).toEqual([]);
    expect(chooser.scores()).toEqual([]);
    expect(chooser.order('context_length')).toEqual(['smaller-model', 'trim-context']);
  });

  it('a candidate that escalates ends the choice', async () => {
    const clock = new ManualClock();
    const { complete, smaller } = setup(clock);
    const page = escalate({ when: isContextLength });
    const result = await new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [chooseByResults([page, smaller])] })
      .execute(complete, { model: 'large', prompt: 'a very long conversation' });
    expect(result.status).toBe('error');
    expect(tried(result)).toEqual(['escalate:failed']);
  });

  it('statistics count each strategy per category, for the status page', async () => {
    const clock = new ManualClock();
    const { complete, trim, smaller } = setup(clock);
    const statistics = new HealingStatistics();
    const llm = new HealingPipeline({ name: 'llm', clock, retry: { maxAttempts: 1 }, strategies: [chooseByResults([trim, smaller])] });
    statistics.track(llm);
    await llm.execute(complete, { model: 'large', prompt: 'a very long conversation' });
    await llm.execute(complete, { model: 'large', prompt: 'a very long conversation' });
    await llm.execute(async (): Promise<string> => { throw httpError(404); }, { model: 'large', prompt: 'x' });
    expect(statistics.stats().pipelines.llm!.strategies).toEqual([
      { category: 'context_length', strategy: 'trim-context', tries: 1, successes: 0, successRate: 0, meanRecoveryMs: 0 },
      { category: 'context_length', strategy: 'smaller-model', tries: 2, successes: 2, successRate: 1, meanRecoveryMs: 0 },
    ]);
  });

  it('refuses no candidates, a non-strategy and two candidates with one name', () => {
    expect(configError(() => chooseByResults([])).message).toMatch(/candidate strategies/);
    expect(configError(() => chooseByResults([{} as never])).option).toBe('chooseByResults[0]');
    const one = reconfigure({ when: () => true, change: (args) => args });
    expect(configError(() => chooseByResults([one, one])).message).toMatch(/two candidates are named "reconfigure"/);
    expect(configError(() => chooseByResults([one], { window: 0 })).option).toBe('chooseByResults.window');
  });
});
