import { sleep } from '../clock.js';
import type { GiveUpReason } from '../pipeline/healing-result.js';
import type { Execution } from '../pipeline/execution.js';
import { reflectOnFailure } from '../reflect/reflect-step.js';
import { restoreBeforeRetry } from '../recover/rollback-step.js';
import { adaptiveReasonToStop } from '../adaptive/learn.js';
import { withdrawSafely } from '../budget/use-budget.js';
import { backoffDelay } from './backoff.js';
import { LastText } from '../core/last-text.js';

/**
 * Why the current failure cannot be healed by another attempt, whatever the attempt budget, or
 * `undefined` when it can. Checked before every retry and when the attempts run out, so the
 * give-up reason names the real cause (a 401 on the last attempt is `permanent`, not `exhausted`).
 */
export function reasonNotToRetry(run: Execution): GiveUpReason | undefined {
  const { plan } = run;
  if (run.signal?.aborted) return 'aborted';
  // An attempt cut at the deadline ends healing for that reason, not for the attempts left.
  if (run.pastDeadline()) return 'deadline';
  if (run.refused) return 'circuit_open';
  const { disposition, category, notProcessed } = run.classify();
  if (disposition === 'permanent') return 'permanent';
  // A non-idempotent call runs again only when the failure proves the first run did no work.
  if (disposition === 'transient' && plan.options.idempotent === false && notProcessed !== true) return 'permanent';
  // Credentials are never for a reflector to change, whatever a classifier says.
  if (disposition === 'recoverable' && category === 'auth') return 'permanent';
  if (disposition === 'recoverable' &&
    (!plan.reflectionEnabled || plan.reflector === undefined || !plan.mayReflect || run.reflections >= plan.maxReflections)) {
    return 'unrepaired';
  }
  return undefined;
}

/** A readable sentence for a give-up reason found by {@link reasonNotToRetry}. */
export function explain(run: Execution, reason: GiveUpReason): string {
  switch (reason) {
    case 'aborted': return 'the caller aborted';
    case 'deadline': return `deadlineMs (${run.plan.deadlineMs} ms) is spent; last: ${describeError(run)}`;
    case 'circuit_open': return refusedCalls.of(run.plan.circuitName) ?? refusedCalls.keep(`circuit "${run.plan.circuitName}" refused the call`, run.plan.circuitName);
    case 'permanent': return run.classify().disposition === 'recoverable'
      ? `${describeError(run)} is an authentication failure: auth errors are never reflected`
      : run.classify().disposition === 'transient'
        ? `${describeError(run)} may have been processed, and the call is marked idempotent: false`
        : `${describeError(run)} will not succeed by retrying`;
    case 'unrepaired': return `${describeError(run)} needs different arguments and ${describeReflection(run)}`;
    default: return run.plan.maxAttempts === 1
      ? `the only attempt (retry.maxAttempts 1) failed: ${describeError(run)}`
      : `all ${run.plan.maxAttempts} attempts failed; last: ${describeError(run)}`;
  }
}

/** One sentence per circuit while it keeps refusing (see core/last-text.ts). */
const refusedCalls = new LastText();

function describeError(run: Execution): string {
  const { category, reason } = run.classify();
  return `${reason} (${category})`;
}

function describeReflection(run: Execution): string {
  const { plan } = run;
  if (!plan.reflectionEnabled) return 'reflection is switched off (SELF_HEALING_REFLECTION_ENABLED=false)';
  if (plan.reflector === undefined) return 'no reflector is configured';
  if (!plan.mayReflect) return 'the call is marked idempotent: false (set reflectNonIdempotent: true to allow reflection)';
  return `no valid repair came from ${run.reflections} reflection(s)`;
}

/**
 * Decides whether and how the next attempt happens, and prepares it: a transient failure waits
 * (Retry-After, else backoff with jitter), a recoverable one gets repaired args from the
 * reflector. Gives `false`, with the reason on `run`, when healing is over.
 *
 * Synchronous unless something really waits (a budget, a reflection, a backoff over 0 ms, a
 * restore), so a zero-delay retry costs no promise and no turn of the microtask queue.
 * `checked`: the caller has just found no {@link reasonNotToRetry} on this same failure.
 */
