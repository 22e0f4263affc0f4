import type { Execution } from '../pipeline/execution.js';
import type { FailureStrategy, Step } from '../pipeline/step.js';
import { explain, prepareNextAttempt, reasonNotToRetry } from './next-attempt.js';

/**
 * Whether another attempt could heal the failed first one. When not (a refusal, a permanent
 * error, a single allowed attempt), says why on `run` and returns `false`, so the pipeline skips
 * the retry loop without entering it: a refused or permanent call costs no async step here.
 */
export function mayRetry(run: Execution): boolean {
  if (run.stopReason !== undefined) return false; // a strategy already ended healing
  const finalReason = reasonNotToRetry(run) ?? (run.plan.maxAttempts <= 1 ? 'exhausted' : undefined);
  return finalReason === undefined || run.stop(finalReason, explain(run, finalReason));
}

/**
 * Heals a failed first attempt by further attempts (call it only when {@link mayRetry} says so).
 * The whole loop is here: before each further attempt, {@link prepareNextAttempt} decides and
 * prepares it (classify; transient: wait on the injected clock, honouring Retry-After;
 * recoverable: reflect; the budget, the deadline and adaptive skipping may say stop), then
 * `attempt` runs it (breaker, timeout, fn). `maxAttempts` counts every iteration, the first
 * attempt (already run on the fast path) included.
 *
 * We drive this loop ourselves rather than through p-retry: p-retry sleeps on the global timers
 * (no injected clock), caps every wait at its `maxTimeout` (a long Retry-After cannot be
 * honoured) and copies and validates its options and freezes two contexts per failed attempt.
 * The attempt function is passed in so that this folder never imports the pipeline at run time.
 * Its first preparation skips the check {@link mayRetry} has just made on the same failure.
 */
export async function retryWithHealing(run: Execution, attempt: Step): Promise<boolean> {
  for (let iteration = 1; iteration < run.plan.maxAttempts; iteration++) {
    if (run.stopReason !== undefined) return stopped(run);
    // The first preparation follows mayRetry's check of this same failure at once: not checked twice.
    const prepared = prepareNextAttempt(run, iteration === 1);
    if (prepared === false || (prepared !== true && !(await prepared))) return stopped(run);
    // After an abort nothing new starts, whatever was awaited in between (an undo runs to its end).
    // (The result's error becomes the abort reason when the execution finishes.)
    if (run.signal?.aborted === true) return run.stop('aborted', 'the caller aborted before the next attempt');
    const done = attempt(run);
    if (done === true || (done !== false && await done)) return true;
  }
  return stopped(run);
}

/** Healing is over: names why, unless the step that said stop already did. */
function stopped(run: Execution): false {
  if (run.stopReason !== undefined) return false;
  const reason = reasonNotToRetry(run) ?? 'exhausted';
  return run.stop(reason, explain(run, reason));
}

/**
 * Retry as a strategy of the pipeline: once the first attempt (`next`) failed, the loop above
 * runs further attempts through `next`, while {@link mayRetry} and each preparation allow.
 */
export const retryStrategy: FailureStrategy = {
  name: 'retry',
  onFailure: (run: Execution, next: Step) => mayRetry(run) && retryWithHealing(run, next),
};
