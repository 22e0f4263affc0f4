import { describe, expect, it } from 'vitest';
import { Bulkhead, CircuitBreakerRegistry, executeWithHealing, HealingPipeline } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** fn whose n-th call (1-based) takes `latencies[n-1]` ms of fake time, honouring its signal. */
function service(clock: ManualClock, latencies: number[], fail: number[] = []) {
  const calls: Array<{ signal: AbortSignal; n: number }> = [];
  const fn = (_args: unknown, { signal }: { signal: AbortSignal }) => {
    const n = calls.length + 1;
    calls.push({ signal, n });
    return new Promise<string>((resolve, reject) => {
      const timer = clock.setTimeout(() => (fail.includes(n) ? reject(httpError(503, undefined, `call ${n} failed`)) : resolve(`call ${n}`)), latencies[n - 1] ?? 0);
      signal.addEventListener('abort', () => { clock.clearTimeout(timer); reject(signal.reason); }, { once: true });
    });
  };
  return { fn, calls };
}

describe('hedging', () => {
  it('starts a second call after delayMs when the first is slow; the first success wins and the loser is aborted', async () => {
    const clock = new ManualClock();
    const { fn, calls } = service(clock, [1_000, 100]);
    const pending = executeWithHealing(fn, {}, { clock, hedge: { delayMs: 200 } });
    await clock.advance(300);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: 'call 2', attempts: 1, durationMs: 300 });
    expect(calls.map((c) => c.signal.aborted)).toEqual([true, false]);
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['hedge', undefined], ['hedge', 'hedge_won']]);
    expect(clock.timerCount).toBe(0);
  });

  it('does not hedge a call faster than delayMs', async () => {
    const clock = new ManualClock();
    const { fn, calls } = service(clock, [150]);
    const pending = executeWithHealing(fn, {}, { clock, hedge: { delayMs: 200 } });
    await clock.advance(150);
    const result = await pending;
    expect(calls).toHaveLength(1);
    expect(result.healingActions).toEqual([]);
    expect(clock.timerCount).toBe(0);
  });

  it('keeps the first when it wins after the hedge started', async () => {
    const clock = new ManualClock();
    const { fn, calls } = service(clock, [300, 1_000]);
    const pending = executeWithHealing(fn, {}, { clock, hedge: { delayMs: 200 } });
    await clock.advance(300);
    const result = await pending;
    expect(result.result).toBe('call 1');
    expect(calls[1]!.signal.aborted).toBe(true);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'hedge', reason: 'first_won' });
  });

  it('waits for the other call when one fails, and fails the attempt only when both fail', async () => {
    const clock = new ManualClock();
    const { fn } = service(clock, [300, 400], [1]);
    const pending = executeWithHealing(fn, {}, { clock, hedge: { delayMs: 200 }, retry: { maxAttempts: 1 } });
    await clock.advance(600);
    expect((await pending).result).toBe('call 2');

    const both = service(clock, [300, 400], [1, 2]);
    const failing = executeWithHealing(both.fn, {}, { clock, hedge: { delayMs: 200 }, retry: { maxAttempts: 1 } });
    await clock.advance(600);
    const result = await failing;
    expect(result.status).toBe('error');
    expect(result.error!.message).toBe('call 1 failed'); // the attempt's own error
  });

  it('hedges with the first fallback: it serves, the breaker does not count it, the primary is aborted', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('slow', { failureThreshold: 1, breakDurationMs: 1_000 });
    breaker.recordFailure();
    await clock.advance(1_000);
    expect(breaker.state).toBe('HALF_OPEN');
    const { fn, calls } = service(clock, [5_000]);
    const pending = executeWithHealing(fn, {}, {
      clock, registry, circuitName: 'slow', hedge: { delayMs: 200, with: 'fallback' },
      fallback: { name: 'cache', run: () => 'cached' },
    });
    await clock.advance(200);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: 'cached', servedBy: 'cache', healed: true });
    expect(calls[0]!.signal.aborted).toBe(true);
    // A success would have closed the half-open breaker; the fallback's win only freed the probe slot.
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.canExecute()).toBe(true);
    expect(clock.timerCount).toBe(0);
  });

  it('stops both calls when the caller aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { fn, calls } = service(clock, [1_000, 1_000]);
    const pending = executeWithHealing(fn, {}, { clock, signal: controller.signal, hedge: { delayMs: 100 } });
    await clock.advance(150);
    controller.abort(new Error('bye'));
    const result = await pending;
    expect(result.healingActions.at(-1)!.reason).toBe('aborted');
    expect(calls.map((c) => c.signal.aborted)).toEqual([true, true]);
    expect(clock.timerCount).toBe(0);
  });

  it('gives the hedged call its own time limit', async () => {
    const clock = new ManualClock();
    const { fn, calls } = service(clock, [10_000, 10_000]);
    const pending = executeWithHealing(fn, {}, { clock, timeoutMs: 1_000, hedge: { delayMs: 500 }, retry: { maxAttempts: 1 } });
    await clock.advance(1_000);
    // Attempt 1 reached its limit; the hedge, started at 500 ms, still has 500 ms of its own.
    expect(calls.map((c) => c.signal.aborted)).toEqual([true, false]);
    await clock.advance(500);
    const result = await pending;
    expect(result.status).toBe('error');
    expect(calls.map((c) => c.signal.aborted)).toEqual([true, true]);
    expect(clock.timerCount).toBe(0);
  });

  describe('with a bulkhead, a call of fn the race stopped waiting for keeps a slot until it ends (fn may ignore its signal)', () => {
    /** fn whose n-th call runs `latencies[n-1]` ms of fake time and ignores its signal, or stops `stopsAfterAbortMs` after it aborts. */
    function deaf(clock: ManualClock, latencies: number[], stopsAfterAbortMs?: number) {
      const ended: number[] = []; // in ms from the start
      const start = clock.now();
      let running = 0;
      const fn = (_args: unknown, { signal }: { signal: AbortSignal }) => {
        const n = ended.length + running + 1;
        running++;
        return new Promise<string>((resolve) => {
          const end = () => { running--; ended.push(clock.now() - start); resolve(`call ${n}`); };
          const timer = clock.setTimeout(end, latencies[n - 1] ?? 0);
          if (stopsAfterAbortMs !== undefined) signal.addEventListener('abort', () => { clock.clearTimeout(timer); clock.setTimeout(end, stopsAfterAbortMs); }, { once: true });
        });
      };
      return { fn, ended, running: () => running };
    }

    it.each([
      ['the hedge wins a first call that is not raced (no timeoutMs)', [400, 100], undefined, 'call 2', 400],
      ['the first wins: the hedged call runs on', [100, 400], 1_000, 'call 1', 450],
      ['the hedge wins a first call raced against its timeout', [400, 100], 1_000, 'call 2', 400],
    ] as const)('%s', async (_case, latencies, timeoutMs, winner, loserEnds) => {
      const clock = new ManualClock();
      const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 10 });
      const start = clock.now();
      const { fn, ended } = deaf(clock, [...latencies]);
      const pipeline = new HealingPipeline({ clock, bulkhead, hedge: { delayMs: 50 }, timeoutMs, retry: { maxAttempts: 1 } });
      const first = pipeline.execute(fn, {});
      let nextStartedAt: number | undefined;
      const next = pipeline.execute(() => { nextStartedAt = clock.now() - start; return 'next'; }, {});
      await clock.advance(150);
      expect((await first).result).toBe(winner);
      expect(bulkhead.active).toBe(1); // the loser's slot, while it runs
      await clock.advance(loserEnds - 150);
      expect(ended.at(-1)).toBe(loserEnds);
      expect((await next).result).toBe('next');
      expect(nextStartedAt).toBe(loserEnds); // never beside the loser
      expect(bulkhead.active).toBe(0);
    });

    it('a hedged call that passes its limit gets the timeoutGraceMs the first one gets', async () => {
      const clock = new ManualClock();
      const { fn, ended, running } = deaf(clock, [10_000, 10_000], 60);
      const pending = executeWithHealing(fn, {}, { clock, timeoutMs: 200, timeoutGraceMs: 100, hedge: { delayMs: 50 }, retry: { maxAttempts: 1 } });
      const start = clock.now();
      let settledAt: number | undefined;
      void pending.then(() => { settledAt = clock.now() - start; });
      await clock.advance(400);
      // Call 1 timed out at 200 and stopped at 260; call 2 (from 50) timed out at 250 and stopped at 310.
      expect(ended).toEqual([260, 310]);
      expect(settledAt).toBe(310);
      expect(running()).toBe(0);
      expect((await pending).status).toBe('error');
    });

    it("a caller's abort during the grace period ends the call at once, and the abandoned fn keeps its slot", async () => {
      const clock = new ManualClock();
      const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 10 });
      const controller = new AbortController();
      const { fn, ended } = deaf(clock, [1_000]);
      const pending = executeWithHealing(fn, {}, { clock, bulkhead, signal: controller.signal, timeoutMs: 100, timeoutGraceMs: 500, retry: { maxAttempts: 1 } });
      await clock.advance(200);
      controller.abort(new Error('caller left'));
      expect((await pending).healingActions.at(-1)!.reason).toBe('aborted');
      expect(bulkhead.active).toBe(1);
      await clock.advance(800);
      expect(ended).toEqual([1_000]);
      expect(bulkhead.active).toBe(0);
    });
  });

  it('subscribes to a lazy thenable once (a query builder runs its query on each then()), with a hedge, a bulkhead and a time limit', async () => {
    const clock = new ManualClock();
    let runs = 0;
    // Not a promise: each then() starts the query again.
    const query = () => ({
      then(resolve: (rows: string) => unknown, reject: (error: unknown) => unknown) {
        runs++;
        return new Promise<string>((done) => clock.setTimeout(() => done('rows'), 50)).then(resolve, reject);
      },
    }) as unknown as PromiseLike<string>;
    for (const options of [{ hedge: { delayMs: 500 } }, { hedge: { delayMs: 500 }, bulkhead: { maxConcurrent: 4 } }, { timeoutMs: 1_000, bulkhead: { maxConcurrent: 4 } }]) {
      runs = 0;
      const pending = new HealingPipeline({ clock, ...options }).execute(query, {});
      await clock.advance(50);
      expect(await pending, JSON.stringify(options)).toMatchObject({ status: 'ok', result: 'rows' });
      expect(runs, JSON.stringify(options)).toBe(1);
    }
  });

  it('rejects a hedge that could never start', () => {
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 5_000 }, deadlineMs: 2_000 })).option).toBe('hedge.delayMs');
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 5_000 }, deadlineMs: 2_000 })).message).toMatch(/deadlineMs \(2000 ms\)/);
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 1_000 }, timeoutMs: 1_000 })).option).toBe('hedge.delayMs');
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 100, with: 'fallback' } })).option).toBe('hedge.with');
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: -1 } })).option).toBe('hedge.delayMs');
  });
});