export function prepareNextAttempt(run: Execution, checked = false): boolean | Promise<boolean> {
  const stopReason = checked ? undefined : reasonNotToRetry(run);
  if (stopReason !== undefined) return run.stop(stopReason, explain(run, stopReason));
  const { plan } = run;
  const futile = plan.adaptive === undefined ? undefined : adaptiveReasonToStop(run);
  if (futile !== undefined) return run.stop('adaptive', futile);
  if (run.classify().disposition !== 'recoverable') return waitBeforeRetry(run);
  // The reflector is asked only while the budget allows the retry its repair would be for.
  const budget = plan.retryBudget;
  return budget === undefined ? reflect(run) : withdrawSafely(run, budget).then((granted) => (granted ? reflect(run) : budgetSpent(run)));
}

function reflect(run: Execution): Promise<boolean> {
  return reflectOnFailure(run).then((repaired) => repaired && afterWait(run));
}

/** The budget refused the retry (or did not answer: an abort or the deadline while it was asked has said why already). */
function budgetSpent(run: Execution): false {
  if (run.stopReason !== undefined) return false;
  return run.stop('budget', `the retry budget is spent (too many retries among recent calls); last: ${describeError(run)}`);
}

/** The checks after the wait (or the reflection): the deadline, then the restore between attempts. */
function afterWait(run: Execution): boolean | Promise<boolean> {
  const { plan } = run;
  if (run.pastDeadline()) {
    return run.stop('deadline', `deadlineMs (${plan.deadlineMs} ms) is spent`);
  }
  return plan.rollback?.betweenAttempts === true ? restoreBeforeRetry(run) : true;
}

function waitBeforeRetry(run: Execution): boolean | Promise<boolean> {
  const { plan } = run;
  const { retryAfterMs } = run.classify();
  if (retryAfterMs !== undefined && retryAfterMs > plan.maxRetryAfterMs) {
    return run.stop('retry_after', `the server asked to wait ${retryAfterMs} ms, more than retry.maxRetryAfterMs (${plan.maxRetryAfterMs} ms)`);
  }
  const delayMs = retryAfterMs ?? backoffDelay(plan, run.retries);
  if (plan.maxElapsedMs !== undefined && run.elapsedMs() + delayMs > plan.maxElapsedMs) {
    return run.stop('deadline', `waiting ${delayMs} ms would pass retry.maxElapsedMs (${plan.maxElapsedMs} ms)`);
  }
  if (plan.deadlineMs !== undefined && run.elapsedMs() + delayMs >= plan.deadlineMs) {
    return run.stop('deadline', `waiting ${delayMs} ms would reach deadlineMs (${plan.deadlineMs} ms) before the next attempt`);
  }
  // The budget's token is taken only now, for a retry whose wait fits every limit above: a
  // Retry-After too long to honour or a deadline too near spends nothing.
  const budget = plan.retryBudget;
  if (budget === undefined) return backOff(run, delayMs);
  return withdrawSafely(run, budget).then((granted) => (granted ? backOff(run, delayMs) : budgetSpent(run)));
}

function backOff(run: Execution, delayMs: number): boolean | Promise<boolean> {
  const classification = run.classify();
  run.record({
    kind: 'retry',
    attempt: run.attempts,
    category: classification.category,
    disposition: 'transient',
    severity: classification.severity,
    delayMs,
    detail: `${classification.reason} (${classification.category}): retrying in ${delayMs} ms` +
      (classification.retryAfterMs !== undefined ? ' as Retry-After asked' : ''),
  });
  // No wait to make (what `sleep` does for 0 ms, without its promise): only an abort stops here.
  if (delayMs <= 0) return run.signal?.aborted === true ? abortedInWait(run) : afterSleep(run);
  return sleep(run.plan.clock, delayMs, run.signal).then((slept) => (slept ? afterSleep(run) : abortedInWait(run)));
}

function afterSleep(run: Execution): boolean | Promise<boolean> {
  run.retries++;
  return afterWait(run);
}

function abortedInWait(run: Execution): false {
  return run.stop('aborted', 'the caller aborted during the backoff wait');
}
