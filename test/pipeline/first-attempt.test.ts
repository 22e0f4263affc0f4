import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline, type AttemptContext, type HealingOptions, type HealingResult } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { httpError } from '../helpers/errors.js';

// A plan of only retry and fallbacks runs its first attempt in a lane of its own (no Execution
// is built unless that attempt fails). A pipeline with a listener always runs the full path, so
// each case below runs on both and must give the same result, the same breaker counts and the
// same key order of the result object.

interface Case {
  readonly name: string;
  readonly options: HealingOptions;
  readonly fn: () => (args: unknown) => unknown;
  readonly before?: (registry: CircuitBreakerRegistry) => void;
}

const cases: Case[] = [
  { name: 'a success at once', options: {}, fn: () => async () => 'ok' },
  { name: 'a value returned without a promise', options: {}, fn: () => () => 42 },
  { name: 'a 503, then a success (healed by retry)', options: {}, fn: () => { let calls = 0; return async () => { if (++calls === 1) throw httpError(503); return 'second'; }; } },
  { name: 'a permanent 400 served by the fallback', options: { fallback: () => 'fallback' }, fn: () => async () => { throw httpError(400); } },
  { name: 'a synchronous throw', options: {}, fn: () => () => { throw new TypeError('sync'); } },
  { name: 'every attempt failing', options: { fallback: [{ name: 'static', value: 'last resort' }] }, fn: () => async () => { throw httpError(503); } },
  {
    name: 'an open circuit, refused without calling fn', options: { fallback: () => 'while open' },
    fn: () => async () => 'never', before: (registry) => { registry.get('lane').isolate(); },
  },
];

async function runOn(listened: boolean, testCase: Case): Promise<{ result: HealingResult<unknown>; stats: unknown; keys: string[] }> {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  testCase.before?.(registry);
  const pipeline = new HealingPipeline({ circuitName: 'lane', registry, clock, retry: { maxAttempts: 3, minDelayMs: 0, jitter: 'none' }, ...testCase.options });
  if (listened) pipeline.on('attempt', () => undefined);
  const result = await pipeline.execute(testCase.fn() as (args: unknown) => Promise<unknown>, { id: 1 });
  const stats = registry.get('lane').stats();
  return { result, stats, keys: Object.keys(result) };
}

function comparable(result: HealingResult<unknown>): unknown {
  return { ...result, error: result.error === undefined ? undefined : [result.error.constructor.name, result.error.message] };
}

