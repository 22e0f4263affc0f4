import type { Disposition } from '../classify/classification.js';
import type { Severity } from '../classify/severity.js';

/**
 * What kind of healing step an action records. `'rollback'` is one undo step (`reason` says
 * which: `'restore'`, `'compensate'` or `'snapshot'`; `succeeded` says whether it worked).
 * `'bulkhead'` is a refusal by the bulkhead (`reason` `'full'` or `'queue_timeout'`): fn was not called.
 * `'degraded'`: the call's feature is switched off, so its fallback served without calling fn.
 * `'hedge'`: a slow attempt got a hedge (`delayMs`), then which call won (`reason` `'hedge_won'`
 * or `'first_won'`). A hedged call of fn belongs to its attempt: `attempts` does not count it.
 * @example
 * ```ts
 * const retried = result.healingActions.some((a) => a.kind === 'retry');
 * ```
 */
export type HealingActionKind =
  | 'retry'
  | 'reflect'
  | 'fallback'
  | 'rollback'
  | 'circuit_open'
  | 'timeout'
  | 'bulkhead'
  | 'degraded'
  | 'hedge'
  | 'give_up';

/**
 * Why an execution ended in `'error'` (the `reason` of its last, `'give_up'`, action).
 * - `exhausted`: every allowed attempt failed.
 * - `permanent`: the error can never succeed by asking again.
 * - `unrepaired`: the error needs different arguments and no reflector produced valid ones.
 * - `aborted`: the caller's signal aborted.
 * - `deadline`: waiting for the next attempt would pass `retry.maxElapsedMs`.
 * - `retry_after`: the server asked to wait longer than `retry.maxRetryAfterMs`.
 * - `circuit_open`: the circuit refused the call and no fallback served.
 * - `disabled`: `SELF_HEALING_ENABLED=false`, so the one call's failure is final.
 * - `budget`: the retry budget (`retryBudget`) is spent, so the failure was not retried.
 * - `snapshot`: `rollback.snapshot` threw, so fn was not called (it could not have been undone).
 * - `rollback`: `rollback.restore` failed before a retry, so the call was not retried on unclean state.
 * - `bulkhead`: the bulkhead refused the call (full, or it waited too long in the queue).
 * - `adaptive`: with `adaptive`, retrying or reflecting has not healed this error category lately
 *   (or the retries allowed for it are used up), so it was skipped.
 *
 * - `stopped`: a strategy of yours (the `strategies` option) ended healing with `ctx.stop(detail)`.
 *
 * `deadline` also covers `deadlineMs`: no attempt or wait starts past it.
 *
 * @example
 * ```ts
 * const last = result.healingActions.at(-1);
 * if (last?.kind === 'give_up' && last.reason === 'circuit_open') serveCachedPage();
 * ```
 */
export type GiveUpReason =
  | 'exhausted'
  | 'permanent'
  | 'unrepaired'
  | 'aborted'
  | 'deadline'
  | 'retry_after'
  | 'circuit_open'
  | 'disabled'
  | 'budget'
  | 'snapshot'
  | 'rollback'
  | 'bulkhead'
  | 'adaptive'
  | 'stopped';

/**
 * One step the pipeline took, in order. `detail` is a readable sentence; the other fields are
 * structured for code and logs.
 *
 * @example
 * ```ts
 * for (const action of result.healingActions) console.log(action.attempt, action.kind, action.detail);
 * // 1 retry "HTTP 503 (unavailable): retrying in 212 ms"
 * ```
 */
export interface HealingAction {
  /** A built-in kind, or the kind a custom strategy recorded (`ctx.record({ kind: 'restart', ... })`). */
  kind: HealingActionKind | (string & {});
  /** The attempt (1-based call of the primary fn) this action follows or concerns. */
  attempt: number;
  /** A sentence saying what happened and why. */
  detail: string;
  /** Category of the error that led to the action (`rate_limit`, `network`, ...). */
  category?: string;
  disposition?: Disposition;
  /**
   * Severity of that error (`'low' | 'medium' | 'high' | 'critical'`): on every action that
   * follows a classified failure (`retry`, `reflect`, `fallback`, `timeout`, `circuit_open`) and
   * on the closing `give_up`, whose `category` and `severity` are the final error's (a call that
   * never ran, such as a transaction step refused after a failure, has none unless it was aborted).
   */
  severity?: Severity;
  /** The wait before the next attempt (`retry`). */
  delayMs?: number;
  /** How long a recovery strategy took to heal or fail (`strategy_result`), in ms. */
  durationMs?: number;
  /**
   * Why: the give-up reason, why a reflection proposal was rejected, which undo step ran
   * (`rollback`: `restore`, `compensate`, `snapshot`), why the bulkhead refused (`full`,
   * `queue_timeout`), who won a hedge (`hedge_won`, `first_won`), `feature_off` or `feature_ramping` (`degraded`), or
   * `adaptive` (a fallback skipped by adaptive healing).
   */
  reason?: GiveUpReason | string;
  /** Whether a reflection proposal was accepted, a fallback served, an undo step worked, or a hedge won. */
  succeeded?: boolean;
  /** The breaker involved (`circuit_open`, and every action when `circuitName` is set). */
  circuit?: string;
  /** Index of the fallback (`fallback`). */
  fallbackIndex?: number;
  /** The fallback's `name`, when it has one (`fallback`); the strategy's name (`strategy_result`). */
  provider?: string;
  /** The fallback's `cost`, when it has one (`fallback`). */
  cost?: number;
  /** The (redacted, truncated) message of the error that led to this action. */
  error?: string;
}

interface HealingResultBase {
  /** How many times the primary fn was invoked (refused and fallback calls do not count). */
  attempts: number;
  /** True iff the call succeeded and needed healing: an attempt failed first, a fallback served, or a hedge raced a slow attempt. */
  healed: boolean;
  /** Every healing step, in order; an `'error'` result ends with one `'give_up'`. */
  healingActions: HealingAction[];
  /** True iff the named circuit refused at least one attempt of this execution. */
  circuitBreakerTriggered: boolean;
  /** The args of the last attempt, after any reflection. */
  args: unknown;
  /** Wall time of the whole execution, waits included, in ms. */
  durationMs: number;
  /**
   * Which fallback served the call: its `name`, or `fallback #<n>`. Absent when the primary
   * served (or nothing did).
   */
  servedBy?: string;
}

/**
 * What `executeWithHealing` and `pipeline.execute` resolve with. It never rejects because the
 * call failed: check `status`.
 *
 * @example
 * ```ts
 * const result = await executeWithHealing(getWeather, { city: 'Oslo' });
 * if (result.status === 'ok') render(result.result);
 * else console.error(result.error, result.healingActions);
 * ```
 */
export type HealingResult<R> =
  | (HealingResultBase & { status: 'ok'; result: R; error?: undefined })
  | (HealingResultBase & { status: 'error'; error: Error; result?: undefined });
