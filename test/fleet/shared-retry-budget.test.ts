import { describe, expect, it } from 'vitest';
import { HealingConfigError, HealingPipeline } from '../../src/index.js';
import { MemoryStateStore, SharedRetryBudget, type StateStore } from '../../src/fleet/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

const withdrawAll = (budget: SharedRetryBudget, tries: number) => Array.from({ length: tries }, () => budget.tryWithdraw()).filter(Boolean).length;

/** A store that fails (or hangs) on demand, around a real memory store. */
function flakyStore(): StateStore & { down: 'no' | 'reject' | 'hang' } {
  const inner = new MemoryStateStore();
  const store = Object.create(inner) as StateStore & { down: 'no' | 'reject' | 'hang' };
  store.down = 'no';
  store.addToWindow = (...args) => {
    if (store.down === 'reject') return Promise.reject(new Error('ECONNREFUSED'));
    if (store.down === 'hang') return new Promise(() => {});
    return inner.addToWindow(...args);
  };
  return store;
}

describe('SharedRetryBudget', () => {
  it('holds the whole fleet to ratio x the fleet\'s calls + minRetries, not each process', async () => {
    const store = new MemoryStateStore();
    const clock = new ManualClock();
    const a = new SharedRetryBudget('payments', { store, clock, ratio: 0.1, minRetries: 2 });
    const b = new SharedRetryBudget('payments', { store, clock, ratio: 0.1, minRetries: 2 });
    for (let i = 0; i < 50; i++) a.deposit();
    for (let i = 0; i < 50; i++) b.deposit();
    await a.flush();
    await b.flush();
    await a.flush(); // a now sees the fleet's 100 calls

    expect(withdrawAll(a, 30)).toBe(12); // 0.1 x 100 + 2
    await a.flush();
    await b.flush();
    expect(withdrawAll(b, 30)).toBe(0); // the fleet's budget is spent, though b retried nothing
    expect(b.stats()).toMatchObject({ mode: 'shared', calls: 100, retries: 12, refused: 30 });
    await Promise.all([a.close(), b.close()]);
    expect(clock.timerCount).toBe(0);
  });

  it('flushes on its own, batched, on a timer armed only while there is something to send', async () => {
    const store = new MemoryStateStore();
    const clock = new ManualClock();
    const a = new SharedRetryBudget('search', { store, clock, flushIntervalMs: 250 });
    const b = new SharedRetryBudget('search', { store, clock, flushIntervalMs: 250 });
    expect(clock.timerCount).toBe(0);
    for (let i = 0; i < 200; i++) a.deposit();
    expect(clock.timerCount).toBe(1);
    await clock.advance(250);
    b.deposit();
    await clock.advance(250);
    expect(b.stats().calls).toBe(201);
    expect(clock.timerCount).toBe(0);
  });

  it('decides alone while the store is unreachable or hangs, never waits, and rejoins when it answers', async () => {
    for (const failure of ['reject', 'hang'] as const) {
      const store = flakyStore();
      const clock = new ManualClock();
      const budget = new SharedRetryBudget('geo', { store, clock, ratio: 0, minRetries: 3, storeTimeoutMs: 100, flushIntervalMs: 250 });
      store.down = failure;
      budget.deposit();
      await clock.advance(250);
      if (failure === 'hang') await clock.advance(100);
      expect(budget.stats().mode).toBe('local');
      expect(withdrawAll(budget, 10)).toBe(3); // this process's own budget decides, at once

      store.down = 'no';
      await clock.advance(250);
      expect(budget.stats().mode).toBe('shared');
      await budget.close();
      expect(clock.timerCount).toBe(0);
    }
  });

  it('bounds a fleet\'s retries during an outage where per-process budgets multiply the floor', async () => {
    /** 4 "processes" x 20 executions in one 10 s window, every call failing; returns the retries made. */
    async function outage(shared: boolean): Promise<number> {
      const clock = new ManualClock();
      const sharedStore = new MemoryStateStore();
      const budgets = [0, 1, 2, 3].map(() => new SharedRetryBudget('inventory', {
        store: shared ? sharedStore : new MemoryStateStore(), clock, ratio: 0.1, minRetries: 20, flushIntervalMs: 100,
      }));
      const pipelines = budgets.map((retryBudget) => new HealingPipeline({ retryBudget, clock, retry: { maxAttempts: 3, minDelayMs: 0 } }));
      let calls = 0;
      const down = async () => {
        calls++;
        throw Object.assign(new Error('503'), { status: 503 });
      };
      for (let round = 0; round < 20; round++) {
        for (const pipeline of pipelines) await pipeline.execute(down, undefined);
        await clock.advance(100); // each process flushes and sees the others' counts
      }
      await Promise.all(budgets.map((budget) => budget.close()));
      return calls - 80;
    }
    // Each process alone allows 0.1 x 20 + 20 = 22 retries: 88 for the fleet's 80 calls (+110 %).
    expect(await outage(false)).toBe(88);
    // Shared: 0.1 x 80 + 20 = 28 for the whole fleet, give or take one flush interval's spending.
    const retries = await outage(true);
    expect(retries).toBeGreaterThanOrEqual(20); // the floor is always there
    expect(retries).toBeLessThanOrEqual(28 + 4);
  });

  it('names the bad option', () => {
    for (const [options, option] of [[{ ratio: -1 }, 'sharedRetryBudget.ratio'], [{ store: {} }, 'sharedRetryBudget.store'], [{ flushIntervalMs: 0 }, 'sharedRetryBudget.flushIntervalMs']] as const) {
      try {
        new SharedRetryBudget('x', options as never);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(HealingConfigError);
        expect((error as HealingConfigError).option).toBe(option);
      }
    }
    expect(() => new SharedRetryBudget('')).toThrow(/key must be a non-empty string/);
  });
});
