import { Bulkhead } from '../bulkhead/bulkhead.js';
import { isPipelineBudgetConfig } from '../pipeline/inline-state.js';
import type { HealingOptions } from '../pipeline/options.js';

/**
 * The shared options of `healTools`, with each stateful config copied, for one tool. The library
 * keeps a bulkhead's slots and a pipeline retry budget's window per config object, so one object
 * shared by every tool would be one bulkhead and one budget for all of them: a busy tool would
 * take the others' slots and retries. A copy per tool makes each its own, as each tool has its
 * own circuit. (`lastGood` caches and `adaptive: true` are per pipeline already.) Instances (a
 * `Bulkhead`, a `RetryBudget`, an `AdaptiveHealing`) are shared as given: that is how a user
 * shares one on purpose.
 */
export function withOwnState(shared: HealingOptions): HealingOptions {
  const { bulkhead, retryBudget } = shared;
  const own: HealingOptions = { ...shared };
  if (bulkhead !== undefined && !(bulkhead instanceof Bulkhead)) own.bulkhead = { ...bulkhead };
  if (retryBudget !== undefined && isPipelineBudgetConfig(retryBudget)) own.retryBudget = { ...retryBudget };
  return own;
}
