import { HealingConfigError, toError } from '../errors.js';
import type { HealingResult } from '../pipeline/healing-result.js';
import type { HealingFunction, HealingOptions } from '../pipeline/options.js';
import { notRunResult } from '../core/not-run-result.js';

/**
 * Options of `executeBatch`: the healing options every item runs with, plus a concurrency limit.
 *
 * @example
 * ```ts
 * const options: BatchOptions = { concurrency: 4, retry: { maxAttempts: 3 }, circuitName: 'geocoder' };
 * ```
 */
export interface BatchOptions<A = any, R = any> extends HealingOptions<A, R> {
  /** How many items run at once. Default 8. */
  concurrency?: number;
}

/**
 * Counts over a batch's items.
 * @example
 * ```ts
 * if (batch.totals.successRate < 0.9) alert(`only ${batch.totals.succeeded} of ${batch.totals.total} went through`);
 * ```
 * @inline
 */
export interface BatchTotals {
  total: number;
  /** Items whose result is `'ok'` (healed ones included). */
  succeeded: number;
  /** Items whose result is `'error'` (aborted ones included). */
  failed: number;
  /** Items that succeeded only thanks to healing (a retry, a reflection or a fallback). */
  healed: number;
  /** `succeeded / total`; 1 for an empty batch (nothing failed). */
  successRate: number;
}

/**
 * What `executeBatch` resolves with: one result per item, in the items' order, and totals.
 * @example
 * ```ts
 * const batch = await executeBatch(ids, fetchUser, { concurrency: 4 });
 * batch.results.forEach((result, i) => { if (result.status === 'error') console.log(ids[i], result.error.message); });
 * ```
 */
export interface BatchResult<R> {
  results: Array<HealingResult<R>>;
  totals: BatchTotals;
  /** Wall time of the whole batch, in ms. */
  durationMs: number;
}

type Execute = (fn: HealingFunction<unknown, unknown>, args: unknown, overrides: HealingOptions | undefined) => Promise<HealingResult<unknown>>;

/** Splits batch options into the concurrency and the healing overrides; checks what a batch adds. */
export function readBatchOptions(options: BatchOptions | undefined): { concurrency: number; overrides: HealingOptions | undefined } {
  if (options === undefined) return { concurrency: 8, overrides: undefined };
  // An array has no option to read: `{ ...[] }` would be no overrides at all, accepted silently.
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HealingConfigError('options', `expected an options object or nothing, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const { concurrency = 8, ...overrides } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100_000) {
    throw new HealingConfigError('concurrency', `expected a whole number from 1 to 100000 (got ${String(concurrency)})`);
  }
  return { concurrency, overrides: Object.keys(overrides).length === 0 ? undefined : overrides };
}

/** Checks the items and the function before anything runs. */
export function checkBatchInput(items: unknown, fn: unknown): asserts items is ReadonlyArray<unknown> {
  if (!Array.isArray(items)) throw new HealingConfigError('items', `expected an array of args, one per item (got ${items === null ? 'null' : typeof items})`);
  if (typeof fn !== 'function') throw new HealingConfigError('fn', `expected the function to heal, got ${fn === null ? 'null' : typeof fn}`);
}

/**
 * Runs `fn` over every item, at most `concurrency` at once, each healed by `execute`. An item's
 * failure is its own result and never disturbs another's. After `signal` aborts, items not yet
 * started are not run: their results give up with reason `aborted` and 0 attempts.
 */
export async function runBatch(
  execute: Execute,
  items: ReadonlyArray<unknown>,
  fn: HealingFunction<unknown, unknown>,
  concurrency: number,
  overrides: HealingOptions | undefined,
  now: () => number,
): Promise<BatchResult<unknown>> {
  const startedAt = now();
  const results = new Array<HealingResult<unknown>>(items.length);
  const signal = overrides?.signal;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const args = items[index];
      results[index] = signal?.aborted === true
        ? notRunResult(args, toError(signal.reason), 'aborted', 'the caller aborted before this item started')
        : await execute(fn, args, overrides).catch((thrown: unknown) =>
          // The pipeline refused to run this item (misuse it only finds at run time, such as a full
          // breaker registry): this item's failure, which must not cost the others their results.
          notRunResult(args, toError(thrown), 'permanent', `the pipeline could not run this item: ${toError(thrown).message}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { results, totals: totalsOf(results), durationMs: now() - startedAt };
}

function totalsOf(results: ReadonlyArray<HealingResult<unknown>>): BatchTotals {
  let succeeded = 0;
  let healed = 0;
  for (const result of results) {
    if (result.status === 'ok') {
      succeeded++;
      if (result.healed) healed++;
    }
  }
  const total = results.length;
  return { total, succeeded, failed: total - succeeded, healed, successRate: total === 0 ? 1 : succeeded / total };
}
