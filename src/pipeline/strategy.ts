import type { Classification } from '../classify/classification.js';
import type { Clock } from '../clock.js';
import type { HealingAction } from './healing-result.js';

/**
 * What a strategy's `next` resolves with: the rest of the pipeline succeeded with a value, or
 * failed with an error and its classification. A value, never a thrown exception: a strategy
 * passes a failure on by returning it.
 *
 * @example
 * ```ts
 * const outcome = await next();
 * if (!outcome.ok && outcome.classification.category === 'timeout') console.warn('slow again');
 * return outcome;
 * ```
 */
export type Outcome<R = unknown> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: Error; readonly classification: Classification };

/**
 * Runs the rest of the pipeline (the strategies inside this one, then fn), with `args` when
 * given (the execution's args from then on) or the current ones. Each call runs it again:
 * another retry loop for an `'execution'` strategy, another attempt for an `'attempt'` one.
 * After the caller aborted it calls nothing and resolves the abort as a failed outcome.
 *
 * @example
 * ```ts
 * const retried: NextStrategy<{ model: string }> = (args) => Promise.resolve({ ok: true, value: args });
 * ```
 */
export type NextStrategy<A = any, R = any> = (args?: A) => Promise<Outcome<R>>;

/**
 * What a custom action records: a `kind` of your own (`'restart'`, `'reconfigure'`, `'page'`)
 * and a sentence. The pipeline fills in `attempt`, `circuit` and the redacted `error`.
 *
 * @example
 * ```ts
 * ctx.record({ kind: 'restart', detail: 'respawned the tool process (pid 4242)' });
 * ```
 */
export type StrategyAction = Omit<HealingAction, 'attempt' | 'kind'> & { kind: string; attempt?: number };

/**
 * What a strategy sees of the execution it runs in.
 *
 * @example
 * ```ts
 * const strategy: HealingStrategy = {
 *   name: 'log-slow',
 *   async execute(ctx, next) {
 *     const started = ctx.clock.now();
 *     const outcome = await next();
 *     if (ctx.clock.now() - started > 1_000) ctx.record({ kind: 'slow', detail: `attempt ${ctx.attempts} was slow` });
 *     return outcome;
 *   },
 * };
 * ```
 */
export interface StrategyContext<A = any> {
  /** The execution's current args (after any reflection or a strategy's new args). */
  readonly args: A;
  /** Calls of fn so far in this execution. */
  readonly attempts: number;
  /** The caller's signal (a signal that never aborts when the caller gave none). */
  readonly signal: AbortSignal;
  /** When `deadlineMs` runs out, on `clock`'s time; `undefined` without a deadline. */
  readonly deadline: number | undefined;
  /** The execution's clock: wait and measure on it, so tests on fake time cover your strategy. */
  readonly clock: Clock;
  /** Classifies an error as the pipeline does (its classifier, which never throws here). */
  classify(error: unknown): Classification;
  /** Adds an action to the result's `healingActions` (and to logs and `action` events). */
  record(action: StrategyAction): void;
  /**
   * Ends healing: no further attempt or retry starts (give-up reason `'stopped'`, with `detail`);
   * rollback and fallbacks still run. Return the failed outcome afterwards.
   */
  stop(detail: string): void;
}

/**
 * A recovery strategy of your own, composed into the pipeline through the `strategies` option.
 * `execute` gets the context and `next`, the rest of the pipeline, and returns an outcome (or
 * throws: a thrown error becomes a failed outcome). Where it runs (outer to inner):
 *
 * feature -> fallback -> bulkhead -> budget -> rollback -> **`'execution'` strategies** -> retry (with
 * reflection, budget, adaptive) -> **`'attempt'` strategies** -> circuit breaker -> timeout ->
 * hedge -> fn
 *
 * An `'execution'` strategy (the default) sees the outcome of the whole retry loop: the place
 * to reconfigure and run again, or to page a human. An `'attempt'` strategy wraps each attempt:
 * the place to restart a crashed process before the retry. Strategies of one placement run in
 * the order given, the first outermost.
 *
 * @example
 * ```ts
 * const smallerModel: HealingStrategy<{ model: string }> = {
 *   name: 'smaller-model',
 *   async execute(ctx, next) {
 *     const outcome = await next();
 *     if (outcome.ok || outcome.classification.category !== 'context_length') return outcome;
 *     ctx.record({ kind: 'reconfigure', detail: 'context too long: switching to gpt-small' });
 *     return next({ ...ctx.args, model: 'gpt-small' });
 *   },
 * };
 * await executeWithHealing(complete, { model: 'gpt-large' }, { strategies: [smallerModel] });
 * ```
 */
export interface HealingStrategy<A = any, R = any> {
  /** Names the strategy in errors and in the give-up detail when it stops healing. */
  readonly name: string;
  /** Default `'execution'`. */
  readonly placement?: 'execution' | 'attempt';
  execute(ctx: StrategyContext<A>, next: NextStrategy<A, R>): Outcome<R> | PromiseLike<Outcome<R>>;
}

/**
 * @internal A library-made strategy's check of the options it runs under, called once when a
 * plan is built (so a pipeline that cannot work is refused when it is made, not per call). It
 * throws a `HealingConfigError` naming `option` (`strategies[0]`). Not part of the public model:
 * a strategy of yours needs none.
 */
export const checkPlanOptions: unique symbol = Symbol('self-healing.checkPlanOptions');

/**
 * @internal Set (to `true`) on a library-made strategy that bounds each of its own waits by the
 * caller's signal and the deadline, and names the wait the deadline cut (`the recovery of
 * "tool"`). The pipeline races any other strategy as a whole against both.
 */
export const boundsOwnWaits: unique symbol = Symbol('self-healing.boundsOwnWaits');

/** @internal A strategy with a {@link checkPlanOptions} hook, or marked {@link boundsOwnWaits}. */
export interface CheckedStrategy {
  [checkPlanOptions]?(options: { readonly circuitName?: string | undefined }, option: string): void;
  readonly [boundsOwnWaits]?: true;
}
