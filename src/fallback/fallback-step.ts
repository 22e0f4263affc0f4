import { messageOf, toError } from '../errors.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';
import type { Execution } from '../pipeline/execution.js';
import type { FallbackContext } from '../pipeline/options.js';
import type { HealingAction } from '../pipeline/healing-result.js';
import type { ResolvedFallback } from './fallback-kinds.js';

const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs the fallbacks in order with the last args, after the primary could not succeed (not after
 * the caller aborted). The first success serves the call. When all fail, the execution's error
 * becomes an `AggregateError` of every failure, the primary's first (also its `cause`).
 *
 * A fallback is waited for under the one rule for waiting: the caller's signal and what is left
 * of `deadlineMs` bound it. A fallback that answers synchronously (a static value, a lastGood
 * cache) still serves after the deadline; one that returns a promise once the deadline has
 * passed is not awaited, since the caller was promised an answer by then.
 */
export async function runFallbacks(run: Execution): Promise<boolean> {
  const { plan } = run;
  const fallbacks = run.fallbacks();
  if (fallbacks.length === 0 || run.stopReason === 'aborted') return false;
  const primary = run.error!;
  const { category, severity } = run.classify();
  if (plan.adaptive?.shouldSkip(category, 'fallback') === true) {
    run.record({ kind: 'fallback', attempt: run.attempts, category, severity, succeeded: false, reason: 'adaptive',
      detail: `fallbacks skipped: they have not served a ${category} failure in their last ${plan.adaptive.window} tries` });
    return false;
  }
  const failures: Error[] = [primary];
  for (let index = 0; index < fallbacks.length; index++) {
    // After an abort nothing new starts (one can land while an undo step runs: they are never cut short).
    if (run.signal?.aborted === true) return run.stop('aborted', `the caller aborted before fallback #${index + 1} ran`);
    const ctx: FallbackContext = { attempt: run.attempts, signal: run.signal ?? NEVER_ABORTED, error: failures[failures.length - 1]! };
    const fallback = fallbacks[index]!;
    const label = fallback.name === undefined ? `fallback #${index + 1}` : `fallback #${index + 1} "${fallback.name}"`;
    try {
      // A fallback that ignores the caller's signal must not hold the caller after an abort or the deadline.
      const served = await boundedWait(run, label, fallback.call(run.args, ctx));
      if (served === ABANDONED) return false;
      run.value = served;
      run.fallbackServed = true;
      run.servedBy = fallback.name ?? `fallback #${index + 1}`;
      run.record(withProvider(fallback, { kind: 'fallback', attempt: run.attempts, category, severity, fallbackIndex: index, succeeded: true,
        detail: `${label} served the call after the primary failed (${run.stopReason ?? 'unknown'})` }));
      return true;
    } catch (thrown) {
      const error = toError(thrown);
      failures.push(error);
      run.record(withProvider(fallback, { kind: 'fallback', attempt: run.attempts, category, severity, fallbackIndex: index, succeeded: false, error: run.redact(messageOf(error)),
        detail: `${label} failed` }));
    }
  }
  run.error = new AggregateError(failures,
    `The call failed and so did ${failures.length - 1} fallback(s): ${failures.map((error) => run.redact(messageOf(error))).join(' | ')}`,
    { cause: primary });
  return false;
}

/** Adds the provider's name and cost, when it has them, to its action. */
function withProvider(fallback: ResolvedFallback, action: HealingAction): HealingAction {
  if (fallback.name !== undefined) action.provider = fallback.name;
  if (fallback.cost !== undefined) action.cost = fallback.cost;
  return action;
}
