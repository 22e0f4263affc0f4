import type { SafetyPolicy } from '../safety/safety-policy.js';
import type { Classifier } from '../classify/classification.js';
import type { CircuitBreakerRegistry } from '../circuit/registry.js';
import type { Clock } from '../clock.js';
import type { HealingLogger } from '../observe/logger.js';
import type { RedactionOptions } from '../observe/redaction.js';
import type { Reflector, ReflectionSpend } from '../reflect/reflector.js';
import type { RetryBudget } from '../budget/retry-budget.js';
import type { RetryBudgetConfig } from '../budget/retry-budget-options.js';
import type { CompensateFunction, RollbackOptions } from '../recover/rollback-options.js';
import type { Fallback } from '../fallback/fallback-kinds.js';
import type { Bulkhead } from '../bulkhead/bulkhead.js';
import type { BulkheadConfig } from '../bulkhead/bulkhead-options.js';
import type { DegradableFeature } from '../degrade/degradable-feature.js';
import type { HedgeOptions } from '../hedge/hedge-options.js';
import type { AdaptiveHealing } from '../adaptive/adaptive-healing.js';
import type { ArgsSchema, ProposalGuard } from '../reflect/reflect-options.js';
import type { RetryOptions } from '../retry/retry-options.js';
import type { HealingStrategy } from './strategy.js';

/**
 * What the healed function receives besides its args.
 *
 * @example
 * ```ts
 * await executeWithHealing((args, { attempt, signal }) => fetch(url, { signal }), {});
 * ```
 */
export interface AttemptContext {
  /** 1-based number of this call of the primary function. */
  readonly attempt: number;
  /** Aborts when the caller's `signal` aborts or this attempt passes `timeoutMs`. */
  readonly signal: AbortSignal;
}

/**
 * What a fallback receives: the attempt context plus the error that made the primary fail.
 *
 * @example
 * ```ts
 * const fallback: FallbackFunction<{ id: string }, User> = (args, { error }) => cache.get(args.id);
 * ```
 */
export interface FallbackContext extends AttemptContext {
  /** The primary's last error (or the previous fallback's). */
  readonly error: Error;
}

/**
 * A function the pipeline heals: called with the args and an {@link AttemptContext}; sync or async.
 * @example
 * ```ts
 * const getUser: HealingFunction<{ id: string }, User> = ({ id }, { signal }) => api.user(id, { signal });
 * ```
 */
export type HealingFunction<A, R> = (args: A, ctx: AttemptContext) => R | PromiseLike<R>;

/**
 * A fallback, with the primary function's signature (its context also carries the `error`).
 * @example
 * ```ts
 * const fromCache: FallbackFunction<{ id: string }, User> = ({ id }) => cache.get(id);
 * ```
 */
export type FallbackFunction<A, R> = (args: A, ctx: FallbackContext) => R | PromiseLike<R>;

/**
 * Options of `executeWithHealing`, `new HealingPipeline(...)` and `withSelfHealing`. All optional.
 *
 * @example
 * ```ts
 * const options: HealingOptions<{ q: string }, Hit[]> = {
 *   circuitName: 'search',
 *   retry: { maxAttempts: 4 },
 *   timeoutMs: 2_000,
 *   fallback: () => [],
 * };
 * ```
 */
