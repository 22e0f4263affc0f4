import { runFallbacks } from '../fallback/fallback-step.js';
import { retryWithHealing } from '../retry/retry-step.js';
import { runAttempt } from './attempt.js';
import { Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction } from './options.js';
import type { ExecutionPlan } from './plan.js';

/**
 * The whole pipeline, top to bottom. The first attempt runs on its own, so a call that succeeds
 * at once never enters the retry machinery, arms no timer and builds no error.
 *
 *   1. attempt   circuit breaker -> per-attempt timeout -> fn
 *   2. retry     classify; transient: back off; recoverable: reflect; permanent: stop
 *   3. fallback  the fallbacks in order
 *   4. result    a HealingResult, ending with 'give_up' when it failed
 */
export async function runExecution(plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown): Promise<HealingResult<unknown>> {
  const run = new Execution(plan, fn, args);
  if (!plan.enabled) return run.finish(await runAttemptOnly(run));
  const ok = (await runAttempt(run)) || (await retryWithHealing(run)) || (await runFallbacks(run));
  return run.finish(ok);
}

/** With `SELF_HEALING_ENABLED=false`: one plain call, no breaker, no retry, no fallback. */
async function runAttemptOnly(run: Execution): Promise<boolean> {
  try {
    run.attempts = 1;
    run.value = await run.fn(run.args, { attempt: 1, signal: run.plan.signal ?? new AbortController().signal });
    return true;
  } catch (thrown) {
    run.fail(thrown);
    run.stop('disabled', 'self-healing is switched off (SELF_HEALING_ENABLED=false): the call ran once');
    return false;
  }
}
