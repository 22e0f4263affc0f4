import { Execution } from './execution.js';
import { runFirstAttemptLane } from './first-attempt.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';

/**
 * One execution: `plan.pipeline`, the strategies compiled from the options in their order
 * (compile.ts), run on a new {@link Execution}, which becomes the {@link HealingResult}. The
 * most common plan's first attempt runs in a lane of its own (first-attempt.ts), which builds
 * the execution only when that attempt does not succeed.
 */
export function runExecution(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call?: HealingOptions, rebind = 0,
): Promise<HealingResult<unknown>> {
  let run: Execution;
  try {
    const lane = runFirstAttemptLane(plan, fn, args, call, rebind);
    if (lane !== undefined) return lane;
    run = new Execution(plan, fn, args, call, rebind);
  } catch (error) {
    return Promise.reject(error); // a full breaker registry: misuse rejects, never throws synchronously
  }
  if (!plan.enabled) return runOnceUnhealed(run);
  // An already aborted call never starts: fn is not called, nothing waits, nothing needs undoing.
  if (run.signal?.aborted === true) {
    run.fail(run.signal.reason);
    return Promise.resolve(run.finish(run.stop('aborted', 'the caller aborted before the first attempt')));
  }
  return plan.pipeline(run);
}

/** With `SELF_HEALING_ENABLED=false`: one plain call, no breaker, no retry, no fallback. */
async function runOnceUnhealed(run: Execution): Promise<HealingResult<unknown>> {
  try {
    run.attempts = 1;
    run.value = await run.fn(run.args, { attempt: 1, signal: run.signal ?? new AbortController().signal });
    return run.finish(true);
  } catch (thrown) {
    run.fail(thrown);
    run.stop('disabled', 'self-healing is switched off (SELF_HEALING_ENABLED=false): the call ran once');
    return run.finish(false);
  }
}
