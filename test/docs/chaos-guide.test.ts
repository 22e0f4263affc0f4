/** The showcase test of docs/chaos-testing.md ("Deterministic by design"), as written there. */
import { expect, it } from 'vitest';
import { HealingPipeline } from '../../src/index.js';
import { injectFault, seededRandom } from '../../src/testing/index.js';

const getUser = async ({ id }: { id: string }) => ({ id, name: `user ${id}` });

it('heals 30 % transient failures with 4 attempts', async () => {
  const flaky = injectFault(getUser, {
    rate: 0.3,
    random: seededRandom(42),
    error: () => Object.assign(new Error('busy'), { status: 503 }),
  });
  const pipeline = new HealingPipeline({ retry: { maxAttempts: 4, minDelayMs: 0 } });
  let ok = 0;
  for (let i = 0; i < 100; i++) {
    const result = await pipeline.execute(flaky, { id: String(i) });
    if (result.status === 'ok') ok++;
  }
  expect(ok).toBeGreaterThanOrEqual(97);
  expect(flaky.stats.injected).toBeGreaterThan(0);
});

it('without retries the same seed fails about 30 of 100 calls', async () => {
  const flaky = injectFault(getUser, { rate: 0.3, random: seededRandom(42), error: () => Object.assign(new Error('busy'), { status: 503 }) });
  const pipeline = new HealingPipeline({ retry: { maxAttempts: 1 } });
  let failed = 0;
  for (let i = 0; i < 100; i++) if ((await pipeline.execute(flaky, { id: String(i) })).status === 'error') failed++;
  expect(failed).toBeGreaterThanOrEqual(20);
  expect(failed).toBeLessThanOrEqual(40);
});
