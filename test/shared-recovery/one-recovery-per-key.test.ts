import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, HealingConfigError, HealingPipeline, executeWithHealing, oneRecoveryPerKey, sleep, type HealingResult,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';

/**
 * A tool that is broken until `recover` (50 ms on the manual clock) fixes it, behind a pipeline
 * with circuit "tool" (a breaker that does not open: these tests are about the recovery).
 */
function toolSetup(recoverMs = 50, strategyOptions: Partial<Parameters<typeof oneRecoveryPerKey>[0]> = {}) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  registry.get('tool', { failureThreshold: 1_000 });
  const state = { broken: true, recovers: 0, calls: new Map<string, number>() };
  const fn = async (id: string) => {
    state.calls.set(id, (state.calls.get(id) ?? 0) + 1);
    if (state.broken) throw new Error('tool process exited');
    return `ok ${id}`;
  };
  const strategy = oneRecoveryPerKey<string>({
    recover: async () => {
      state.recovers++;
      await sleep(clock, recoverMs);
      state.broken = false;
    },
    ...strategyOptions,
  });
  const pipeline = new HealingPipeline({ clock, registry, circuitName: 'tool', retry: { maxAttempts: 1 }, strategies: [strategy] });
  return { clock, state, fn, strategy, pipeline };
}

const reasons = (result: HealingResult<unknown>) => result.healingActions.filter((a) => a.kind === 'recovery').map((a) => a.reason);
const giveUp = (result: HealingResult<unknown>) => result.healingActions.at(-1);

/** Tracks when each pending result settles, to tell "ended at once" from "ended after the clock moved". */
function track<T>(pending: Promise<T>): { settled: boolean; pending: Promise<T> } {
  const tracked = { settled: false, pending };
  void pending.then(() => { tracked.settled = true; });
  return tracked;
}

