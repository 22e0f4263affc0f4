import { describe, expect, it } from 'vitest';
import {
  Bulkhead, BulkheadRejectedError, CircuitBreakerRegistry, executeWithHealing, HealingConfigError, HealingPipeline, isBulkheadRejectedError,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A call that finishes when the test says so. */
function gate() {
  const pending: Array<() => void> = [];
  let running = 0;
  const fn = () => new Promise<string>((resolve) => {
    running++;
    pending.push(() => { running--; resolve('done'); });
  });
  return { fn, openOne: () => pending.shift()?.(), get running() { return running; } };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('bulkhead', () => {
  it('runs at most maxConcurrent executions, queues up to maxQueue, and refuses the rest with a typed error', async () => {
    const state = gate();
    const { fn, openOne } = state;
    const pipeline = new HealingPipeline({ bulkhead: { maxConcurrent: 2, maxQueue: 1 } });
    const calls = Array.from({ length: 4 }, () => pipeline.execute(fn, {}));
    await flush();
    expect(state.running).toBe(2);
    const refused = await calls[3]!;
    expect(refused.status).toBe('error');
    expect(refused.attempts).toBe(0);
    expect(refused.error).toBeInstanceOf(BulkheadRejectedError);
    expect(isBulkheadRejectedError(refused.error) && refused.error.reason).toBe('full');
    expect(refused.healingActions.map((a) => [a.kind, a.reason])).toEqual([['bulkhead', 'full'], ['give_up', 'bulkhead']]);
    openOne();
    await flush();
    expect(state.running).toBe(2); // the queued call took the freed slot
    openOne();
    openOne();
    const results = await Promise.all(calls.slice(0, 3));
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('holds the slot for the whole execution, retries and waits included', async () => {
    const clock = new ManualClock();
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    let calls = 0;
    const first = executeWithHealing(async () => { if (++calls === 1) throw networkError(); return 'ok'; }, {}, {
      clock, bulkhead, retry: { minDelayMs: 100, jitter: 'none' },
    });
    await clock.advance(0);
    expect(bulkhead.active).toBe(1);
    const second = await executeWithHealing(async () => 'x', {}, { clock, bulkhead });
    expect(second.healingActions[0]).toMatchObject({ kind: 'bulkhead', reason: 'full' });
    await clock.advance(100);
    expect((await first).status).toBe('ok');
    expect(bulkhead.active).toBe(0);
  });

  it('refuses a queued call after queueTimeoutMs, and counts the wait in durationMs', async () => {
    const clock = new ManualClock();
    const { fn, openOne } = gate();
    const pipeline = new HealingPipeline({ clock, bulkhead: { maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 1_000 } });
    const running = pipeline.execute(fn, {});
    const queuedThenServed = pipeline.execute(async () => 'second', {});
    const timesOut = pipeline.execute(async () => 'third', {});
    await clock.advance(500);
    openOne();
    await running;
    const served = await queuedThenServed;
    expect(served).toMatchObject({ status: 'ok', result: 'second', durationMs: 500 });
    // The third was queued behind the second; the second finished at once and handed the slot on.
    expect((await timesOut).status).toBe('ok');

    const { fn: slow } = gate();
    pipeline.execute(slow, {});
    const late = pipeline.execute(async () => 'late', {});
    await clock.advance(1_000);
    const result = await late;
    expect(result.healingActions[0]).toMatchObject({ kind: 'bulkhead', reason: 'queue_timeout' });
    expect(clock.timerCount).toBe(0);
  });

  it('runs the fallbacks for a refused call', async () => {
    const { fn } = gate();
    const pipeline = new HealingPipeline({ bulkhead: { maxConcurrent: 1 }, fallback: { name: 'busy', value: 'try later' } });
    void pipeline.execute(fn, {});
    const result = await pipeline.execute(fn, {});
    expect(result).toMatchObject({ status: 'ok', result: 'try later', servedBy: 'busy', attempts: 0 });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['bulkhead', 'fallback']);
  });

  it('leaves the queue at once when the caller aborts, without calling fn', async () => {
    const { fn } = gate();
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    void executeWithHealing(fn, {}, { bulkhead });
    const controller = new AbortController();
    let called = false;
    const queued = executeWithHealing(async () => { called = true; }, {}, { bulkhead, signal: controller.signal });
    await flush();
    expect(bulkhead.queued).toBe(1);
    controller.abort(new Error('gone'));
    const result = await queued;
    expect(called).toBe(false);
    expect(bulkhead.queued).toBe(0);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(result.error!.message).toBe('gone');
  });

  it('calls nothing when the caller aborts in the same turn as a slot frees for its queued call', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    bulkhead.tryAcquire(); // a slot held by other code that shares the bulkhead
    const controller = new AbortController();
    let called = false;
    const queued = executeWithHealing(async () => { called = true; }, {}, { bulkhead, signal: controller.signal });
    await flush();
    bulkhead.release(); // the slot goes to the queued call...
    controller.abort(new Error('gone')); // ...whose caller leaves before it could run
    const result = await queued;
    expect(called).toBe(false);
    expect(result).toMatchObject({ status: 'error', attempts: 0 });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(result.error!.message).toBe('gone');
    expect(bulkhead.active).toBe(0);
  });

  it('frees the slot when the execution ends in a refusal by the circuit', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('db', { failureThreshold: 1 }).recordFailure();
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    const result = await executeWithHealing(async () => 1, {}, { registry, circuitName: 'db', bulkhead });
    expect(result.healingActions.at(-1)!.reason).toBe('circuit_open');
    expect(bulkhead.active).toBe(0);
  });

  it('is shared by the pipelines given the same instance', async () => {
    const { fn } = gate();
    const shared = new Bulkhead({ maxConcurrent: 1 });
    void new HealingPipeline({ bulkhead: shared }).execute(fn, {});
    const other = await new HealingPipeline({ bulkhead: shared }).execute(async () => 1, {});
    expect(other.error).toBeInstanceOf(BulkheadRejectedError);
  });

  it('wait refuses a signal or a clock of the wrong kind with a HealingConfigError, leaving nothing queued', async () => {
    const clock = new ManualClock();
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 1_000 });
    expect(bulkhead.tryAcquire()).toBe(true);
    await expect(bulkhead.wait(clock, { aborted: false } as never)).rejects.toMatchObject({ name: 'HealingConfigError', option: 'signal' });
    await expect(bulkhead.wait(null as never, undefined)).rejects.toMatchObject({ name: 'HealingConfigError', option: 'clock' });
    expect(bulkhead.queued).toBe(0);
    expect(clock.timerCount).toBe(0);
    bulkhead.release();
    expect(bulkhead.active).toBe(0); // no leaked waiter took the freed slot
  });

  it('wait leaves nothing queued when the clock cannot set its queue timeout', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 1_000 });
    const broken = { now: () => 0, setTimeout: () => { throw new Error('no timers'); }, clearTimeout: () => {} };
    const controller = new AbortController();
    bulkhead.tryAcquire();
    await expect(bulkhead.wait(broken, controller.signal)).rejects.toThrow('no timers');
    expect(bulkhead.queued).toBe(0);
    bulkhead.release();
    expect(bulkhead.active).toBe(0);
  });

  it('refuses a release with no slot held with a HealingConfigError, and keeps maxConcurrent', async () => {
    const { fn, openOne } = gate();
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    const stray = configError(() => bulkhead.release());
    expect(stray.option).toBe('release');
    expect(stray.message).toMatch(/no slot held/);
    expect(bulkhead.active).toBe(0);
    const running = executeWithHealing(fn, {}, { bulkhead });
    const refused = await executeWithHealing(async () => 'second', {}, { bulkhead });
    expect(refused.error).toBeInstanceOf(BulkheadRejectedError); // one at a time, as configured
    openOne();
    expect((await running).status).toBe('ok');
    expect(bulkhead.active).toBe(0);
    expect(() => bulkhead.release()).toThrow(HealingConfigError); // and again once every slot is back
    expect(bulkhead.active).toBe(0);
  });

  it('rejects bad limits with a HealingConfigError', () => {
    expect(configError(() => new HealingPipeline({ bulkhead: { maxConcurrent: 0 } })).option).toBe('bulkhead.maxConcurrent');
    expect(configError(() => new HealingPipeline({ bulkhead: { maxConcurrent: 1, maxQueue: -1 } })).option).toBe('bulkhead.maxQueue');
    expect(configError(() => new HealingPipeline({ bulkhead: 5 as never })).option).toBe('bulkhead');
    expect(configError(() => new Bulkhead({ maxConcurrent: 2.5 })).option).toBe('bulkhead.maxConcurrent');
  });
});
