import { ignoreRejection } from '../core/guards.js';
import type { RetryBudget } from './retry-budget.js';
import type { Execution } from '../pipeline/execution.js';
import { boundedWait } from '../timeout/bounded-wait.js';

/** Deposits one call; a budget that throws or rejects (a store that is down) must not fail the call. */
export function depositSafely(budget: RetryBudget): void {
  try {
    ignoreRejection(budget.deposit());
  } catch {
    // ignored: see above
  }
}

/**
 * Takes one retry, awaiting a shared budget's answer. A budget that throws or rejects counts as
 * spent: without an answer, not adding load is the safe side during what may be an outage.
 */
export async function withdrawSafely(run: Execution, budget: RetryBudget): Promise<boolean> {
  try {
    // A store that never answers must not hold the execution past an abort or the deadline.
    return (await boundedWait(run, 'the retry budget', budget.tryWithdraw())) === true;
  } catch {
    return false;
  }
}
