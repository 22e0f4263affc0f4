import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline } from '../../src/index.js';
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

  it('rejects a hedge that could never start', () => {
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 5_000 }, deadlineMs: 2_000 })).option).toBe('hedge.delayMs');
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 5_000 }, deadlineMs: 2_000 })).message).toMatch(/deadlineMs \(2000 ms\)/);
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 1_000 }, timeoutMs: 1_000 })).option).toBe('hedge.delayMs');
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: 100, with: 'fallback' } })).option).toBe('hedge.with');
    expect(configError(() => new HealingPipeline({ hedge: { delayMs: -1 } })).option).toBe('hedge.delayMs');
  });
});
