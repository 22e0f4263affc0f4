/**
 * What happens to calls that are cut short: an attempt abandoned at its timeout, a caller's abort
 * during the grace period or a fallback, the loser of a hedge, a call the bulkhead sheds. All on a
 * manual clock.
 */
import { describe, expect, it } from 'vitest';
import { Bulkhead, GracefulDegradation, HealingPipeline } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('calls cut short', () => {
  it('an attempt abandoned at its timeout keeps its bulkhead slot until it really ends', async () => {
    const clock = new ManualClock();
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 10 });
    let running = 0;
    let peak = 0;
    const slow = () => new Promise<string>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      clock.setTimeout(() => { running--; resolve('late'); }, 500); // ignores its signal
    });
    const pipeline = new HealingPipeline({ clock, bulkhead, timeoutMs: 20, retry: { maxAttempts: 3, minDelayMs: 0 } });
    const executions = [0, 1, 2, 3].map(() => pipeline.execute(slow, undefined));
    for (let i = 0; i < 40; i++) await clock.advance(100);
    await Promise.all(executions);
    // Each execution's retries may overlap the attempts it abandoned (3 at most), but the next
    // execution waits until all of them have ended: never 12 at once, as with slots freed early.
    expect(peak).toBeLessThanOrEqual(3);
    expect(bulkhead.active).toBe(0);
  });

  it('a caller\'s abort during the timeout grace period ends the call at once', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const pipeline = new HealingPipeline({ clock, signal: controller.signal, timeoutMs: 50, timeoutGraceMs: 2_000 });
    let settled = false;
    const pending = pipeline.execute(() => new Promise(() => {}), undefined).then((result) => { settled = true; return result; });
    await clock.advance(100); // timed out at 50, in grace until 2,050
    controller.abort(new Error('cancelled'));
    await clock.advance(0);
    expect(settled).toBe(true);
    const result = await pending;
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(clock.timerCount).toBe(0);
  });

  it('a fallback that ignores the signal does not hold the caller after an abort', async () => {
    const controller = new AbortController();
    const pending = new HealingPipeline({ signal: controller.signal, retry: { maxAttempts: 1 }, fallback: () => new Promise(() => {}) })
      .execute(async () => { throw Object.assign(new Error('503'), { status: 503 }); }, undefined);
    await new Promise((resolve) => setImmediate(resolve)); // the fallback has started
    controller.abort(new Error('cancelled'));
    const result = await pending;
    expect(result.status).toBe('error');
  });

  it('the losing call of a hedge is aborted through its signal, also when the caller passed a signal', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const fn = (_args: unknown, { signal }: { signal: AbortSignal }) => {
      signals.push(signal);
      const call = signals.length; // the hedge is the same attempt, so count the calls
      return new Promise<string>((resolve) => clock.setTimeout(() => resolve(`call ${call}`), call === 1 ? 1_000 : 100));
    };
    const pending = new HealingPipeline({ clock, signal: new AbortController().signal, hedge: { delayMs: 200 } }).execute(fn, undefined);
    await clock.advance(300);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: 'call 2' });
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
  });

  it('calls the bulkhead sheds do not switch a degradable feature off', async () => {
    const clock = new ManualClock();
    const features = new GracefulDegradation({ clock });
    const recs = features.define('recs', { fallback: [], failureThreshold: 2, healthCheck: () => true });
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    const pipeline = new HealingPipeline({ clock, bulkhead, feature: recs });
    const hold = pipeline.execute(() => new Promise((resolve) => clock.setTimeout(() => resolve('ok'), 100)), undefined);
    for (let i = 0; i < 3; i++) expect((await pipeline.execute(() => 'ok', undefined)).healingActions[0]).toMatchObject({ kind: 'bulkhead' });
    expect(recs.enabled).toBe(true);
    await clock.advance(100);
    await hold;
  });
});
