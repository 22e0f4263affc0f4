import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, executeWithHealing, HealingPipeline, SlidingWindowRetryBudget, type HealingOptions, type RetryBudget,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

const alwaysDown = async () => { throw httpError(503); };

/**
 * Drives a full outage: `rps` calls per second for `seconds`, every call of fn failing with a
 * 503. Returns how many times fn was called (the load the dependency saw) and the base traffic.
 */
async function outage(options: HealingOptions, rps = 100, seconds = 60) {
  const clock = new ManualClock();
  let load = 0;
  const fn = async () => { load++; throw httpError(503); };
  const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 3, minDelayMs: 100, jitter: 'none' }, ...options });
  const executions: Array<Promise<unknown>> = [];
  const base = rps * seconds;
  for (let i = 0; i < base; i++) {
    executions.push(pipeline.execute(fn, i));
    await clock.advance(1_000 / rps);
  }
  await clock.advance(10_000);
  const results = await Promise.all(executions) as Array<{ healingActions: Array<{ reason?: string }> }>;
  const budgetGiveUps = results.filter((r) => r.healingActions.at(-1)!.reason === 'budget').length;
  return { base, load, extra: load - base, budgetGiveUps, clock };
}

describe('retry budget', () => {
  it('holds the extra load of a full outage to the ratio plus the floor, where plain retry triples it', async () => {
    const plain = await outage({});
    expect(plain.load).toBe(3 * plain.base); // 6000 calls become 18 000

    const ratio = 0.1;
    const minRetries = 10;
    const budgeted = await outage({ retryBudget: { ratio, minRetries, windowMs: 10_000 } });
    // Within any window, retries <= ratio x calls + minRetries: over the 60 s outage (6 windows,
    // plus one for the window's slide) that bounds the extra load at 10 % + 70 calls (11.2 %).
    expect(budgeted.extra).toBeLessThanOrEqual(ratio * budgeted.base + minRetries * 7);
    expect(budgeted.extra / budgeted.base).toBeGreaterThan(ratio * 0.9); // the budget is used, not just refused
    expect(budgeted.budgetGiveUps).toBeGreaterThan(budgeted.base * 0.8);
    expect(budgeted.clock.timerCount).toBe(0);
  });

  it('without a floor, holds the extra load of an outage under the ratio itself (10 %)', async () => {
    const budgeted = await outage({ retryBudget: { ratio: 0.1, minRetries: 0 } });
    expect(budgeted.extra / budgeted.base).toBeLessThanOrEqual(0.1);
    expect(budgeted.extra / budgeted.base).toBeGreaterThan(0.09);
  });

  it('gives up with a budget action when spent, and retries again once the window has moved on', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 2, minDelayMs: 0 }, retryBudget: { ratio: 0, minRetries: 2, windowMs: 1_000 } });
    const attempts: number[] = [];
    for (let i = 0; i < 4; i++) attempts.push((await pipeline.execute(alwaysDown, i)).attempts);
    expect(attempts).toEqual([2, 2, 1, 1]);
    const spent = await pipeline.execute(alwaysDown, 5);
    expect(spent.healingActions.map((a) => [a.kind, a.reason])).toEqual([['give_up', 'budget']]);
    expect(spent.healingActions[0]!.detail).toMatch(/^budget: the retry budget is spent/);
    await clock.advance(1_000);
    expect((await pipeline.execute(alwaysDown, 6)).attempts).toBe(2);
  });

  it('never spends the budget on calls that succeed first time', async () => {
    const budget: RetryBudget & { deposits: number; withdrawals: number } = {
      deposits: 0, withdrawals: 0,
      deposit() { this.deposits++; },
      tryWithdraw() { this.withdrawals++; return true; },
    };
    const pipeline = new HealingPipeline({ retryBudget: budget, retry: { minDelayMs: 0 } });
    for (let i = 0; i < 5; i++) await pipeline.execute(async () => i, i);
    await pipeline.execute(async (_: unknown, { attempt }) => { if (attempt === 1) throw networkError(); return 1; }, 0);
    expect(budget).toMatchObject({ deposits: 6, withdrawals: 1 });
  });

  it('is not spent by a retry that never happens: a Retry-After too long to honour, a deadline too near', async () => {
    const budget = new SlidingWindowRetryBudget({ ratio: 0, minRetries: 1, windowMs: 60_000 });
    const pipeline = new HealingPipeline({ retryBudget: budget, retry: { maxAttempts: 3, minDelayMs: 0, maxRetryAfterMs: 1_000 } });
    for (let i = 0; i < 3; i++) {
      const tooLong = await pipeline.execute(async () => { throw httpError(429, { 'retry-after': '120' }); }, i);
      expect(tooLong.healingActions.at(-1)!.reason).toBe('retry_after');
    }
    const tooNear = await pipeline.execute(async () => { throw httpError(503); }, 0, { deadlineMs: 50, retry: { minDelayMs: 100, jitter: 'none' } });
    expect(tooNear.healingActions.at(-1)!.reason).toBe('deadline');
    // The one retry the budget allows is still there for a failure that can be retried.
    const retried = await pipeline.execute(async (_: unknown, { attempt }) => { if (attempt === 1) throw networkError(); return 'ok'; }, 0);
    expect(retried).toMatchObject({ status: 'ok', attempts: 2 });
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('accepts any RetryBudget (e.g. one shared by a fleet) and obeys its refusal', async () => {
    const refuseAll: RetryBudget = { deposit: () => {}, tryWithdraw: () => false };
    const result = await executeWithHealing(alwaysDown, {}, { retryBudget: refuseAll, retry: { maxAttempts: 5 } });
    expect(result.attempts).toBe(1);
    expect(result.healingActions.at(-1)!.reason).toBe('budget');
  });

  it('awaits an async budget (one shared by a fleet, e.g. in Redis)', async () => {
    const clock = new ManualClock();
    let tokens = 1;
    const remote: RetryBudget = {
      deposit: async () => {},
      tryWithdraw: () => new Promise<boolean>((resolve) => clock.setTimeout(() => resolve(tokens-- > 0), 5)),
    };
    const pipeline = new HealingPipeline({ clock, retryBudget: remote, retry: { maxAttempts: 3, minDelayMs: 0 } });
    const pending = pipeline.execute(alwaysDown, {});
    await clock.advance(10);
    const result = await pending;
    expect(result.attempts).toBe(2);
    expect(result.healingActions.at(-1)!.reason).toBe('budget');
  });

  it('treats a budget that throws or rejects as spent, and ignores a failing deposit', async () => {
    const broken: RetryBudget = {
      deposit: () => { throw new Error('store down'); },
      tryWithdraw: () => { throw new Error('store down'); },
    };
    const result = await executeWithHealing(alwaysDown, {}, { retryBudget: broken, retry: { maxAttempts: 3 } });
    expect(result).toMatchObject({ status: 'error', attempts: 1 });
    expect(result.healingActions.at(-1)!.reason).toBe('budget');
    const rejecting: RetryBudget = { deposit: () => Promise.reject(new Error('down')), tryWithdraw: () => Promise.reject(new Error('down')) };
    const again = await executeWithHealing(alwaysDown, {}, { retryBudget: rejecting, retry: { maxAttempts: 3 } });
    expect(again.healingActions.at(-1)!.reason).toBe('budget');
  });

  it('is shared by a pipeline and its overrides, and per circuit with scope "circuit"', async () => {
    const registry = new CircuitBreakerRegistry();
    const shared = { ratio: 0, minRetries: 1, scope: 'circuit' as const };
    const a = new HealingPipeline({ registry, circuitName: 'api', retryBudget: shared, retry: { minDelayMs: 0, maxAttempts: 2 } });
    const b = new HealingPipeline({ registry, circuitName: 'api', retryBudget: { ...shared }, retry: { minDelayMs: 0, maxAttempts: 2 } });
    const other = new HealingPipeline({ registry, circuitName: 'other', retryBudget: shared, retry: { minDelayMs: 0, maxAttempts: 2 } });
    expect((await a.execute(alwaysDown, 1)).attempts).toBe(2);
    expect((await b.execute(alwaysDown, 1)).attempts).toBe(1); // same circuit: the one retry is gone
    expect((await other.execute(alwaysDown, 1)).attempts).toBe(2);

    const pipeline = new HealingPipeline({ retryBudget: { ratio: 0, minRetries: 1 }, retry: { minDelayMs: 0 } });
    expect((await pipeline.execute(alwaysDown, 1)).attempts).toBe(2);
    expect((await pipeline.execute(alwaysDown, 1, { retry: { maxAttempts: 4 } })).attempts).toBe(1);
  });

  it('is not consulted when the circuit refuses (a refusal is never retried)', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('down', { failureThreshold: 1 }).recordFailure();
    let withdrawals = 0;
    const result = await executeWithHealing(alwaysDown, {}, {
      registry, circuitName: 'down', retryBudget: { deposit: () => {}, tryWithdraw: () => { withdrawals++; return true; } },
    });
    expect(result.healingActions.at(-1)!.reason).toBe('circuit_open');
    expect(withdrawals).toBe(0);
  });

  it('is not consulted after the caller aborted', async () => {
    const controller = new AbortController();
    let withdrawals = 0;
    const result = await executeWithHealing(async () => { controller.abort(); throw networkError(); }, {}, {
      signal: controller.signal, retryBudget: { deposit: () => {}, tryWithdraw: () => { withdrawals++; return true; } },
    });
    expect(result.healingActions.at(-1)!.reason).toBe('aborted');
    expect(withdrawals).toBe(0);
  });

  it('rejects bad settings with a HealingConfigError naming the option', async () => {
    expect(configError(() => new HealingPipeline({ retryBudget: { ratio: -0.1 } })).option).toBe('retryBudget.ratio');
    expect(configError(() => new HealingPipeline({ retryBudget: { ratio: -0.1 } })).message).toMatch(/ratio >= 0/);
    expect(configError(() => new HealingPipeline({ retryBudget: { minRetries: 1.5 } })).option).toBe('retryBudget.minRetries');
    expect(configError(() => new HealingPipeline({ retryBudget: { windowMs: 0 } })).option).toBe('retryBudget.windowMs');
    expect(configError(() => new HealingPipeline({ retryBudget: { scope: 'global' } as never })).option).toBe('retryBudget.scope');
    expect(configError(() => new HealingPipeline({ retryBudget: { scope: 'circuit' } })).option).toBe('retryBudget.scope');
    expect(configError(() => new HealingPipeline({ retryBudget: 0.1 as never })).option).toBe('retryBudget');
    expect(configError(() => new SlidingWindowRetryBudget({ ratio: -1 })).option).toBe('retryBudget.ratio');
    await expect(executeWithHealing(alwaysDown, {}, { retryBudget: { ratio: -1 } })).rejects.toMatchObject({ option: 'retryBudget.ratio' });
  });
});

