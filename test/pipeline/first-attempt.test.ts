import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline, type HealingOptions, type HealingResult } from '../../src/index.js';
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
});
