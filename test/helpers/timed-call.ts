import type { HealingPipeline, HealingResult } from '../../src/index.js';
import type { ManualClock } from './manual-clock.js';

/**
 * One execution of `pipeline` whose attempts each take `latencyMs` on `clock` (advanced here, so
 * durations are exact); `errors` fail the first attempts, in order.
 */
export async function callTaking(clock: ManualClock, pipeline: HealingPipeline, latencyMs: number, errors: unknown[] = []): Promise<HealingResult<string>> {
  let attempt = 0;
  const pending = pipeline.execute(async () => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, latencyMs));
    const error = errors[attempt++];
    if (error !== undefined) throw error;
    return 'ok';
  }, {});
  await clock.advance(latencyMs * (errors.length + 1));
  return pending;
}