describe('SlidingWindowRetryBudget', () => {
  it.each([
    ['an object whose now is not a function', { now: 'not a function' }],
    ['null', null],
    ['a bare function', () => 0],
  ])('refuses a clock of %s with a HealingConfigError naming clock, when built', (_name, clock) => {
    const error = configError(() => new SlidingWindowRetryBudget({ ratio: 1, minRetries: 100 }, clock as never));
    expect(error.option).toBe('clock');
    expect(error.message).toMatch(/expected a Clock with now\(\), setTimeout\(\) and clearTimeout\(\)/);
  });

  it('allows ratio x recent calls + minRetries retries, and forgets calls older than the window', async () => {
    const clock = new ManualClock();
    const budget = new SlidingWindowRetryBudget({ ratio: 0.5, minRetries: 1, windowMs: 1_000 }, clock);
    for (let i = 0; i < 4; i++) budget.deposit();
    const granted = Array.from({ length: 5 }, () => budget.tryWithdraw());
    expect(granted).toEqual([true, true, true, false, false]); // 0.5 x 4 + 1 = 3
    await clock.advance(1_000);
    expect(budget.tryWithdraw()).toBe(true); // only the floor is left
    expect(budget.tryWithdraw()).toBe(false);
  });

  it('slides in tenths of the window', async () => {
    const clock = new ManualClock(0);
    const budget = new SlidingWindowRetryBudget({ ratio: 1, minRetries: 0, windowMs: 1_000 }, clock);
    budget.deposit(); // at 0
    await clock.advance(500);
    budget.deposit(); // at 500
    expect(budget.tryWithdraw()).toBe(true);
    await clock.advance(500); // the call at 0 has left the window, and so has no retry
    expect(budget.tryWithdraw()).toBe(false); // 1 call in the window, 1 retry in it already
    await clock.advance(500);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
  });
});
