import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { fn } from '../config/schema-helpers.js';
import { isInstance } from '../core/guards.js';
import { HealingConfigError, toError } from '../errors.js';
import { notRunResult } from '../core/not-run-result.js';
import type { HealingResult } from '../pipeline/healing-result.js';
import type { AttemptContext, HealingOptions } from '../pipeline/options.js';

/**
 * One step of a {@link HealingPipeline.transaction}: `run` is healed by the pipeline and receives
 * the values of the steps committed before it; `compensate` undoes it if a later step fails.
 *
 * @example
 * ```ts
 * const reserve: TransactionStep<{ id: string }> = {
 *   name: 'reserve',
 *   run: (_done, { signal }) => stock.reserve('sku-1', { signal }),
 *   compensate: (reservation) => stock.release(reservation.id),
 * };
 * ```
 */
export interface TransactionStep<R = any> {
  /** Unique within the transaction; keys `results` and names the step in the result. */
  name: string;
  /** Does the step's work; sync or async, healed (retried, timed out, ...) like any call. */
  run(results: Readonly<Record<string, unknown>>, ctx: AttemptContext): R | PromiseLike<R>;
  /** Undoes a committed step, with its value and the error that failed the transaction. */
  compensate?(value: R, error: Error): unknown;
}

/**
 * Per-transaction options.
 *
 * @example
 * ```ts
 * await pipeline.transaction(steps, { signal: request.signal });
 * ```
 * @inline
 */
export interface TransactionOptions {
  /** Aborting it fails the step in flight; committed steps are still compensated (without this signal). */
  signal?: AbortSignal;
}

/**
 * A compensation that failed (after the pipeline's retries): recorded, never hidden, so the
 * caller knows what to repair by hand.
 * @example
 * ```ts
 * for (const { step, error } of result.compensationFailures) alertOps(step, error);
 * ```
 * @inline
 */
export interface CompensationFailure {
  step: string;
  error: Error;
  /** The healing of the compensation: what was retried and why it gave up. */
  result: HealingResult<unknown>;
}

/**
 * What a transaction resolves with. It never rejects because a step failed.
 *
 * @example
 * ```ts
 * const result = await pipeline.transaction(steps);
 * if (result.status === 'error') console.log(result.failed, result.compensated, result.compensationFailures);
 * ```
 */
export interface TransactionResult {
  /** `'ok'` when every step committed. */
  status: 'ok' | 'error';
  /** The values of committed steps, by name (compensated ones included). */
  results: Record<string, unknown>;
  /** Steps that succeeded, in the order they ran. */
  committed: string[];
  /** The step that failed (it did not commit, so it is not compensated), if any. */
  failed: string | undefined;
  /** Steps compensated successfully, in the order compensated (the reverse of `committed`). */
  compensated: string[];
  /** Compensations that threw, in the order tried. */
  compensationFailures: CompensationFailure[];
  /** The HealingResult of every step that ran, in order (a step the pipeline refused to run has none). */
  steps: Array<{ name: string; result: HealingResult<unknown> }>;
  /** The failed step's error (when `status` is `'error'`). */
  error: Error | undefined;
}

/** What the transaction needs from a pipeline: one healed execution. */
export type ExecuteStep = (
  fn: (args: any, ctx: AttemptContext) => unknown,
  args: unknown,
  overrides: HealingOptions | undefined,
) => Promise<HealingResult<unknown>>;

/**
 * Compensations are healed too (a transient failure is retried), but with no fallback (a
 * fallback value would pretend the undo happened), no circuit (an open breaker must not refuse
 * the undo of a step that did commit), no retry budget or bulkhead (undoing is not load to shed),
 * no degradable feature (a switched-off feature would serve its fallback instead of undoing), no
 * hedge (two concurrent calls could undo twice), no adaptive skipping (an undo is always worth a
 * retry), no caller signal, no timeout or deadline (see below), and no rollback of their own.
 */
