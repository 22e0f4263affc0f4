import { z } from 'zod';
import { fn } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';

/**
 * How to undo the effects of a failed call by restoring a snapshot. `snapshot(args)` runs once
 * before the first attempt; `restore(snapshot, error)` runs once when the call cannot succeed,
 * and also before every retry with `betweenAttempts: true`, so each retry starts clean.
 *
 * @example
 * ```ts
 * const rollback: RollbackOptions<{ cartId: string }, Cart> = {
 *   snapshot: ({ cartId }) => carts.get(cartId),
 *   restore: (saved) => carts.put(saved),
 *   betweenAttempts: true,
 * };
 * ```
 */
export interface RollbackOptions<A = any, S = any> {
  /** Captures what a restore needs; sync or async. If it throws, fn is not called. */
  snapshot(args: A): S | PromiseLike<S>;
  /** Puts the snapshot back; receives the error that made the call fail. */
  restore(snapshot: S, error: Error): unknown;
  /** Also restore before each retry. Default false (only after the terminal failure). */
  betweenAttempts?: boolean;
}

/**
 * Undoes what a failed call did, once, after its terminal failure: `(error, args)`.
 *
 * @example
 * ```ts
 * const compensate: CompensateFunction<{ orderId: string }> = (error, { orderId }) => orders.cancel(orderId);
 * ```
 * @inline
 */
export type CompensateFunction<A = any> = (error: Error, args: A) => unknown;

/** The schema of the `rollback` option. */
export const rollbackOptionsSchema = z.strictObject({
  snapshot: fn<(args: unknown) => unknown>('a function snapshot(args)'),
  restore: fn<(snapshot: unknown, error: Error) => unknown>('a function restore(snapshot, error)'),
  betweenAttempts: z.boolean().optional(),
});

// Generic in the args and the snapshot: checked with both `unknown`, what the schema can know.
type _Check = Assert<Same<RollbackOptions<unknown, unknown>, z.input<typeof rollbackOptionsSchema>>>;

/** The schema of the `compensate` option. */
export const compensateOption = fn<CompensateFunction<unknown>>('a function compensate(error, args)');
