import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, HealingPipeline, HealthMonitor, SafetyPolicy, escalate, executeWithHealing, isolate, reconfigure, restart, sleep,
  type HealingResult,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

const kinds = (result: HealingResult<unknown>) => result.healingActions.map((a) => (a.reason === undefined ? a.kind : `${a.kind}:${a.reason}`));
const contextTooLong = () => Object.assign(new Error("This model's maximum context length is 8192 tokens"), { status: 400, code: 'context_length_exceeded' });

/** A tool process that is down until restarted (the restart takes 50 ms on the manual clock). */
function deadTool(clock: ManualClock) {
  const state = { alive: false, restarts: 0 };
  const call = async (id: string) => {
    if (!state.alive) throw networkError('ECONNREFUSED');
    return `ok ${id}`;
  };
  const respawn = async () => {
    state.restarts++;
    await sleep(clock, 50);
    state.alive = true;
  };
  return { state, call, respawn };
}

describe('restart', () => {
  it('100 concurrent calls failing on one dead tool restart it exactly once, then all succeed', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('tool', { failureThreshold: 1_000 });
    const tool = deadTool(clock);
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'tool', retry: { maxAttempts: 1 }, strategies: [restart({ restart: tool.respawn })] });
    const pending = Promise.all(Array.from({ length: 100 }, (_, i) => pipeline.execute(tool.call, `c${i}`)));
    await flushMicrotasks();
    await clock.advance(50);
    const results = await pending;
    expect(tool.state.restarts).toBe(1);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const reasons = results.flatMap((r) => r.healingActions.filter((a) => a.kind === 'restart').map((a) => a.reason));
    expect(reasons.filter((r) => r === 'ran')).toHaveLength(1);
    expect(reasons.filter((r) => r === 'waited')).toHaveLength(99);
  });

  it('each caller\'s abort ends its own wait for the restart at once, and fn is not called again for it', async () => {
    const clock = new ManualClock();
    const tool = deadTool(clock);
    let calls = 0;
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [restart({ restart: tool.respawn })] });
    const controller = new AbortController();
    const aborted = pipeline.execute(async (id: string) => { calls++; return tool.call(id); }, 'a', { signal: controller.signal });
    const other = pipeline.execute(tool.call, 'b');
    await flushMicrotasks();
    controller.abort(new Error('user left'));
    const result = await aborted; // ends before the clock moves: the restart still takes 50 ms
    expect(result).toMatchObject({ status: 'error', error: { message: 'user left' } });
    expect(calls).toBe(1);
    await clock.advance(50);
    expect(await other).toMatchObject({ status: 'ok', result: 'ok b' });
    expect(tool.state.restarts).toBe(1);
  });

  it('by default restarts for failures a restart can fix, not for a rate limit or a permanent error', async () => {
    const clock = new ManualClock();
    let restarts = 0;
    const strategy = restart({ restart: () => { restarts++; } });
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [strategy] });
    await pipeline.execute(async () => { throw httpError(429); });
    await pipeline.execute(async () => { throw httpError(404); });
    expect(restarts).toBe(0);
    await pipeline.execute(async () => { throw httpError(503); });
    expect(restarts).toBe(1);
    expect(strategy.risk).toBe('medium');
  });

  it('refuses bad options naming the field', () => {
    expect(configError(() => restart({} as never)).option).toBe('restart.restart');
    expect(configError(() => restart({ restart: () => {}, risk: 'extreme' as never })).option).toBe('restart.risk');
  });
});