describe('oneRecoveryPerKey', () => {
  it('100 concurrent calls failing on one circuit cause exactly one recovery, then all succeed', async () => {
    const { clock, state, fn, strategy, pipeline } = toolSetup();
    const ids = Array.from({ length: 100 }, (_, i) => `call-${i}`);
    const pending = Promise.all(ids.map((id) => pipeline.execute(fn, id)));
    await flushMicrotasks();
    expect(strategy.recovering('tool')).toBe(true);
    await clock.advance(50);
    const results = await pending;
    expect(state.recovers).toBe(1);
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'ok'));
    expect(results.map((r) => r.result)).toEqual(ids.map((id) => `ok ${id}`));
    expect([...state.calls.values()]).toEqual(ids.map(() => 2));
    const all = results.flatMap(reasons);
    expect(all.filter((r) => r === 'ran')).toHaveLength(1);
    expect(all.filter((r) => r === 'waited')).toHaveLength(99);
    expect(results[0]!.healingActions[0]).toMatchObject({ kind: 'recovery', attempt: 1, circuit: 'tool', error: 'tool process exited' });
    expect(strategy.recovering('tool')).toBe(false);
    expect(clock.timerCount).toBe(0);
  });

  it('a successful recovery closes the circuit its failures opened, unless closeCircuit is false', async () => {
    for (const closeCircuit of [undefined, false]) {
      const clock = new ManualClock();
      const registry = new CircuitBreakerRegistry({ clock }); // default breaker: opens after 5 failures in a row
      let broken = true;
      const strategy = oneRecoveryPerKey({ closeCircuit, recover: async () => { await sleep(clock, 10); broken = false; } });
      const pipeline = new HealingPipeline({ clock, registry, circuitName: 'tool', retry: { maxAttempts: 1 }, strategies: [strategy] });
      const pending = Promise.all(Array.from({ length: 20 }, () => pipeline.execute(async () => {
        if (broken) throw new Error('tool process exited');
        return 'ok';
      }, {})));
      await flushMicrotasks();
      expect(registry.get('tool').state).toBe('OPEN');
      await clock.advance(10);
      const statuses = (await pending).map((r) => r.status);
      if (closeCircuit === undefined) expect(statuses).toEqual(statuses.map(() => 'ok'));
      else expect(statuses).toEqual(statuses.map(() => 'error')); // every retry refused by the open circuit
    }
  });

  it("one caller's abort ends its own wait at once with its reason; the others still recover and succeed", async () => {
    const { clock, state, fn, pipeline } = toolSetup();
    const controllers = [0, 1, 2].map(() => new AbortController());
    const calls = controllers.map((c, i) => track(pipeline.execute(fn, `call-${i}`, { signal: c.signal })));
    await flushMicrotasks();
    const reason = new Error('caller 1 went away');
    controllers[1]!.abort(reason);
    await flushMicrotasks();
    expect(calls.map((c) => c.settled)).toEqual([false, true, false]);
    const aborted = await calls[1]!.pending;
    expect(aborted).toMatchObject({ status: 'error', attempts: 1 });
    expect(aborted.status === 'error' && aborted.error).toBe(reason);
    expect(giveUp(aborted)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(reasons(aborted)).toEqual(['waited']);

    await clock.advance(50);
    const [first, , third] = await Promise.all(calls.map((c) => c.pending));
    expect([first!.status, third!.status]).toEqual(['ok', 'ok']);
    expect(state.recovers).toBe(1);
    expect(state.calls.get('call-1')).toBe(1); // fn not called again for the aborted caller
    expect(clock.timerCount).toBe(0);
  });

  it('the caller that started the recovery may abort: the recovery still serves the others', async () => {
    const { clock, state, fn, pipeline } = toolSetup();
    const starter = new AbortController();
    const first = track(pipeline.execute(fn, 'starter', { signal: starter.signal }));
    await flushMicrotasks();
    const others = ['a', 'b'].map((id) => pipeline.execute(fn, id));
    await flushMicrotasks();
    starter.abort(new Error('starter gone'));
    await flushMicrotasks();
    expect(first.settled).toBe(true);
    expect(reasons(await first.pending)).toEqual(['ran']);
    await clock.advance(50);
    const results = await Promise.all(others);
    expect(results.map((r) => [r.status, reasons(r)])).toEqual([['ok', ['waited']], ['ok', ['waited']]]);
    expect(state.recovers).toBe(1);
  });

  it("a caller's deadline ends its wait when it passes; the recovery goes on for the others", async () => {
    const { clock, state, fn, pipeline } = toolSetup();
    const late = track(pipeline.execute(fn, 'late', { deadlineMs: 20 }));
    const patient = track(pipeline.execute(fn, 'patient'));
    await clock.advance(19);
    expect(late.settled).toBe(false);
    await clock.advance(1);
    expect([late.settled, patient.settled]).toEqual([true, false]);
    const result = await late.pending;
    expect(result).toMatchObject({ status: 'error', attempts: 1 });
    expect(result.status === 'error' && result.error.message).toBe('tool process exited');
    expect(giveUp(result)).toMatchObject({ reason: 'deadline' });
    expect(giveUp(result)!.detail).toContain('the recovery of "tool"');
    await clock.advance(30);
    expect(await patient.pending).toMatchObject({ status: 'ok', attempts: 2 });
    expect(state.calls.get('late')).toBe(1);
    expect(state.recovers).toBe(1);
    expect(clock.timerCount).toBe(0);
  });

  it('a failed recovery fails every execution that waited for it, and stops healing', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const strategy = oneRecoveryPerKey({
      kind: 'restart',
      recover: async () => {
        await sleep(clock, 10);
        throw new Error('spawn ENOENT');
      },
    });
    const fn = async () => {
      calls++;
      throw new Error('tool process exited');
    };
    const pipeline = new HealingPipeline({ clock, circuitName: 'tool-failing', retry: { maxAttempts: 3, minDelayMs: 1 }, strategies: [strategy] });
    const pending = Promise.all([1, 2, 3].map(() => pipeline.execute(fn, {})));
    await clock.advance(10);
    const results = await pending;
    for (const result of results) {
      expect(result).toMatchObject({ status: 'error', attempts: 1 });
      expect(result.status === 'error' && result.error.message).toBe('tool process exited');
      const restarts = result.healingActions.filter((a) => a.kind === 'restart');
      expect(restarts.at(-1)).toMatchObject({ reason: 'failed', succeeded: false });
      expect(restarts.at(-1)!.detail).toContain('spawn ENOENT');
      expect(giveUp(result)).toMatchObject({ reason: 'stopped' });
    }
    expect(calls).toBe(3); // no retry after the failed recovery
    expect(strategy.recovering('tool-failing')).toBe(false);
  });

  it('a recovery that passes timeoutMs fails, its signal aborts, and the key is free again', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const strategy = oneRecoveryPerKey({ timeoutMs: 100, recover: (_failure, { signal }) => { signals.push(signal); return new Promise<void>(() => {}); } });
    const pipeline = new HealingPipeline({ clock, circuitName: 'hung', retry: { maxAttempts: 1 }, strategies: [strategy] });
    const pending = Promise.all([1, 2].map(() => pipeline.execute(async () => { throw new Error('down'); }, {})));
    await clock.advance(100);
    const results = await pending;
    expect(results.map((r) => r.healingActions.find((a) => a.reason === 'failed')?.detail))
      .toEqual(['the recovery of "hung" failed: the recovery of "hung" did not finish within 100 ms', expect.any(String)]);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(strategy.recovering('hung')).toBe(false);
    expect(clock.timerCount).toBe(0);
  });

  it('a second wave after the first recovery finished starts a new recovery', async () => {
    const { clock, state, fn, pipeline } = toolSetup();
    const wave = () => Promise.all(['a', 'b', 'c'].map((id) => pipeline.execute(fn, id)));
    const first = wave();
    await clock.advance(50);
    expect((await first).map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    state.broken = true;
    const second = wave();
    await clock.advance(50);
    const results = await second;
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(results.flatMap(reasons).sort()).toEqual(['ran', 'waited', 'waited']);
    expect(state.recovers).toBe(2);
  });

  it('an attempt started before the recovery finished and failing after it is retried without a new recovery', async () => {
    const clock = new ManualClock();
    let broken = true;
    let recovers = 0;
    const strategy = oneRecoveryPerKey({ recover: async () => { recovers++; await sleep(clock, 50); broken = false; } });
    const fn = async (slowMs: number) => {
      const sawBroken = broken;
      await sleep(clock, slowMs);
      if (sawBroken) throw new Error('tool process exited');
      return 'ok';
    };
    const pipeline = new HealingPipeline({ clock, circuitName: 'stale', retry: { maxAttempts: 1 }, strategies: [strategy] });
    const fast = pipeline.execute(fn, 0);
    const slow = pipeline.execute(fn, 100); // started on the broken tool, fails at 100 ms, after the fix at 50 ms
    await clock.advance(200); // and its retry takes 100 ms more
    const [a, b] = await Promise.all([fast, slow]);
    expect([a.status, b.status]).toEqual(['ok', 'ok']);
    expect(reasons(b)).toEqual(['recovered']);
    expect(recovers).toBe(1);
  });

  it('key(ctx) chooses what shares a recovery: one recovery per tenant, no circuit needed', async () => {
    const clock = new ManualClock();
    const broken = new Set(['acme', 'globex']);
    const recovered: string[] = [];
    const strategy = oneRecoveryPerKey<{ tenant: string }>({
      key: (ctx) => `tenant:${ctx.args.tenant}`,
      recover: async (failure, { key, args }) => {
        recovered.push(`${key} after ${failure.error.message}`);
        await sleep(clock, 10);
        broken.delete(args.tenant);
      },
    });
    const fn = async ({ tenant }: { tenant: string }) => {
      if (broken.has(tenant)) throw new Error(`pool of ${tenant} closed`);
      return tenant;
    };
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [strategy] });
    const pending = Promise.all(['acme', 'globex', 'acme', 'globex', 'acme'].map((tenant) => pipeline.execute(fn, { tenant })));
    await clock.advance(10);
    const results = await pending;
    expect(results.map((r) => r.result)).toEqual(['acme', 'globex', 'acme', 'globex', 'acme']);
    expect(recovered.sort()).toEqual(['tenant:acme after pool of acme closed', 'tenant:globex after pool of globex closed']);
  });

  it('when(failure) decides which failures call for the recovery; open-circuit refusals never do by default', async () => {
    const clock = new ManualClock();
    let recovers = 0;
    const strategy = oneRecoveryPerKey({ when: (failure) => /exited/.test(failure.error.message), recover: () => { recovers++; } });
    const pipeline = new HealingPipeline({ clock, circuitName: 'when', retry: { maxAttempts: 1 }, strategies: [strategy] });
    const result = await pipeline.execute(async () => { throw new Error('bad request'); }, {});
    expect(result).toMatchObject({ status: 'error', attempts: 1 });
    expect(recovers).toBe(0);

    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('open', { failureThreshold: 1 }).recordFailure();
    const byDefault = oneRecoveryPerKey({ recover: () => { recovers++; } });
    const refused = await new HealingPipeline({ clock, registry, circuitName: 'open', retry: { maxAttempts: 1 }, strategies: [byDefault] })
      .execute(async () => 'never', {});
    expect(refused).toMatchObject({ status: 'error', attempts: 0 });
    expect(recovers).toBe(0);
  });

  it("with placement 'execution' the recovery runs after the whole retry loop, then the loop runs again", async () => {
    const clock = new ManualClock();
    let broken = true;
    let recovers = 0;
    const strategy = oneRecoveryPerKey({ placement: 'execution', recover: () => { recovers++; broken = false; } });
    const fn = async () => {
      if (broken) throw Object.assign(new Error('unavailable'), { status: 503 });
      return 'ok';
    };
    const pending = new HealingPipeline({ clock, circuitName: 'exec', retry: { maxAttempts: 2, minDelayMs: 10, jitter: 'none' }, strategies: [strategy] })
      .execute(fn, {});
    await clock.advance(10);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', attempts: 3 });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'recovery']);
    expect(recovers).toBe(1);
  });

  it('refuses bad options, and a pipeline with neither key nor circuitName, with a HealingConfigError', async () => {
    expect(configError(() => oneRecoveryPerKey(undefined as never)).option).toBe('oneRecoveryPerKey');
    expect(configError(() => oneRecoveryPerKey({} as never)).option).toBe('oneRecoveryPerKey.recover');
    expect(configError(() => oneRecoveryPerKey({ recover: () => {}, timeoutMs: 0 })).option).toBe('oneRecoveryPerKey.timeoutMs');
    expect(configError(() => oneRecoveryPerKey({ recover: () => {}, key: 'tool' as never })).option).toBe('oneRecoveryPerKey.key');
    expect(configError(() => oneRecoveryPerKey({ recover: () => {}, retries: 2 } as never)).option).toBe('oneRecoveryPerKey.retries');

    const strategy = oneRecoveryPerKey({ recover: () => {} });
    const refused = configError(() => new HealingPipeline({ strategies: [strategy] }));
    expect(refused.option).toBe('strategies[0]');
    expect(refused.message).toMatch(/circuitName.*key/);
    await expect(executeWithHealing(async () => 1, {}, { strategies: [strategy] })).rejects.toBeInstanceOf(HealingConfigError);
  });

  it('a key function that returns no string fails the call with a HealingConfigError and never calls fn', async () => {
    let calls = 0;
    const strategy = oneRecoveryPerKey<{ tenant?: string }>({ key: (ctx) => ctx.args.tenant as string, recover: () => {} });
    const result = await executeWithHealing(async () => ++calls, {}, { strategies: [strategy] });
    expect(result).toMatchObject({ status: 'error', attempts: 0 });
    expect(result.status === 'error' && result.error).toBeInstanceOf(HealingConfigError);
    expect(calls).toBe(0);
  });
});
