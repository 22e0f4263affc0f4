import { Bulkhead } from '../bulkhead/bulkhead.js';
import type { Fallback } from '../fallback/fallback-kinds.js';
import { isPipelineBudgetConfig, lastGoodIndexes } from '../pipeline/inline-state.js';
import type { HealingOptions } from '../pipeline/options.js';

/**
 * The shared options of `healTools`, with each stateful config copied, for one tool. The library
 * keeps a bulkhead's slots, a pipeline retry budget's window and a `lastGood` cache per config
 * object, so one object shared by every tool would be one bulkhead for all of them, and a
 * result of one tool could be served, from the cache, for another tool's call with equal args.
 * A copy per tool makes each its own, as each tool has its own circuit. Instances (a `Bulkhead`,
 * a `RetryBudget`, an `AdaptiveHealing`) are shared as given: that is how a user shares on purpose.
 */
export function withOwnState(shared: HealingOptions): HealingOptions {
  const { bulkhead, retryBudget, fallback } = shared;
  const own: HealingOptions = { ...shared };
  if (bulkhead !== undefined && !(bulkhead instanceof Bulkhead)) own.bulkhead = { ...bulkhead };
  if (retryBudget !== undefined && isPipelineBudgetConfig(retryBudget)) own.retryBudget = { ...retryBudget };
  if (fallback !== undefined && typeof fallback !== 'function') {
    const indexes = lastGoodIndexes(fallback);
    if (indexes.length > 0) {
      const list = (Array.isArray(fallback) ? [...fallback] : [fallback]) as Fallback[];
      for (const index of indexes) list[index] = { ...list[index] } as Fallback;
      own.fallback = Array.isArray(fallback) ? list : list[0];
    }
  }
  return own;
}
