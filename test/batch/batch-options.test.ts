/** executeBatch refuses options that hold no option to read (an array) instead of running with none. */
import { describe, expect, it } from 'vitest';
import { executeBatch, HealingConfigError, HealingPipeline } from '../../src/index.js';

describe('executeBatch: options that are not an object', () => {
  it('rejects an array as the options, before any item runs', async () => {
    let calls = 0;
    const fn = async () => { calls++; };
    await expect(executeBatch([1], fn, [] as never)).rejects.toMatchObject({ name: 'HealingConfigError', option: 'options' });
    await expect(new HealingPipeline().executeBatch([1], fn, [] as never)).rejects.toBeInstanceOf(HealingConfigError);
    await expect(executeBatch([1], fn, [] as never)).rejects.toThrow(/got an array/);
    expect(calls).toBe(0);
  });
});
