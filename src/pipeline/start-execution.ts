import { Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';

/**
 * Starts one execution on the full pipeline: a new {@link Execution}, ready for `plan.pipeline`
 * (the strategies compiled from the options in their order, compile.ts), which the caller runs on
 * it and which makes it the {@link HealingResult}. Calls that need no pipeline get their promised
 * result instead: misuse, `SELF_HEALING_ENABLED=false`, a signal aborted already. (The most
 * common plan's first attempt runs in a lane of its own, first-attempt.ts; `execute` decides.)
 *
 * The caller runs the pipeline itself so that fn runs one frame nearer the user's call: every
 * frame between them takes a line of the stack traces fn's errors capture (see first-attempt.ts).
 */
export function startExecution(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call?: HealingOptions, rebind = 0,
): Execution | Promise<HealingResult<unknown>> {
  let run: Execution;
  try {
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
  return run;
}

/** With `SELF_HEALING_ENABLED=false`: one plain call, no breaker, no retry, no fallback. */
async function runOnceUnhealed(run: Execution): Promise<HealingResult<unknown>> {
  try {
    run.attempts = 1;
    const fn = run.fn; // called as a plain function, never as a method of the execution
    run.value = await fn(run.args, { attempt: 1, signal: run.signal ?? new AbortController().signal });
    return run.finish(true);
  } catch (thrown) {
    run.fail(thrown);
    run.stop('disabled', 'self-healing is switched off (SELF_HEALING_ENABLED=false): the call ran once');
    return run.finish(false);
  }
}
