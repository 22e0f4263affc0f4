import { z } from 'zod';
import { isObject, positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';
import type { RetryBudget } from './retry-budget.js';

/**
 * Settings of the built-in sliding-window budget.
 *
 * @example
 * ```ts
 * const config: RetryBudgetConfig = { ratio: 0.1, minRetries: 10, windowMs: 10_000, scope: 'circuit' };
 * ```
 * @inline
 */
export interface RetryBudgetConfig {
  /** Retries allowed per call of base traffic in the window: 0.1 means at most 10 % extra load. Default 0.1. */
  ratio?: number;
  /** Retries always allowed per window, so that a quiet service can still retry. Default 10. */
  minRetries?: number;
  /** The window "recent" means, in ms. Default 10 000. */
  windowMs?: number;
  /** One budget for the pipeline (`'pipeline'`, the default) or one per `circuitName` (`'circuit'`). */
  scope?: 'pipeline' | 'circuit';
}

/** The schema of a {@link RetryBudgetConfig}. */
export const retryBudgetConfigSchema = z.strictObject({
  ratio: z.number().min(0, 'expected a ratio >= 0 (0.1 lets retries add at most 10 % to the calls)').max(1_000).optional(),
  minRetries: z.number().int().min(0).max(1_000_000).optional(),
  windowMs: positiveMs.optional(),
  scope: z.enum(['pipeline', 'circuit']).optional(),
});

type _Check = Assert<Same<RetryBudgetConfig, z.input<typeof retryBudgetConfigSchema>>>;

/**
 * The `retryBudget` option: only its shape here. A config's fields are checked where the budget
 * is built (resolveRetryBudget), so an error names the field (`retryBudget.ratio`), which a
 * union's error cannot.
 */
export const retryBudgetOption = z.custom<RetryBudgetConfig | RetryBudget>(isObject,
  'expected { ratio, minRetries, windowMs, scope } or a RetryBudget (tryWithdraw() and deposit())');
