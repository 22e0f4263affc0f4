import { recogniseOtherCopies, withoutStack } from '../errors.js';

/**
 * Why a bulkhead refused an execution: `full` (every slot busy and the queue full) or
 * `queue_timeout` (it waited `queueTimeoutMs` in the queue without getting a slot).
 * @example
 * ```ts
 * if (isBulkheadRejectedError(result.error) && result.error.reason === 'full') shedLoad();
 * ```
 * @inline
 */
export type BulkheadRejection = 'full' | 'queue_timeout';

/**
 * The error of an execution a bulkhead refused: fn was never called. Built without a stack
 * trace, so refusing under overload is cheap.
 *
 * @example
 * ```ts
 * const result = await pipeline.execute(render, page);
 * if (result.status === 'error' && isBulkheadRejectedError(result.error)) respond(503);
 * ```
 */
export class BulkheadRejectedError extends Error {
  readonly code = 'ERR_BULKHEAD_REJECTED';
  override readonly name = 'BulkheadRejectedError';
  readonly reason: BulkheadRejection;
  /** The bulkhead's limits when it refused. */
  readonly maxConcurrent: number;
  readonly maxQueue: number;

  private constructor(reason: BulkheadRejection, maxConcurrent: number, maxQueue: number) {
    super(reason === 'full'
      ? `Bulkhead full: ${maxConcurrent} call(s) running and ${maxQueue} queued; the call was refused without running it`
      : `Bulkhead queue timeout: no slot freed up in time; the call was refused without running it`);
    this.reason = reason;
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }

  /** Creates the error without capturing a stack trace. */
  static create(reason: BulkheadRejection, maxConcurrent: number, maxQueue: number): BulkheadRejectedError {
    return withoutStack(() => new this(reason, maxConcurrent, maxQueue));
  }
}
recogniseOtherCopies(BulkheadRejectedError, 'ERR_BULKHEAD_REJECTED');

/**
 * Type guard for {@link BulkheadRejectedError}.
 * @example
 * ```ts
 * if (isBulkheadRejectedError(result.error)) console.log(result.error.reason);
 * ```
 */
export function isBulkheadRejectedError(error: unknown): error is BulkheadRejectedError {
  return error instanceof BulkheadRejectedError;
}