const COMPENSATION_OVERRIDES: HealingOptions = {
  fallback: [], circuitName: undefined, signal: undefined, rollback: undefined, compensate: undefined, retryBudget: undefined,
  bulkhead: undefined, feature: undefined, hedge: undefined, adaptive: undefined,
  // No per-attempt timeout or deadline either: an attempt abandoned at its timeout keeps running,
  // and retrying it would run the undo twice at once (a refund refunded twice). A compensation
  // that must be bounded bounds itself.
  timeoutMs: undefined, timeoutGraceMs: undefined, deadlineMs: undefined,
};

// Strict: any other key is a typo (`compensat`) whose function would never run, and a committed
// step would be left undone when a later one fails.
const stepSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty string'),
  run: fn('a function run(results, ctx)'),
  compensate: fn('a function compensate(value, error) or nothing').optional(),
}, { error: 'expected a step { name, run, compensate }' });

const optionsSchema = z.strictObject({
  signal: z.custom<AbortSignal>((value) => isInstance(value, AbortSignal), 'expected an AbortSignal').optional(),
}, { error: 'expected { signal } or nothing' });

/**
 * Checks the steps and the transaction's options before anything runs: a bad step would
 * otherwise be found after earlier steps committed and had to be compensated.
 */
export function validateSteps(steps: unknown, options?: unknown): asserts steps is ReadonlyArray<TransactionStep> {
  if (!Array.isArray(steps)) throw new HealingConfigError('steps', `expected an array of { name, run, compensate } steps, got ${typeof steps}`);
  const names = new Set<string>();
  steps.forEach((step: unknown, index) => {
    const where = `steps[${index}]`;
    const { name } = parseWith(stepSchema, step, where);
    if (names.has(name)) throw new HealingConfigError(`${where}.name`, `"${name}" is used by an earlier step; names must be unique`);
    names.add(name);
  });
  if (options !== undefined) parseWith(optionsSchema, options, 'options');
}

/**
 * Runs the steps in order, each healed by `execute`. When one fails (or the caller aborts), the
 * committed steps are compensated in reverse order, each exactly once, whatever happens to the
 * signal meanwhile: compensation never sees the caller's signal. Never rejects for a step's failure.
 */
export async function runTransaction(
  steps: ReadonlyArray<TransactionStep>,
  execute: ExecuteStep,
  overrides: HealingOptions | undefined,
): Promise<TransactionResult> {
  const results: Record<string, unknown> = {};
  const outcome: TransactionResult = {
    status: 'ok', results, committed: [], failed: undefined, compensated: [], compensationFailures: [], steps: [], error: undefined,
  };
  for (const step of steps) {
    let error: Error;
    try {
      const result = await execute((done, ctx) => step.run(done, ctx), results, overrides);
      outcome.steps.push({ name: step.name, result });
      if (result.status === 'ok') {
        results[step.name] = result.result;
        outcome.committed.push(step.name);
        continue;
      }
      error = result.error;
    } catch (thrown) {
      // The pipeline refused to run the step at all (misuse, such as a full breaker registry):
      // still a failed step, and the committed ones must still be undone.
      error = toError(thrown);
    }
    outcome.status = 'error';
    outcome.failed = step.name;
    outcome.error = error;
    await compensate(steps, outcome, execute);
    break;
  }
  return outcome;
}

async function compensate(steps: ReadonlyArray<TransactionStep>, outcome: TransactionResult, execute: ExecuteStep): Promise<void> {
  const byName = new Map(steps.map((step) => [step.name, step]));
  for (let index = outcome.committed.length - 1; index >= 0; index--) {
    const name = outcome.committed[index]!;
    const step = byName.get(name)!;
    if (step.compensate === undefined) continue;
    let result: HealingResult<unknown>;
    try {
      result = await execute((value) => step.compensate!(value, outcome.error!), outcome.results[name], COMPENSATION_OVERRIDES);
    } catch (thrown) {
      result = notRunResult(outcome.results[name], toError(thrown), 'permanent', 'the pipeline could not run the compensation');
    }
    if (result.status === 'ok') outcome.compensated.push(name);
    // Keep going: one failed compensation must not leave the earlier steps uncompensated.
    else outcome.compensationFailures.push({ step: name, error: result.error, result });
  }
}
