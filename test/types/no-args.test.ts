/** executeWithHealing(fn) for a function that takes no args: no args to pass (README's first example). */
import { expect, expectTypeOf, it } from 'vitest';
import { executeWithHealing, type HealingResult } from '../../src/index.js';

it('heals a function without args, and types its result', async () => {
  let calls = 0;
  const result = await executeWithHealing(async () => {
    if (++calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return { healthy: true };
  }, undefined, { retry: { minDelayMs: 0 } });
  expect(result.result).toEqual({ healthy: true });
  const bare = executeWithHealing(async () => 42);
  expectTypeOf(bare).toEqualTypeOf<Promise<HealingResult<number>>>();
  expect((await bare).result).toBe(42);
});
