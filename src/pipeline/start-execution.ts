import { isThenable } from '../core/guards.js';
import { AttemptTimeoutError } from '../errors.js';
import { AttemptContextImpl } from '../timeout/attempt-context.js';
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
  // An already aborted call never starts: fn is not called, nothing waits, nothing needs undoing.
  if (run.signal?.aborted === true) {
    run.fail(run.signal.reason);
    return Promise.resolve(run.finish(run.stop('aborted', 'the caller aborted before the first attempt')));
  }
  if (!plan.enabled) return runOnceUnhealed(run);
  return run;
}

/**
 * With `SELF_HEALING_ENABLED=false`: one plain call, no breaker, no retry, no fallback. The
 * caller's signal and `deadlineMs` still end the wait for fn: they are the caller's limits, not
 * healing, and switching the library off must not make a call that could be cancelled hang.
 */
async function runOnceUnhealed(run: Execution): Promise<HealingResult<unknown>> {
  const { plan } = run;
  const ctx = new AttemptContextImpl(1, run.signal);
  if (plan.deadlineMs !== undefined) ctx.startTimeout(plan.clock, plan.deadlineMs);
  run.attempts = 1;
  try {
    const fn = run.fn; // called as a plain function, never as a method of the execution
    const value = fn(run.args, ctx);
    run.value = await (ctx.abortable && isThenable(value) ? ctx.race(value) : value);
    return run.finish(true);
  } catch (thrown) {
    run.fail(thrown);
    if (run.signal?.aborted === true && thrown === run.signal.reason) run.stop('aborted', 'the caller aborted');
    else if (thrown instanceof AttemptTimeoutError && ctx.signal.reason === thrown) run.stop('deadline', `deadlineMs (${plan.deadlineMs} ms) is spent`);
    else run.stop('disabled', 'self-healing is switched off (SELF_HEALING_ENABLED=false): the call ran once');
    return run.finish(false);
  } finally {
    ctx.dispose();
  }
}