describe('reconfigure', () => {
  it('runs the call again with new args when the failure calls for it, and says what changed', async () => {
    const models: string[] = [];
    const complete = async ({ model }: { model: string; prompt: string }) => {
      models.push(model);
      if (model === 'large') throw contextTooLong();
      return `answer from ${model}`;
    };
    const smaller = reconfigure<{ model: string; prompt: string }>({
      when: ({ classification }) => classification.category === 'context_length',
      change: (args) => ({ ...args, model: 'small' }),
      describe: (before, after) => `context too long for ${before.model}: switched to ${after.model}`,
    });
    const result = await executeWithHealing(complete, { model: 'large', prompt: 'hi' }, { strategies: [smaller] });
    expect(result).toMatchObject({ status: 'ok', result: 'answer from small', args: { model: 'small' } });
    expect(models).toEqual(['large', 'small']);
    expect(result.healingActions).toContainEqual(expect.objectContaining({ kind: 'reconfigure', category: 'context_length', detail: 'context too long for large: switched to small' }));
    expect(smaller.risk).toBe('low');
  });

  it('reconfigures at most maxTimes per execution, and a change that throws ends healing', async () => {
    let calls = 0;
    const always = async (_args: { n: number }): Promise<string> => { calls++; throw contextTooLong(); };
    const twice = reconfigure({ when: () => true, change: (args: { n: number }) => ({ n: args.n + 1 }), maxTimes: 2 });
    const result = await executeWithHealing(always, { n: 0 }, { strategies: [twice] });
    expect(calls).toBe(3);
    expect(result).toMatchObject({ status: 'error', args: { n: 2 } });

    const broken = reconfigure({ when: () => true, change: () => { throw new Error('no smaller model'); } });
    const failed = await executeWithHealing(always, { n: 0 }, { strategies: [broken] });
    expect(failed.healingActions.at(-2)).toMatchObject({ kind: 'reconfigure', succeeded: false, detail: 'reconfigure: change(args) threw: no smaller model' });
    expect(failed.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'stopped' });
  });
});

describe('reconfigure placed around each attempt', () => {
  it('still reconfigures at most maxTimes per execution', async () => {
    let calls = 0;
    const once = reconfigure({ when: () => true, change: (args: { n: number }) => ({ n: args.n + 1 }), maxTimes: 1, placement: 'attempt' });
    const result = await executeWithHealing(async (_args: { n: number }): Promise<string> => { calls++; throw httpError(503); }, { n: 0 },
      { clock: new ManualClock(), retry: { maxAttempts: 4, minDelayMs: 0 }, strategies: [once] });
    expect(result.healingActions.filter((a) => a.kind === 'reconfigure')).toHaveLength(1);
    expect(calls).toBe(5); // 4 attempts, one of them run twice (before and after the reconfiguration)
  });
});

describe('isolate', () => {
  it('concurrent failures isolate the circuit once between them', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('search', { failureThreshold: 1_000 });
    const search = new HealingPipeline({ clock, registry, circuitName: 'search', retry: { maxAttempts: 1 },
      safety: new SafetyPolicy({ maxRisk: 'medium', recurrence: { count: 2, windowMs: 600_000 } }), strategies: [isolate({ durationMs: 1_000 })] });
    const results = await Promise.all(Array.from({ length: 3 }, () => search.execute(async (): Promise<string> => { throw httpError(503); })));
    expect(results.flatMap((r) => r.healingActions.filter((a) => a.kind === 'isolate'))).toHaveLength(1);
  });

  it('forces the circuit open for durationMs after a failing execution; the others are served by the fallback; then it carries on', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const search = new HealingPipeline({
      clock, registry, circuitName: 'search', retry: { maxAttempts: 2, minDelayMs: 0 },
      strategies: [isolate({ durationMs: 60_000 })], fallback: () => 'cached',
    });
    let calls = 0;
    const down = async () => { calls++; throw httpError(503); };
    const first = await search.execute(down);
    expect(kinds(first)).toContain('isolate');
    expect(registry.get('search').stats()).toMatchObject({ state: 'OPEN', forced: 'OPEN' });
    const during = await search.execute(async () => { calls++; return 'live'; });
    expect(during).toMatchObject({ status: 'ok', result: 'cached', attempts: 0 });
    expect(calls).toBe(2);
    await clock.advance(60_000);
    expect(registry.get('search').stats().forced).toBeNull();
    expect(await search.execute(async () => 'live')).toMatchObject({ result: 'live' });
  });

  it('needs a circuitName', () => {
    expect(configError(() => new HealingPipeline({ strategies: [isolate({ durationMs: 1_000 })] })).message).toMatch(/set circuitName/);
  });
});

