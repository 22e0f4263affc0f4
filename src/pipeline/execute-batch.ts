import { pipelineForCurrentEnvironment } from './execute-with-healing.js';
import type { HealingFunction } from './options.js';
import type { BatchOptions, BatchResult } from '../batch/batch.js';

/**
 * Runs `fn` once per item (each item is fn's args), healed like `executeWithHealing`, at most
 * `options.concurrency` (default 8) at once. Resolves every item's `HealingResult`, in order,
 * and totals (succeeded, failed, healed, success rate); one item's failure never loses another's
 * result. After `options.signal` aborts, items not yet started are not run (reason `aborted`).
 * Rejects only for misuse (not an array, fn not a function, invalid options), before any item runs.
 *
 * @example
 * ```ts
 * const batch = await executeBatch(userIds, (id, { signal }) => api.user(id, { signal }), { concurrency: 4, retry: { maxAttempts: 3 } });
 * console.log(`${batch.totals.succeeded}/${batch.totals.total} (${batch.totals.healed} healed)`);
 * ```
 */
export function executeBatch<A, R>(items: ReadonlyArray<A>, fn: HealingFunction<A, R>, options?: BatchOptions<A, Awaited<R>>): Promise<BatchResult<Awaited<R>>> {
  try {
    return pipelineForCurrentEnvironment().executeBatch(items, fn, options);
  } catch (error) {
    return Promise.reject(error); // a bad SELF_HEALING_* value
  }
}
