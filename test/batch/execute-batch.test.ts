import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeBatch, HealingPipeline, RegistryFullError } from '../../src/index.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('executeBatch(items, fn, options)', () => {
  it('returns every item result in order, with totals', async () => {
    const tries = new Map<number, number>();
    const batch = await executeBatch([1, 2, 3, 4, 5], async (n: number) => {
      tries.set(n, (tries.get(n) ?? 0) + 1);
      if (n === 2 && tries.get(n) === 1) throw networkError(); // healed by a retry
      if (n === 4) throw httpError(404); // fails for good
      return n * 10;
    }, { retry: { minDelayMs: 0 } });
    expect(batch.results.map((r) => r.status === 'ok' ? r.result : r.error.message)).toEqual([10, 20, 30, 'HTTP 404', 50]);
    expect(batch.totals).toEqual({ total: 5, succeeded: 4, failed: 1, healed: 1, successRate: 0.8 });
  });

  it('runs at most `concurrency` items at once', async () => {
    const clock = new ManualClock();
    let running = 0;
    let maxRunning = 0;
    const pending = executeBatch(Array.from({ length: 20 }, (_, i) => i), async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      running--;
      return 'done';
    }, { concurrency: 3, clock });
    for (let i = 0; i < 10; i++) await clock.advance(10);
    const batch = await pending;
    expect(maxRunning).toBe(3);
    expect(batch.totals.succeeded).toBe(20);
    expect(batch.durationMs).toBe(70); // ceil(20 / 3) rounds of 10 ms
  });

  it('an item that throws synchronously or rejects with a non-Error loses nothing else', async () => {
    const batch = await executeBatch(['a', 'boom', 'c'], (s: string) => {
      if (s === 'boom') throw 'not an error';
      return s.toUpperCase();
    }, { retry: { maxAttempts: 1 } });
    expect(batch.results.map((r) => r.status)).toEqual(['ok', 'error', 'ok']);
    expect(batch.results[2]!.result).toBe('C');
  });

  it('after an abort, started items end aborted and the rest never run', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const started: number[] = [];
    const pending = executeBatch([0, 1, 2, 3, 4, 5], async (n: number, { signal }) => {
      started.push(n);
      await new Promise<void>((resolve, reject) => {
        clock.setTimeout(resolve, 10);
        signal.addEventListener('abort', () => reject(signal.reason));
      });
      return n;
    }, { concurrency: 2, clock, signal: controller.signal });
    await clock.advance(10); // items 0 and 1 done, 2 and 3 started
    controller.abort(new Error('shutting down'));
    const batch = await pending;
    expect(started).toEqual([0, 1, 2, 3]);
    expect(batch.results.map((r) => r.status)).toEqual(['ok', 'ok', 'error', 'error', 'error', 'error']);
    expect(batch.results[4]).toMatchObject({ attempts: 0, args: 4, healingActions: [{ kind: 'give_up', reason: 'aborted' }] });
    expect(batch.results[4]!.error!.message).toBe('shutting down');
    expect(batch.totals).toMatchObject({ succeeded: 2, failed: 4 });
  });

  it('items share the circuit: once it opens, later items are refused and served by the fallback', async () => {
    const registry = new CircuitBreakerRegistry();
    const pipeline = new HealingPipeline({ registry, circuitName: 'geo', retry: { maxAttempts: 1 }, fallback: { name: 'unknown', value: null } });
    registry.get('geo', { failureThreshold: 2 });
    let calls = 0;
    const batch = await pipeline.executeBatch([1, 2, 3, 4], async () => { calls++; throw networkError(); }, { concurrency: 1 });
    expect(calls).toBe(2);
    expect(batch.results.map((r) => r.circuitBreakerTriggered)).toEqual([false, false, true, true]);
    expect(batch.totals).toMatchObject({ succeeded: 4, healed: 4 });
  });

  it('an item the pipeline cannot run at all (a full breaker registry) is that item\'s failure, not the batch\'s', async () => {
    const registry = new CircuitBreakerRegistry({ maxBreakers: 1 });
    registry.get('taken');
    const batch = await new HealingPipeline({ registry, circuitName: 'geo' }).executeBatch([1, 2], async (n: number) => n);
    expect(batch.results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(batch.results[0]!.error).toBeInstanceOf(RegistryFullError);
    expect(batch.results[0]!.healingActions).toEqual([expect.objectContaining({ kind: 'give_up', reason: 'permanent', attempt: 0 })]);
    expect(batch.totals).toMatchObject({ total: 2, failed: 2 });
  });

  it('an empty batch has a success rate of 1', async () => {
    const batch = await executeBatch([], async () => 1);
    expect(batch).toMatchObject({ results: [], totals: { total: 0, succeeded: 0, failed: 0, healed: 0, successRate: 1 } });
  });

  it('rejects misuse with a HealingConfigError before any item runs', async () => {
    let calls = 0;
    const fn = async () => { calls++; };
    await expect(executeBatch('abc' as never, fn)).rejects.toMatchObject({ name: 'HealingConfigError', option: 'items' });
    await expect(executeBatch([1], 'fn' as never)).rejects.toMatchObject({ option: 'fn' });
    await expect(executeBatch([1], fn, { concurrency: 0 })).rejects.toMatchObject({ option: 'concurrency' });
    await expect(executeBatch([1], fn, { concurrency: 1.5 })).rejects.toMatchObject({ option: 'concurrency' });
    await expect(executeBatch([1], fn, { retry: { maxAttempts: 0 } })).rejects.toMatchObject({ option: 'retry.maxAttempts' });
    await expect(executeBatch([1], fn, { retryBudget: { ratio: -1 } })).rejects.toMatchObject({ option: 'retryBudget.ratio' });
    expect(calls).toBe(0);
  });
});