describe('escalate', () => {
  it('hands a failure to a human: notify, the escalate event and an action, then healing stops and the fallback serves', async () => {
    const clock = new ManualClock();
    const paged: string[] = [];
    const events: string[] = [];
    const page = escalate({ when: (f) => f.classification.category === 'auth', notify: ({ detail }) => { paged.push(detail); } });
    const payments = new HealingPipeline({ name: 'payments', clock, strategies: [page], fallback: () => 'queued' });
    payments.on('escalate', ({ reason }) => events.push(reason));
    const result = await payments.execute(async () => { throw httpError(401, {}, 'HTTP 401 token=sk-live-abcdef1234567890'); });
    expect(result).toMatchObject({ status: 'ok', result: 'queued' });
    expect(paged).toHaveLength(1);
    expect(paged[0]).toMatch(/^escalate: a auth failure after 1 attempt\(s\) handed to a human: HTTP 401 token=\[REDACTED\]/);
    expect(events).toEqual(paged);
    expect(kinds(result)).toContain('escalate:escalated');
    expect(page.risk).toBe('none');
    // Other failures pass through untouched.
    await payments.execute(async () => { throw httpError(404); });
    expect(paged).toHaveLength(1);
  });

  it('a notify that hangs ends at the deadline (its signal aborts), and without a signal or deadline at its own 10 s limit', async () => {
    const clock = new ManualClock();
    let aborted: unknown;
    const hangs = escalate({ notify: (_escalation, { signal }) => new Promise(() => { signal.addEventListener('abort', () => { aborted = signal.reason; }); }) });
    const byDeadline = executeWithHealing(async (): Promise<string> => { throw httpError(404); }, undefined, { clock, strategies: [hangs], deadlineMs: 1_000 });
    await flushMicrotasks();
    await clock.advance(1_000);
    expect((await byDeadline).healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
    expect((aborted as Error).message).toMatch(/deadline passed/); // the pager is told to stop with the call

    let settled = false;
    const unbounded = executeWithHealing(async (): Promise<string> => { throw httpError(404); }, undefined, { clock, strategies: [hangs] });
    void unbounded.then(() => { settled = true; });
    await clock.advance(9_999);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await unbounded).healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'stopped' });
    expect((aborted as Error).message).toBe('the escalation passed 10000 ms');
    expect(clock.timerCount).toBe(0);
  });

  it('a notify that hangs is bounded by the caller\'s abort', async () => {
    const clock = new ManualClock();
    const hangs = escalate({ notify: () => new Promise(() => {}) });
    const controller = new AbortController();
    const pending = executeWithHealing(async (): Promise<string> => { throw httpError(404); }, undefined, { clock, strategies: [hangs], signal: controller.signal });
    await flushMicrotasks();
    controller.abort(new Error('gone'));
    expect(await pending).toMatchObject({ status: 'error', error: { message: 'gone' } });
  });
});

