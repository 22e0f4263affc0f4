/**
 * pipeline.transaction refuses what it cannot run as written before any step runs, by rejecting
 * (never throwing) a HealingConfigError: a misspelt key of a step would otherwise skip that
 * step's compensation, and a misspelt option its signal.
 */
import { describe, expect, it } from 'vitest';
import { HealingConfigError, HealingPipeline, type TransactionStep } from '../../src/index.js';

/** The rejection of `transaction(steps, options)`, which must return a promise rather than throw. */
async function refusal(steps: unknown, options?: unknown): Promise<HealingConfigError> {
  let pending: Promise<unknown>;
  expect(() => { pending = new HealingPipeline().transaction(steps as never, options as never); }).not.toThrow();
  const error = await pending!.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(HealingConfigError);
  return error as HealingConfigError;
}

describe('pipeline.transaction: bad input', () => {
  it('rejects a misspelt key of a step, suggesting the one meant, before any step runs', async () => {
    const log: string[] = [];
    const steps = [
      { name: 'charge', run: () => { log.push('charge'); return 'ch_1'; }, compensat: () => { log.push('refund'); } },
      { name: 'ship', run: () => { throw new Error('no courier'); } },
    ];
    const error = await refusal(steps);
    expect(error.option).toBe('steps[0].compensat');
    expect(error.message).toMatch(/did you mean compensate\?/);
    expect(log).toEqual([]);
  });

  it('rejects a step that is not an object { name, run, compensate? }', async () => {
    expect((await refusal([[]])).option).toBe('steps[0]');
    expect((await refusal([{ name: 5, run: () => 1 }])).option).toBe('steps[0].name');
  });

  it('rejects a misspelt option, and options that are not an object; runs with a signal, {} or nothing', async () => {
    const steps: TransactionStep[] = [{ name: 'a', run: () => 1, compensate: undefined }];
    const typo = await refusal(steps, { signl: AbortSignal.abort() });
    expect(typo.option).toBe('options.signl');
    expect(typo.message).toMatch(/did you mean signal\?/);
    for (const options of [[], null, 5, 'x']) expect((await refusal(steps, options)).option).toBe('options');
    expect((await refusal(steps, { signal: 'x' })).option).toBe('options.signal');
    const pipeline = new HealingPipeline({ retry: { maxAttempts: 1 } });
    for (const options of [{ signal: new AbortController().signal }, {}, undefined]) {
      expect(await pipeline.transaction(steps, options)).toMatchObject({ status: 'ok', committed: ['a'] });
    }
  });
});
