import type { Execution } from './execution.js';

/**
 * The rest of the pipeline from some point on: runs it on the execution and tells whether it
 * succeeded. A failure is not thrown: its error (and classification) are on the execution.
 */
export type Step = (execution: Execution) => boolean | Promise<boolean>;

/**
 * A built-in strategy that wraps the rest of the pipeline: the model of {@link HealingStrategy}
 * (the execution and `next` in, an outcome out, `next` callable again) on the execution itself.
 * The outcome is `true`, or `false` with the error and its classification on the execution, so
 * passing one on from strategy to strategy allocates nothing.
 */
export interface AroundStrategy {
  readonly name: string;
  run(execution: Execution, next: Step): boolean | Promise<boolean>;
}

/**
 * A built-in strategy with nothing to do on success, written as its two halves: it means exactly
 * `run(execution, next) { if (before && !before(execution)) return false; return next(execution) || onFailure(execution, next) }`.
 * Written so, `compilePipeline` fuses neighbours into one async step: a call that succeeds at
 * once pays for none of them (no frame, no promise per strategy).
 */
export interface FailureStrategy {
  readonly name: string;
  /** Before the rest runs: `false` fails the execution (the error on it) without running the rest. */
  before?(execution: Execution): boolean | Promise<boolean>;
  /** After the rest failed: `true` when it healed the execution; may run `next` again. */
  onFailure?(execution: Execution, next: Step): boolean | Promise<boolean>;
}

export type BuiltInStrategy = AroundStrategy | FailureStrategy;