describe('the first-attempt lane', () => {
  for (const testCase of cases) {
    it(`gives the full path's result for ${testCase.name}`, async () => {
      const lane = await runOn(false, testCase);
      const full = await runOn(true, testCase);
      expect(comparable(lane.result)).toEqual(comparable(full.result));
      expect(lane.keys).toEqual(full.keys);
      expect(lane.stats).toEqual(full.stats);
    });
  }

  it('serves the fallback written in each call, and the same result as a reused options object', async () => {
    const registry = new CircuitBreakerRegistry();
    const down = async () => { throw httpError(400); };
    const results: unknown[] = [];
    for (const city of ['Oslo', 'Lima']) {
      results.push((await executeWithHealing(down, { city }, { circuitName: 'lane-inline', registry, fallback: () => `no forecast for ${city}` })).result);
    }
    expect(results).toEqual(['no forecast for Oslo', 'no forecast for Lima']);
  });

  it('keeps an execution that started with nobody listening out of a listener that subscribes during it', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, registry: new CircuitBreakerRegistry({ clock }), retry: { maxAttempts: 2, minDelayMs: 0, jitter: 'none' } });
    const seen: number[] = [];
    let calls = 0;
    const fn = async () => {
      if (++calls === 1) {
        pipeline.on('attempt', ({ attempt }) => seen.push(attempt));
        throw httpError(503);
      }
      return 'ok';
    };
    expect((await pipeline.execute(fn, {})).attempts).toBe(2);
    expect(seen).toEqual([]); // as on the full path: listeners are read as the execution starts
    await pipeline.execute(async () => 'next', {});
    expect(seen).toEqual([1]);
  });

  it('runs fn two frames below the caller (three through executeWithHealing), so the stack traces of its errors keep the caller frames', async () => {
    const registry = new CircuitBreakerRegistry();
    const pipeline = new HealingPipeline({ circuitName: 'lane-stack', registry, retry: { maxAttempts: 2 }, fallback: () => 0 });
    let stack = '';
    async function failingCall(): Promise<never> {
      stack ||= new Error('HTTP 503').stack ?? ''; // the first attempt's: the retry's runs after an await
      throw httpError(503);
    }
    /** The frames between fn's and the caller's, from the stack trace of an error fn created. */
    const between = (caller: string) => {
      const frames = stack.split('\n').slice(1).map((line) => line.trim());
      const fnAt = frames.findIndex((frame) => frame.startsWith('at failingCall '));
      const callerAt = frames.findIndex((frame) => frame.startsWith(`at ${caller} `));
      expect(fnAt).toBe(0);
      expect(callerAt).toBeGreaterThan(fnAt);
      return callerAt - fnAt - 1;
    };
    async function callsExecute() {
      return pipeline.execute(failingCall);
    }
    async function callsExecuteWithHealing() {
      return executeWithHealing(failingCall, undefined, { circuitName: 'lane-stack', registry, retry: { maxAttempts: 2 }, fallback: () => 0 });
    }
    expect((await callsExecute()).status).toBe('ok');
    expect(between('callsExecute')).toBe(2);
    stack = '';
    expect((await callsExecuteWithHealing()).status).toBe('ok');
    expect(between('callsExecuteWithHealing')).toBe(3);
    // The full path (a time limit per attempt): the attempt's start and the compiled pipeline.
    const timed = new HealingPipeline({ circuitName: 'lane-stack', registry, retry: { maxAttempts: 2 }, timeoutMs: 1_000, fallback: () => 0 });
    async function callsTimedExecute() {
      return timed.execute(failingCall);
    }
    stack = '';
    expect((await callsTimedExecute()).status).toBe('ok');
    expect(between('callsTimedExecute')).toBe(3);
  });

  it('calls fn as a plain function on every path: its this is undefined, never the execution', async () => {
    const seen: unknown[] = [];
    function recordsThis(this: unknown) {
      seen.push(this);
      return 'ok';
    }
    const registry = new CircuitBreakerRegistry();
    await new HealingPipeline({ registry }).execute(recordsThis); // the lane
    await new HealingPipeline({ registry, timeoutMs: 1_000 }).execute(recordsThis); // the full path
    // A hedged call: its first attempt, then the hedge launched while the first is still out.
    const clock = new ManualClock();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => { release = resolve; });
    const hedged = new HealingPipeline({ clock, registry: new CircuitBreakerRegistry({ clock }), hedge: { delayMs: 10 } }).execute(async function (this: unknown) {
      seen.push(this);
      await slow;
      return 'ok';
    });
    await clock.advance(10);
    release();
    expect((await hedged).status).toBe('ok');
    expect(seen).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('gives fn the same context on the lane as on the full path: attempt 1 and a signal that never aborts', async () => {
    const seen: Array<[number, boolean, boolean]> = [];
    const contexts: AttemptContext[] = [];
    const fn = (_args: unknown, ctx: AttemptContext) => {
      contexts.push(ctx);
      seen.push([ctx.attempt, ctx.signal instanceof AbortSignal, ctx.signal.aborted]);
      return 'ok';
    };
    const lane = new HealingPipeline({ registry: new CircuitBreakerRegistry() });
    const full = new HealingPipeline({ registry: new CircuitBreakerRegistry() });
    full.on('attempt', () => undefined);
    await lane.execute(fn);
    await full.execute(fn);
    expect(seen).toEqual([[1, true, false], [1, true, false]]);
    // Read again after the call: the same signal, still not aborted.
    expect(contexts.map((ctx) => [ctx.signal === ctx.signal, ctx.signal.aborted])).toEqual([[true, false], [true, false]]);
  });

  // The lane's gate keeps each plan's breaker (first-attempt.ts): these are the changes it must see.
  describe('keeps the breaker it found only while that is still right', () => {
    it('goes through the new breaker once the one it used was deleted from the registry', async () => {
      const registry = new CircuitBreakerRegistry();
      const pipeline = new HealingPipeline({ circuitName: 'swapped', registry, retry: { maxAttempts: 1 } });
      const reused: HealingOptions = { circuitName: 'swapped-ewh', registry, retry: { maxAttempts: 1 } };
      expect((await pipeline.execute(async () => 'first')).status).toBe('ok');
      expect((await executeWithHealing(async () => 'first', undefined, reused)).status).toBe('ok');
      const before = registry.get('swapped');
      expect(registry.delete('swapped')).toBe(true);
      expect(registry.delete('swapped-ewh')).toBe(true);
      registry.get('swapped').isolate();
      registry.get('swapped-ewh').isolate();

      const refused = await pipeline.execute(async () => 'never');
      const refusedEwh = await executeWithHealing(async () => 'never', undefined, reused);
      expect([refused.status, refused.circuitBreakerTriggered]).toEqual(['error', true]);
      expect([refusedEwh.status, refusedEwh.circuitBreakerTriggered]).toEqual(['error', true]);
      expect(before.stats()).toMatchObject({ successes: 1, failures: 0, rejections: 0 });
    });

    it('marks its breaker used on every call in a registry that evicts idle breakers', async () => {
      const clock = new ManualClock();
      const registry = new CircuitBreakerRegistry({ clock, idleTimeoutMs: 1_000 });
      const pipeline = new HealingPipeline({ circuitName: 'busy', registry, clock });
      await pipeline.execute(async () => 'ok');
      await clock.advance(900);
      await pipeline.execute(async () => 'ok');
      await clock.advance(200); // 1,100 ms after the first call, 200 ms after the last
      expect(registry.evictIdle()).toBe(0);
      expect(registry.has('busy')).toBe(true);
    });

    it('asks a registered breaker each call whether it times attempts', async () => {
      const durations: Array<number | undefined> = [];
      let timesAttempts = false;
      const registry = new CircuitBreakerRegistry();
      registry.register({
        name: 'external',
        state: 'CLOSED',
        get needsDuration() { return timesAttempts; },
        canExecute: () => true,
        recordSuccess: (durationMs?: number) => { durations.push(durationMs); },
        recordFailure: () => {},
        releasePermission: () => {},
        reset: () => {},
        remainingOpenMs: () => 0,
        stats: () => ({}),
      });
      const pipeline = new HealingPipeline({ circuitName: 'external', registry });
      await pipeline.execute(async () => 'ok');
      timesAttempts = true;
      await pipeline.execute(async () => 'ok');
      expect(durations).toHaveLength(2);
      expect(durations[0]).toBeUndefined();
      expect(typeof durations[1]).toBe('number');
    });

    it('takes the full path once someone listens, after calls that took the lane', async () => {
      const pipeline = new HealingPipeline({ registry: new CircuitBreakerRegistry(), circuitName: 'heard' });
      await pipeline.execute(async () => 'unheard');
      const attempts: number[] = [];
      pipeline.on('attempt', ({ attempt }) => attempts.push(attempt));
      await pipeline.execute(async () => 'heard');
      expect(attempts).toEqual([1]);
    });
  });
});
