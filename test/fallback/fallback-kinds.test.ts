import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline, type Fallback } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

const down = async (): Promise<string> => { throw httpError(503); };

describe('fallback kinds', () => {
  it('a provider { run } receives (args, error, ctx) and names what served', async () => {
    const seen: unknown[] = [];
    const result = await executeWithHealing(down, { city: 'Oslo' }, {
      retry: { maxAttempts: 1 },
      fallback: { name: 'backup-api', cost: 3, run: (args, error, ctx) => { seen.push(args, error.message, ctx.error.message, ctx.attempt); return 'sunny'; } },
    });
    expect(seen).toEqual([{ city: 'Oslo' }, 'HTTP 503', 'HTTP 503', 1]);
    expect(result).toMatchObject({ status: 'ok', result: 'sunny', servedBy: 'backup-api' });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'fallback', provider: 'backup-api', cost: 3, succeeded: true });
  });

  it('a static { value } serves as is', async () => {
    const result = await executeWithHealing(down, {}, { retry: { maxAttempts: 1 }, fallback: { value: 'static' } });
    expect(result).toMatchObject({ status: 'ok', result: 'static', servedBy: 'fallback #1' });
  });

  it('functions keep their (args, ctx) signature, ctx.error included', async () => {
    const result = await executeWithHealing(down, { id: 1 }, { retry: { maxAttempts: 1 }, fallback: (args, ctx) => `${JSON.stringify(args)} ${ctx.error.message}` });
    expect(result.result).toBe('{"id":1} HTTP 503');
  });

  it('the primary never reports servedBy', async () => {
    const result = await executeWithHealing(async () => 1, {}, { fallback: { name: 'x', value: 0 } });
    expect(result.servedBy).toBeUndefined();
    expect('servedBy' in result).toBe(false);
  });

  it('a chain is tried in order: the result names the provider that served and each action its cost', async () => {
    const chain: Fallback[] = [
      { name: 'replica', cost: 1, run: () => { throw networkError(); } },
      { name: 'other-region', cost: 5, run: () => 'from other region' },
      { name: 'default', cost: 0, value: 'default' },
    ];
    const result = await executeWithHealing(down, {}, { retry: { maxAttempts: 1 }, fallback: chain });
    expect(result).toMatchObject({ result: 'from other region', servedBy: 'other-region' });
    expect(result.healingActions.filter((a) => a.kind === 'fallback').map((a) => [a.provider, a.cost, a.succeeded])).toEqual([
      ['replica', 1, false], ['other-region', 5, true],
    ]);
    expect(result.healingActions[0]!.detail).toBe('fallback #1 "replica" failed');
  });
});

describe('lastGood fallback', () => {
  function setup(lastGood: { ttlMs: number; maxEntries?: number; key?: (args: { city: string }) => string }) {
    const clock = new ManualClock();
    let up = true;
    const fn = async ({ city }: { city: string }) => {
      if (!up) throw httpError(503);
      return `${city} @ ${clock.now()}`;
    };
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, fallback: [{ name: 'cache', lastGood }, { name: 'unknown', value: 'unknown' }] });
    return { clock, fn, pipeline, setDown: () => { up = false; } };
  }

  it('serves the primary last good result for the same key while it is fresh', async () => {
    const { clock, fn, pipeline, setDown } = setup({ ttlMs: 60_000 });
    const first = await pipeline.execute(fn, { city: 'Oslo' });
    await clock.advance(30_000);
    setDown();
    const cached = await pipeline.execute(fn, { city: 'Oslo' });
    expect(cached).toMatchObject({ status: 'ok', result: first.result, servedBy: 'cache', healed: true });
    const other = await pipeline.execute(fn, { city: 'Bergen' });
    expect(other).toMatchObject({ result: 'unknown', servedBy: 'unknown' });
    expect(other.healingActions.find((a) => a.provider === 'cache')).toMatchObject({ succeeded: false, error: expect.stringMatching(/no good result/) });
  });

  it('stops serving a result older than ttlMs', async () => {
    const { clock, fn, pipeline, setDown } = setup({ ttlMs: 60_000 });
    await pipeline.execute(fn, { city: 'Oslo' });
    await clock.advance(60_001);
    setDown();
    expect((await pipeline.execute(fn, { city: 'Oslo' })).servedBy).toBe('unknown');
  });

  it('keeps at most maxEntries keys, dropping the least recently stored', async () => {
    const { fn, pipeline, setDown } = setup({ ttlMs: 60_000, maxEntries: 2 });
    for (const city of ['A', 'B', 'A', 'C']) await pipeline.execute(fn, { city });
    setDown();
    const served = [];
    for (const city of ['A', 'B', 'C']) served.push((await pipeline.execute(fn, { city })).servedBy);
    expect(served).toEqual(['cache', 'unknown', 'cache']);
  });

  it('keys by a custom key function, and shares the cache with the pipeline overrides', async () => {
    const { fn, pipeline, setDown } = setup({ ttlMs: 60_000, key: ({ city }) => city.toLowerCase() });
    await pipeline.execute(fn, { city: 'Oslo' });
    setDown();
    const result = await pipeline.execute(fn, { city: 'OSLO' }, { timeoutMs: 1_000 });
    expect(result.servedBy).toBe('cache');
  });

  it('does not store fallback values, only the primary results', async () => {
    const { fn, pipeline, setDown } = setup({ ttlMs: 60_000 });
    setDown();
    expect((await pipeline.execute(fn, { city: 'Oslo' })).servedBy).toBe('unknown');
    expect((await pipeline.execute(fn, { city: 'Oslo' })).servedBy).toBe('unknown');
  });

  it('serves while the circuit is open', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('weather', { failureThreshold: 1 });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'weather', fallback: { name: 'cache', lastGood: { ttlMs: 60_000 } } });
    await pipeline.execute(async () => 'sunny', { city: 'Oslo' });
    breaker.recordFailure();
    const result = await pipeline.execute(async () => 'never called', { city: 'Oslo' });
    expect(result).toMatchObject({ result: 'sunny', servedBy: 'cache', circuitBreakerTriggered: true });
  });

  it('runs no fallback after an abort, cached or not', async () => {
    const controller = new AbortController();
    const { fn, pipeline } = setup({ ttlMs: 60_000 });
    await pipeline.execute(fn, { city: 'Oslo' });
    controller.abort();
    const result = await pipeline.execute(async () => { throw networkError(); }, { city: 'Oslo' }, { signal: controller.signal });
    expect(result.status).toBe('error');
    expect(result.servedBy).toBeUndefined();
  });
});

describe('fallback options are validated', () => {
  it('names the wrong entry field', () => {
    expect(configError(() => new HealingPipeline({ fallback: [{ lastGood: { ttlMs: -1 } }] })).option).toBe('fallback.0.lastGood.ttlMs');
    expect(configError(() => new HealingPipeline({ fallback: { name: 'x', cost: -1, value: 1 } })).option).toBe('fallback.cost');
    expect(configError(() => new HealingPipeline({ fallback: [{ valu: 1 }] as never })).message).toMatch(/a function, \{ run \}, \{ value \} or \{ lastGood/);
    expect(configError(() => new HealingPipeline({ fallback: 5 as never })).option).toBe('fallback');
  });
});