export interface HealingOptions<A = any, R = any> {
  /** The pipeline's name in events, statistics, metrics and logs. Default: `circuitName`, else `'default'`. */
  name?: string;
  /** Run each attempt through the named breaker of `registry`. */
  circuitName?: string;
  /**
   * Tried in order, with the last args, when the primary cannot succeed: functions with fn's
   * signature (`ctx.error` holds the failure), providers `{ name, cost, run(args, error, ctx) }`,
   * static `{ value }`s, or `{ lastGood: { ttlMs, maxEntries, key } }` (the primary's last good
   * result for the same key). A named one that serves is the result's `servedBy`.
   */
  fallback?: Fallback<A, R> | ReadonlyArray<Fallback<A, R>>;
  retry?: RetryOptions;
  /**
   * Per-attempt limit, in ms: the attempt's signal aborts and it counts as a `timeout`. A function
   * of the 1-based attempt escalates it, e.g. `(attempt) => 30_000 * 2 ** (attempt - 1)`.
   */
  timeoutMs?: number | ((attempt: number) => number);
  /**
   * How long a timed-out attempt may take to stop after its signal aborted before it is
   * abandoned, in ms. Waiting lets the next attempt (or a rollback) start on a settled state.
   * Default 0: abandoned at once.
   */
  timeoutGraceMs?: number;
  /**
   * A deadline for the whole execution, waits included, in ms: an attempt in flight is cut at
   * the deadline (as a timeout) and no attempt or wait starts past it (give-up reason `deadline`).
   */
  deadlineMs?: number;
  /**
   * Undo state after a terminal failure: `snapshot(args)` before the first attempt,
   * `restore(snapshot, error)` once when the call cannot succeed (and before each retry with
   * `betweenAttempts: true`). A failing restore is recorded as a `'rollback'` action.
   */
  rollback?: RollbackOptions<A>;
  /** Runs once after a terminal failure, to undo what the failed call did (recorded as `'rollback'`). */
  compensate?: CompensateFunction<A>;
  /**
   * Limits retries to a share of recent calls (`{ ratio: 0.1, minRetries: 10 }`), per pipeline
   * or per circuit, or any {@link RetryBudget}. When spent: no retry, give-up reason `budget`.
   */
  retryBudget?: RetryBudgetConfig | RetryBudget;
  /**
   * Limits executions running at once (`{ maxConcurrent, maxQueue, queueTimeoutMs }`, or a
   * shared {@link Bulkhead}). A refusal is a `'bulkhead'` action and a `BulkheadRejectedError`;
   * fallbacks still run.
   */
  bulkhead?: BulkheadConfig | Bulkhead;
  /**
   * The degradable feature these calls belong to (from `GracefulDegradation.define`): failed
   * executions switch it off; while off, fn is not called and its fallback serves (`'degraded'`).
   */
  feature?: DegradableFeature<R>;
  /**
   * Races a slow attempt: after `delayMs`, a second call of fn (or, `with: 'fallback'`, the
   * first fallback) starts alongside; the first success wins, the other is aborted.
   */
  hedge?: HedgeOptions;
  /**
   * Learn which healing actions work per error category: skip retry, reflection or fallbacks
   * that have not healed a category in their last tries, shrink retries with their success, and
   * raise `escalate` for recurring errors. `true` gives the pipeline its own `AdaptiveHealing`.
   */
  adaptive?: boolean | AdaptiveHealing;
  /**
   * Recovery strategies of your own (see {@link HealingStrategy}): `'execution'` ones run around
   * the retry loop (inside rollback and fallback), `'attempt'` ones around each attempt (inside
   * retry, outside the breaker), each placement in the order given, the first outermost.
   */
  strategies?: ReadonlyArray<HealingStrategy<A, R>>;
  /**
   * Guards the built-in recovery strategies (`restart`, `reconfigure`, `isolate`): one whose
   * risk exceeds what the failure's severity and recurrence allow escalates instead. Default:
   * none, every strategy acts.
   */
  safety?: SafetyPolicy;
  /** Proposes repaired args for `recoverable` errors. */
  reflector?: Reflector<A>;
  /** A zod schema (anything with `safeParse`) every reflected proposal must pass. */
  argsSchema?: ArgsSchema;
  /** Reflections allowed per execution. Default 2. */
  maxReflections?: number;
  /**
   * The args paths a reflected proposal may change (`'date'`, `'items.*.qty'`); a change anywhere
   * else is refused (`disallowed-path`). Default: the paths named by the failure's validation
   * issues (zod's `error.issues[].path`), else every path. Redacted (secret) fields never change
   * unless listed here.
   */
  mutablePaths?: readonly string[];
  /** A last guard on each proposal, after `mutablePaths` and `argsSchema`: return `false` to refuse it (`guard`). */
  accept?: ProposalGuard<A>;
  /** Longest wait for one reflection, in ms; past it the reflector's signal aborts and reflection ends (`timeout`). Default 30 000. */
  reflectionTimeoutMs?: number;
  /**
   * Asked before each reflection with what reflection has cost so far; only `true` (or a promise
   * of `true`) lets it go on: `false`, a throw, a rejection or any other answer ends reflection
   * (`budget`). A promise is awaited, bounded by `signal` and `deadlineMs`.
   */
  reflectionBudget?: (spent: ReflectionSpend) => boolean | PromiseLike<boolean>;
  /** `false` marks a call that must not run twice: retried only when the failure proves it was not processed (`notProcessed`), never hedged, not reflected unless `reflectNonIdempotent`. Default `true`. */
  idempotent?: boolean;
  /** Let reflection repair calls marked `idempotent: false`. Default `false`. */
  reflectNonIdempotent?: boolean;
  /**
   * Redaction of what reaches logs, `healingActions` and reflectors' `redacted` view: built-in
   * secret keys and patterns plus these. `false` turns it off (an explicit opt-out). Default on.
   */
  redact?: RedactionOptions | false;
  /** Default: a shared `new ErrorClassifier()`. */
  classifier?: Classifier;
  /** Where `circuitName` is looked up. Default: the process-wide registry. */
  registry?: CircuitBreakerRegistry;
  /** Aborting it ends the execution at once with `status: 'error'` (reason `aborted`). */
  signal?: AbortSignal;
  /** Receives one structured line per healing action. Default: no logging. */
  logger?: HealingLogger;
  /** The time source for waits, timeouts and durations. Default: the registry's clock. */
  clock?: Clock;
}
