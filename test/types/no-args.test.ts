/** executeWithHealing(fn) for a function that takes no args: no args to pass (README's first example). */
import { expect, expectTypeOf, it } from 'vitest';
import { executeWithHealing, HealingPipeline, type HealingResult } from '../../src/index.js';

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

it('pipeline.execute(fn) needs no args either, and a pipeline typed with args still requires them', async () => {
  let calls = 0;
  const pipeline = new HealingPipeline({ retry: { minDelayMs: 0 } });
  const healed = pipeline.execute(async () => {
    if (++calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return 'up';
  });
  expectTypeOf(healed).toEqualTypeOf<Promise<HealingResult<string>>>();
  expect(await healed).toMatchObject({ status: 'ok', result: 'up', attempts: 2 });

  const users = new HealingPipeline<{ id: number }>();
  // @ts-expect-error -- fn reads args: a call without them is a compile error
  void users.execute(async ({ id }: { id: number }) => id).catch(() => undefined);
  expect((await users.execute(async ({ id }) => id, { id: 7 })).result).toBe(7);
});
