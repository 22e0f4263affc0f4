import { Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction } from './options.js';
import type { ExecutionPlan } from './plan.js';

/**
 * One execution: `plan.pipeline`, the strategies compiled from the options in their order
 * (compile.ts), run on a new {@link Execution}, which becomes the {@link HealingResult}.
 */
export function runExecution(plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown): Promise<HealingResult<unknown>> {
  let run: Execution;
  try {
    run = new Execution(plan, fn, args);
  } catch (error) {
    return Promise.reject(error); // a full breaker registry: misuse rejects, never throws synchronously
  }
  if (!plan.enabled) return runOnceUnhealed(run);
  // An already aborted call never starts: fn is not called, nothing waits, nothing needs undoing.
  if (plan.signal?.aborted === true) {
    run.fail(plan.signal.reason);
    return Promise.resolve(run.finish(run.stop('aborted', 'the caller aborted before the first attempt')));
  }
  return plan.pipeline(run);
}

/** With `SELF_HEALING_ENABLED=false`: one plain call, no breaker, no retry, no fallback. */
async function runOnceUnhealed(run: Execution): Promise<HealingResult<unknown>> {
  try {
    run.attempts = 1;
    run.value = await run.fn(run.args, { attempt: 1, signal: run.plan.signal ?? new AbortController().signal });
    return run.finish(true);
  } catch (thrown) {
    run.fail(thrown);
    run.stop('disabled', 'self-healing is switched off (SELF_HEALING_ENABLED=false): the call ran once');
    return run.finish(false);
  }
}
