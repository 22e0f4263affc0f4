import { describe, expect, it } from 'vitest';
import { executeWithHealing, HealingConfigError, HealingPipeline, type HealingOptions } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';

/** Awaits a promise that must reject with a HealingConfigError, and returns that error. */
async function rejection(promise: Promise<unknown>): Promise<HealingConfigError> {
  const error = await promise.then(
    () => { throw new Error('expected a rejection'); },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(HealingConfigError);
  return error as HealingConfigError;
}

const bad = (options: unknown) => options as HealingOptions;

describe('HealingPipeline: option validation', () => {
  it('rejects retry.maxAttempts 0 with a HealingConfigError whose option and message name it', () => {
    const error = configError(() => new HealingPipeline({ retry: { maxAttempts: 0 } }));
    expect(error.option).toBe('retry.maxAttempts');
    expect(error.message).toContain('retry.maxAttempts');
    expect(error.code).toBe('ERR_HEALING_CONFIG');
  });

  it('rejects an unknown option key, naming it', () => {
    const error = configError(() => new HealingPipeline(bad({ retries: 3 })));
    expect(error.option).toBe('retries');
    expect(error.message).toContain('retries');
  });

  it('rejects an unknown key inside retry, naming its path', () => {
    expect(configError(() => new HealingPipeline(bad({ retry: { maxAttempt: 3 } }))).option).toBe('retry.maxAttempt');
  });

  it.each<[string, unknown, string]>([
    ['fallback: "x"', { fallback: 'x' }, 'fallback'],
    ['timeoutMs: -1', { timeoutMs: -1 }, 'timeoutMs'],
    ['logger: {}', { logger: {} }, 'logger'],
    ['retry.maxAttempts: 1.5', { retry: { maxAttempts: 1.5 } }, 'retry.maxAttempts'],
    ['retry.minDelayMs: -5', { retry: { minDelayMs: -5 } }, 'retry.minDelayMs'],
    ['retry.jitter: "lots"', { retry: { jitter: 'lots' } }, 'retry.jitter'],
    ['circuitName: ""', { circuitName: '' }, 'circuitName'],
    ['classifier: {}', { classifier: {} }, 'classifier'],
    ['registry: {}', { registry: {} }, 'registry'],
  ])('rejects %s naming the option', (_label, options, option) => {
    const error = configError(() => new HealingPipeline(bad(options)));
    expect(error.option).toBe(option);
    expect(error.message).toContain(option);
  });

  it('accepts valid options', () => {
    expect(() => new HealingPipeline({
      retry: { maxAttempts: 4, minDelayMs: 0, jitter: 'none' },
      timeoutMs: 1_000,
      fallback: [() => 'a', () => 'b'],
      logger: { info() {}, warn() {}, error() {} },
    })).not.toThrow();
  });
});

describe('executeWithHealing: misuse rejects', () => {
  it('rejects (does not throw synchronously) with a HealingConfigError for bad options', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => { promise = executeWithHealing(async () => 'ok', {}, { retry: { maxAttempts: 0 } }); }).not.toThrow();
    expect((await rejection(promise!)).option).toBe('retry.maxAttempts');
  });

  it.each<[string, unknown, string]>([
    ['an unknown key', { retries: 3 }, 'retries'],
    ['fallback: "x"', { fallback: 'x' }, 'fallback'],
    ['timeoutMs: -1', { timeoutMs: -1 }, 'timeoutMs'],
    ['logger: {}', { logger: {} }, 'logger'],
  ])('rejects %s naming the option, without calling fn', async (_label, options, option) => {
    let calls = 0;
    const error = await rejection(executeWithHealing(async () => { calls++; return 'ok'; }, {}, bad(options)));
    expect(error.option).toBe(option);
    expect(calls).toBe(0);
  });

  it('rejects a fn that is not a function with a HealingConfigError naming fn', async () => {
    const error = await rejection(executeWithHealing('not a function' as never, {}));
    expect(error.option).toBe('fn');
    expect(error.message).toContain('fn');
  });

  it('rejects bad per-call overrides on a pipeline, naming the option', async () => {
    const pipeline = new HealingPipeline({ retry: { maxAttempts: 2 } });
    const error = await rejection(pipeline.execute(async () => 'ok', {}, { retry: { maxAttempts: -1 } }));
    expect(error.option).toBe('retry.maxAttempts');
  });
});