describe('SafetyPolicy', () => {
  it('replaces a strategy riskier than maxRisk with an escalation that says why; the strategy does not act', async () => {
    const clock = new ManualClock();
    const escalations: string[] = [];
    const safety = new SafetyPolicy({ maxRisk: 'low', escalate: (e) => { escalations.push(`${e.strategy} ${e.risk}>${e.maxRisk} ${e.category}`); } });
    let restarts = 0;
    const pipeline = new HealingPipeline({ clock, safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: () => { restarts++; } })] });
    const events: string[] = [];
    pipeline.on('escalate', ({ reason }) => events.push(reason));
    const result = await pipeline.execute(async () => { throw httpError(503); });
    expect(restarts).toBe(0);
    expect(escalations).toEqual(['restart medium>low unavailable']);
    const action = result.healingActions.find((a) => a.kind === 'escalate')!;
    expect(action).toMatchObject({ reason: 'too_risky' });
    expect(action.detail).toBe('restart (risk medium) exceeds the most risk allowed for a medium-severity unavailable failure (low): escalated instead');
    expect(events).toEqual([action.detail]);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'stopped' });
  });

  it('lets a low-risk strategy act under the same policy', async () => {
    const safety = new SafetyPolicy({ maxRisk: 'low' });
    const models: string[] = [];
    const strategy = reconfigure({ when: () => true, change: () => ({ model: 'small' }) });
    const result = await executeWithHealing(async ({ model }: { model: string }) => {
      models.push(model);
      if (model === 'large') throw contextTooLong();
      return model;
    }, { model: 'large' }, { safety, strategies: [strategy] });
    expect(result.result).toBe('small');
  });

  it('lowers the limit one level for a strategy that keeps being needed on one category (recurrence)', async () => {
    const clock = new ManualClock();
    const safety = new SafetyPolicy({ maxRisk: 'medium', recurrence: { count: 3, windowMs: 60_000 } });
    let restarts = 0;
    const pipeline = new HealingPipeline({ clock, safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: () => { restarts++; } })] });
    for (let i = 0; i < 3; i++) {
      await pipeline.execute(async () => { throw httpError(503); });
      await clock.advance(1_000);
    }
    expect(restarts).toBe(3);
    const fourth = await pipeline.execute(async () => { throw httpError(503); });
    expect(restarts).toBe(3);
    expect(fourth.healingActions.find((a) => a.kind === 'escalate')!.detail).toMatch(/\(low, one level less since restart already acted 3 times on it lately\)/);
    // Once the recurrences age out of the window, the restart is allowed again.
    await clock.advance(60_000);
    await pipeline.execute(async () => { throw httpError(503); });
    expect(restarts).toBe(4);
  });

  it('counts recurrence per pipeline, whatever name or circuit a call gives itself', async () => {
    const clock = new ManualClock();
    const safety = new SafetyPolicy({ maxRisk: 'medium', recurrence: { count: 3, windowMs: 60_000 } });
    let restarts = 0;
    const payments = new HealingPipeline({ clock, name: 'payments', safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: () => { restarts++; } })] });
    for (let user = 0; user < 4; user++) {
      await payments.execute(async () => { throw httpError(503); }, {}, { name: `user-${user}`, circuitName: `tenant-${user}` });
      await clock.advance(1_000);
    }
    expect(restarts).toBe(3); // the fourth is the same pipeline's fourth: downgraded, so escalated
  });

  it('lowers the limit one level for an error category that keeps recurring in the pipeline\'s health component', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock, windowMs: 60_000 });
    const safety = new SafetyPolicy({ maxRisk: 'medium', recurrence: false, health: { monitor, minCount: 3 } });
    let restarts = 0;
    const tools = new HealingPipeline({ name: 'tools', clock, safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: () => { restarts++; } })] });
    monitor.track(tools);
    for (let i = 0; i < 3; i++) await tools.execute(async (): Promise<string> => { throw httpError(503); });
    expect(restarts).toBe(3);
    expect(monitor.recurringErrors()).toMatchObject([{ component: 'tools', category: 'unavailable', count: 3 }]);
    const fourth = await tools.execute(async (): Promise<string> => { throw httpError(503); });
    expect(restarts).toBe(3);
    expect(fourth.healingActions.find((a) => a.kind === 'escalate')!.detail)
      .toBe('restart (risk medium) exceeds the most risk allowed for a medium-severity unavailable failure (low, one level less since unavailable failures keep recurring in "tools"): escalated instead');
    // Another category is not recurring there: restart may act on it.
    await tools.execute(async (): Promise<string> => { throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }); });
    expect(restarts).toBe(4);
  });

  it('an outer escalate does not page again what the policy already told someone, and pages what it told no one', async () => {
    const paged: string[] = [];
    const told: string[] = [];
    const build = (safety: SafetyPolicy) => new HealingPipeline({
      clock: new ManualClock(), safety, retry: { maxAttempts: 1 },
      strategies: [escalate({ notify: ({ detail }) => { paged.push(detail); } }), restart({ restart: () => {} })],
    });
    const withPager = build(new SafetyPolicy({ maxRisk: 'low', escalate: ({ why }) => { told.push(why); } }));
    const result = await withPager.execute(async (): Promise<string> => { throw httpError(503); });
    expect(result.healingActions.filter((a) => a.kind === 'escalate').map((a) => `${a.reason} ${a.succeeded}`)).toEqual(['too_risky true']);
    expect([told.length, paged.length]).toEqual([1, 0]);
    // A failure no strategy escalated still reaches the outer escalate.
    await withPager.execute(async (): Promise<string> => { throw httpError(404); });
    expect(paged).toHaveLength(1);

    // A policy with no callback of its own told no one: the outer escalate pages.
    const silent = build(new SafetyPolicy({ maxRisk: 'low' }));
    const unpaged = await silent.execute(async (): Promise<string> => { throw httpError(503); });
    expect(unpaged.healingActions.filter((a) => a.kind === 'escalate').map((a) => `${a.reason} ${a.succeeded}`)).toEqual(['too_risky false', 'escalated true']);
    expect(paged).toHaveLength(2);
  });

  it('pages once for an outage that fails many calls at once (per strategy, category and pipeline, per escalateIntervalMs)', async () => {
    const clock = new ManualClock();
    const told: string[] = [];
    const safety = new SafetyPolicy({ maxRisk: 'low', escalate: ({ strategy }) => { told.push(strategy); }, escalateIntervalMs: 60_000 });
    const pipeline = new HealingPipeline({ clock, safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: () => {} })] });
    const results = await Promise.all(Array.from({ length: 20 }, () => pipeline.execute(async (): Promise<string> => { throw httpError(503); })));
    expect(results.every((r) => r.healingActions.some((a) => a.kind === 'escalate' && a.reason === 'too_risky'))).toBe(true);
    expect(told).toEqual(['restart']);
    await clock.advance(60_000);
    await pipeline.execute(async (): Promise<string> => { throw httpError(503); });
    expect(told).toEqual(['restart', 'restart']);
  });

  it('keeps the recurrence count per pipeline: three tools restarted once each are not one restart that keeps failing', async () => {
    const clock = new ManualClock();
    const safety = new SafetyPolicy({ maxRisk: 'medium', recurrence: { count: 3, windowMs: 60_000 } });
    let restarts = 0;
    const tools = ['a', 'b', 'c', 'd'].map((name) => new HealingPipeline({ name, clock, safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: () => { restarts++; } })] }));
    for (const tool of tools) await tool.execute(async (): Promise<string> => { throw httpError(503); });
    expect(restarts).toBe(4);
  });

  it('an execution that only waits for a restart already running is not refused by the recurrence limit', async () => {
    const clock = new ManualClock();
    const safety = new SafetyPolicy({ maxRisk: 'medium', recurrence: { count: 1, windowMs: 60_000 } });
    let broken = true;
    let restarts = 0;
    const tool = new HealingPipeline({ clock, safety, retry: { maxAttempts: 1 }, strategies: [restart({ restart: async () => {
      restarts++;
      await sleep(clock, 50);
      broken = false;
    } })] });
    const call = async () => { if (broken) throw networkError('ECONNREFUSED'); return 'ok'; };
    const first = tool.execute(call);
    await flushMicrotasks();
    const second = tool.execute(call); // fails while the first one's restart runs: it waits for it
    await flushMicrotasks();
    await clock.advance(50);
    expect((await first).status).toBe('ok');
    const waited = await second;
    expect(waited.status).toBe('ok');
    expect(waited.healingActions.map((a) => `${a.kind}:${a.reason}`)).toEqual(['restart:waited']);
    expect(restarts).toBe(1);
  });

  it('refuses bad options, and something that is not a policy', () => {
    expect(configError(() => new SafetyPolicy({ maxRisk: 'extreme' as never })).option).toBe('safety.maxRisk');
    expect(configError(() => new HealingPipeline({ safety: {} as never })).option).toBe('safety');
  });
});
