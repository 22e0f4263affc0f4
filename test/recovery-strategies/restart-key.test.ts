/** A restart's key function that gives no key is named as the caller wrote it: `restart.key`. Manual clock. */
import { describe, expect, it } from 'vitest';
import { HealingConfigError, HealingPipeline, restart } from '../../src/index.js';
import { networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('restart({ key })', () => {
  it('a key function that returns no string (or throws) fails the call with a HealingConfigError on restart.key', async () => {
    for (const key of [() => undefined, () => 5, () => '', () => { throw new Error('no tenant'); }]) {
      let calls = 0;
      const strategy = restart({ restart: () => {}, key: key as never });
      const pipeline = new HealingPipeline({ clock: new ManualClock(), retry: { maxAttempts: 1 }, strategies: [strategy] });
      const result = await pipeline.execute(async () => { calls++; throw networkError('ECONNREFUSED'); });
      expect(result).toMatchObject({ status: 'error', attempts: 0 });
      const error = result.status === 'error' ? result.error : undefined;
      expect(error).toBeInstanceOf(HealingConfigError);
      expect(error).toMatchObject({ option: 'restart.key' });
      expect(calls).toBe(0);
    }
  });
});
