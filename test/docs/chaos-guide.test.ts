/**
 * docs/chaos-testing.md ("Deterministic by design"): its showcase test runs as written in
 * test/docs/snippets.test.ts; this checks the page's claim that, without retries, the same seed
 * fails about 30 of 100 calls (so the healed rate the showcase asserts is healing, not luck).
 */
import { expect, it } from 'vitest';
import { HealingPipeline } from '../../src/index.js';
import { injectFault, seededRandom } from '../../src/testing/index.js';

const getUser = async ({ id }: { id: string }) => ({ id, name: `user ${id}` });

it('without retries the same seed fails about 30 of 100 calls', async () => {
  const flaky = injectFault(getUser, { rate: 0.3, random: seededRandom(42), error: () => Object.assign(new Error('busy'), { status: 503 }) });
  const pipeline = new HealingPipeline({ retry: { maxAttempts: 1 } });
  let failed = 0;
  for (let i = 0; i < 100; i++) if ((await pipeline.execute(flaky, { id: String(i) })).status === 'error') failed++;
  expect(failed).toBeGreaterThanOrEqual(20);
  expect(failed).toBeLessThanOrEqual(40);
});
