import type { Execution } from '../pipeline/execution.js';
import type { FailureStrategy } from '../pipeline/step.js';
import { depositSafely } from './use-budget.js';

/**
 * The retry budget's deposit: every call admitted past the bulkhead earns retries (`ratio` of
 * them). The withdrawal is the retry loop's, before each retry (`retry/next-attempt.ts`).
 */
export const budgetStrategy: FailureStrategy = {
  name: 'budget',
  before(run: Execution): true {
    depositSafely(run.plan.retryBudget!);
    return true;
  },
};
