import { runFallbacks } from '../fallback/fallback-step.js';
import { rollBack, takeSnapshot } from '../recover/rollback-step.js';
import { depositSafely } from '../budget/use-budget.js';
import { mayRetry, retryWithHealing } from '../retry/retry-step.js';
import { isThenable } from '../core/guards.js';
import { endAttempt, REFUSED, runAttempt, startAttempt } from './attempt.js';
import { Execution } from './execution.js';
import { runWithStrategies } from './custom-strategies.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction } from './options.js';
import type { ExecutionPlan } from './plan.js';

/**
 * The whole pipeline, top to bottom:
 *
 *   1. attempt   circuit breaker -> per-attempt timeout -> fn
 *   2. retry     classify; transient: back off; recoverable: reflect; permanent: stop
 *   3. rollback  restore the snapshot / compensate, once (only when configured)
 *   4. fallback  the fallbacks in order
 *   5. result    a HealingResult, ending with 'give_up' when it failed
 *
 * The first attempt is awaited here rather than through `runAttempt`: a call that succeeds at
 * once then costs one async frame in all (about 30 ns each on our bench machine, a tenth of a
 * peer's whole overhead), never enters the retry machinery, and builds no error.
 */
export async function runExecution(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, prepared: Execution | undefined,
): Promise<HealingResult<unknown>> {
  const run = prepared ?? new Execution(plan, fn, args);
  if (!plan.enabled) return run.finish(await runOnceUnhealed(run));

  // An already aborted call never starts: fn is not called, and nothing needs undoing.
  if (plan.signal?.aborted) {
    run.fail(plan.signal.reason);
    return run.finish(run.stop('aborted', 'the caller aborted before the first attempt'));
  }

  let ok = false;
  if (plan.executionStrategies !== undefined || plan.attemptStrategies !== undefined) ok = await runWithStrategies(run);
  else {
    const pending = startAttempt(run);
    if (pending !== REFUSED) {
      try {
        run.value = isThenable(pending) ? await pending : pending;
        ok = true;
      } catch (thrown) {
        run.fail(thrown);
      }
      endAttempt(run, ok);
    }
    // Each step is awaited only when it has something to do: a refusal or a permanent failure with
    // no rollback and no fallback settles without another async step.
    if (!ok && mayRetry(run)) ok = await retryWithHealing(run, runAttempt);
  }
  if (!ok && (plan.rollback !== undefined || plan.compensate !== undefined)) await rollBack(run);
  if (!ok && plan.fallbacks.length > 0) ok = await runFallbacks(run);
  return run.finish(ok);
}

/**
 * Deposits in the retry budget and takes the rollback snapshot, then runs the execution. Only
 * plans with `prepares` come here (through `runGuarded`): an `await` in `runExecution`, even one
 * never reached, would slow every call down.
 */
export async function runPrepared(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, startedAt?: number,
): Promise<HealingResult<unknown>> {
  const run = new Execution(plan, fn, args, startedAt);
  if (plan.retryBudget !== undefined) depositSafely(plan.retryBudget);
  if (plan.rollback !== undefined && !(await takeSnapshot(run))) return run.finish(false);
  return runExecution(plan, fn, args, run);
}

/** The pipeline with its preparation when it has one (for `runGuarded` and the bulkhead). */
export function runPreparedOrNot(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, startedAt?: number,
): Promise<HealingResult<unknown>> {
  if (plan.prepares) return runPrepared(plan, fn, args, startedAt);
  return runExecution(plan, fn, args, startedAt === undefined ? undefined : new Execution(plan, fn, args, startedAt));
}

/** With `SELF_HEALING_ENABLED=false`: one plain call, no breaker, no retry, no fallback. */
async function runOnceUnhealed(run: Execution): Promise<boolean> {
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
