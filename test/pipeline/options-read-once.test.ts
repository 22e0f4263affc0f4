import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingConfigError, HealingPipeline, withSelfHealing, type HealingOptions } from '../../src/index.js';

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const noDelay = { minDelayMs: 0, maxDelayMs: 0 };

/** A call that always fails transiently, counting its attempts. */
function flaky(): { fn: () => Promise<never>; calls: () => number } {
  let calls = 0;
  return { fn: async () => { calls++; throw reset(); }, calls: () => calls };
}

describe('per-call options: the plan is built from what the schema read', () => {
  it('a Proxy that answers the schema one value and later reads another runs on the value the schema accepted', async () => {
    let reads = 0;
    const retry = new Proxy({ maxAttempts: 2, ...noDelay }, {
      get: (target, key) => (key === 'maxAttempts' ? (reads++ === 0 ? 2 : Number.POSITIVE_INFINITY) : target[key as keyof typeof target]),
    });
    const { fn, calls } = flaky();
    const result = await executeWithHealing(fn, {}, { circuitName: 'proxy-flip', registry: new CircuitBreakerRegistry(), retry });
    expect(result.attempts).toBe(2);
    expect(calls()).toBe(2);
  });

  it('no template stands for what only the Proxy read: plain options of that value are still refused', async () => {
    let reads = 0;
    const registry = new CircuitBreakerRegistry();
    const retry = new Proxy({ maxAttempts: 2 }, {
      get: (target, key) => (key === 'maxAttempts' ? (reads++ === 0 ? 2 : Number.POSITIVE_INFINITY) : target[key as keyof typeof target]),
    });
    const pipeline = new HealingPipeline({ registry });
    await pipeline.execute(async () => 1, {}, { circuitName: 'flip', retry });
    const error = await pipeline.execute(async () => 1, {}, { circuitName: 'flip', retry: { maxAttempts: Number.POSITIVE_INFINITY } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe('retry.maxAttempts');
  });

  it('options that are a class instance with accessors are honoured, and read again on each call', async () => {
    class Settings {
      #attempts: number; // private: not an option the schema would refuse as unknown
      constructor(attempts: number) { this.#attempts = attempts; }
      set attempts(value: number) { this.#attempts = value; }
      get retry(): HealingOptions['retry'] { return { maxAttempts: this.#attempts, ...noDelay }; }
    }
    const settings = new Settings(1);
    const registry = new CircuitBreakerRegistry();
    const pipeline = new HealingPipeline({ registry, retry: { maxAttempts: 5, ...noDelay } });
    const first = flaky();
    expect((await executeWithHealing(first.fn, {}, settings)).attempts).toBe(1);
    expect((await pipeline.execute(first.fn, {}, settings)).attempts).toBe(1);
    settings.attempts = 2;
    expect((await executeWithHealing(first.fn, {}, settings)).attempts).toBe(2);
    expect((await pipeline.execute(first.fn, {}, settings)).attempts).toBe(2);
    expect((await new HealingPipeline(new Settings(1)).execute(first.fn, {})).attempts).toBe(1);
  });

  it("the pipeline's own options given again as overrides ({ ...pipeline.options }) share its lastGood cache", async () => {
    let up = true;
    const fn = async () => { if (!up) throw reset(); return 'fresh'; };
    const pipeline = new HealingPipeline({ registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 1 }, fallback: { lastGood: { ttlMs: 60_000 } } });
    expect((await pipeline.execute(fn, { id: 1 })).result).toBe('fresh');
    up = false;
    for (const overrides of [{ ...pipeline.options, timeoutMs: 1_000 }, { fallback: pipeline.options.fallback }]) {
      expect(await pipeline.execute(fn, { id: 1 }, overrides)).toMatchObject({ status: 'ok', result: 'fresh' });
    }
  });

  it("a rollback or a fallback's provider given per call runs as the caller's own object: a class keeps its private fields", async () => {
    class CachedFallback {
      #cache = 'cached';
      run(): string { return this.#cache; }
    }
    class LedgerRollback {
      #entries: string[] = [];
      snapshot(): number { this.#entries.push('snapshot'); return this.#entries.length; }
      restore(): void { this.#entries.push('restore'); }
      get entries(): readonly string[] { return this.#entries; }
    }
    const rollback = new LedgerRollback();
    const failing = flaky();
    const pipeline = new HealingPipeline({ registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 2, ...noDelay } });
    for (const run of [
      () => pipeline.execute(failing.fn, {}, { fallback: new CachedFallback(), rollback }),
      () => executeWithHealing(failing.fn, {}, { retry: { maxAttempts: 2, ...noDelay }, fallback: [new CachedFallback()], rollback }),
      () => new HealingPipeline({ registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 1 }, fallback: new CachedFallback(), rollback }).execute(failing.fn, {}),
    ]) expect(await run()).toMatchObject({ status: 'ok', result: 'cached' });
    expect(rollback.entries).toContain('restore');
  });

  it('an option behind a getter is read once, by the schema', async () => {
    let reads = 0;
    const options = {
      circuitName: 'read-once',
      registry: new CircuitBreakerRegistry(),
      retry: { maxAttempts: 1 },
      get fallback() {
        if (reads++ > 0) throw new Error('read twice');
        return { value: 'served' };
      },
    };
    const result = await executeWithHealing(async () => { throw reset(); }, {}, options);
    expect(result).toMatchObject({ status: 'ok', result: 'served' });
    expect(reads).toBe(1);
  });

  it('a Map of options is refused with a HealingConfigError that says what to pass', async () => {
    const options = new Map([['retry', { maxAttempts: 1 }]]);
    const error = await executeWithHealing(async () => 1, {}, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe('options');
    expect((error as Error).message).toContain('Object.fromEntries(map)');
    expect(() => new HealingPipeline(options as never)).toThrow(HealingConfigError);
  });

  it('null is not "no options": each entry point refuses it with a HealingConfigError', async () => {
    await expect(executeWithHealing(async () => 1, {}, null as never)).rejects.toBeInstanceOf(HealingConfigError);
    await expect(new HealingPipeline().execute(async () => 1, {}, null as never)).rejects.toBeInstanceOf(HealingConfigError);
    expect(() => new HealingPipeline(null as never)).toThrow(HealingConfigError);
    expect(() => withSelfHealing(null as never)).toThrow(HealingConfigError);
  });

  it('more than 100 strategies are refused, naming the option, before anything runs', async () => {
    const strategy = { name: 'pass', execute: (_ctx: unknown, next: () => Promise<unknown>) => next() };
    const error = await executeWithHealing(async () => 1, {}, { strategies: Array.from({ length: 101 }, () => strategy) } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe('strategies');
    const hundred = await executeWithHealing(async () => 1, {}, { strategies: Array.from({ length: 100 }, () => strategy) } as never);
    expect(hundred).toMatchObject({ status: 'ok', result: 1 });
  });
});
