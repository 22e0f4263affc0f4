import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import { AttemptTimeoutError, CircuitOpenError } from '../errors.js';
import { attemptLimitMs } from '../timeout/attempt-limit.js';
import { hedge } from '../hedge/hedge.js';
import { AttemptContextImpl, raceWithSignal } from '../timeout/attempt-context.js';
import { isThenable } from '../core/guards.js';
import { LastText } from '../core/last-text.js';
import type { Execution } from './execution.js';

/** Returned by {@link startAttempt} when the open circuit refused the attempt (fn not called). */
export const REFUSED: unique symbol = Symbol('refused');

/**
 * One attempt: through the circuit breaker (if named), under the per-attempt timeout (if set),
 * into the user's function. Resolves `true` on success; on failure the error is on `run`.
 */
export async function runAttempt(run: Execution): Promise<boolean> {
  const pending = startAttempt(run);
  if (pending === REFUSED) return false;
  let ok = false;
  try {
    run.value = isThenable(pending) ? await pending : pending;
    ok = true;
  } catch (thrown) {
    run.fail(thrown);
  }
  return endAttempt(run, ok);
}

/**
 * The synchronous start of an attempt: asks the breaker, arms the timeout and calls fn. Returns
 * fn's result (a value or a thenable, raced against the attempt's signal when it can abort), or
 * {@link REFUSED}. A synchronous throw from fn comes back as a rejected promise.
 *
 * Split from {@link endAttempt} so the fused step (compile.ts) can await the first attempt inline.
 */
export function startAttempt(run: Execution): unknown {
  const breaker = run.breaker;
  if (breaker !== undefined && !breaker.canExecute()) return refuse(run, breaker);
  run.refused = false;
  const { plan } = run;
  run.attemptStartedAt = breaker?.needsDuration === true || run.hub?.wantsAttempts() === true ? plan.clock.now() : Number.NaN;
  const ctx = new AttemptContextImpl(++run.attempts, run.signal);
  run.attemptContext = ctx;
  if (plan.limitsAttempts) ctx.startTimeout(plan.clock, attemptLimitMs(run));
  try {
    if (plan.hedge !== undefined) ctx.useOwnSignal(); // so that a lost hedge race can abort this call
    const fn = run.fn; // called as a plain function, never as a method of the execution
    const returned = fn(run.args, ctx);
    if (!isThenable(returned)) return returned;
    // A thenable that is not a promise (a query builder: knex, mongoose) may run its work on each
    // `then()`: a race, a hedge and a bulkhead hold each subscribe, so it is subscribed to once.
    const value = returned instanceof Promise ? returned : Promise.resolve(returned);
    // Not raced: a hedge that wins leaves this call running, and holds its slot itself.
    if (!ctx.abortable) return plan.hedge === undefined ? value : hedge(run, value, value);
    // A hedged attempt is raced against its own signal: a lost hedge race aborts it.
    let settles = plan.timeoutGraceMs > 0 ? ctx.raceWithGrace(value, plan.timeoutGraceMs, deadlineLeft(run))
      : plan.hedge === undefined ? ctx.race(value) : raceWithSignal(value, ctx.signal);
    if (plan.bulkhead !== undefined) settles = holdSlotIfAbandoned(run, value, settles);
    return plan.hedge === undefined ? settles : hedge(run, settles, undefined);
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}

/** What is left of `deadlineMs` when asked, for a grace period that must end by then; none without one. */
function deadlineLeft(run: Execution): (() => number) | undefined {
  const deadlineMs = run.plan.deadlineMs;
  return deadlineMs === undefined ? undefined : () => deadlineMs - run.elapsedMs();
}

/**
 * An attempt raced against its timeout or the caller's signal may be abandoned while fn still
 * runs. Then it keeps a bulkhead slot until it really ends, so the bulkhead bounds the calls that
 * run, not only the executions that wait for them.
 */
function holdSlotIfAbandoned<T>(run: Execution, value: PromiseLike<unknown>, settles: Promise<T>): Promise<T> {
  const ctx = run.attemptContext!;
  return settles.catch((error: unknown) => {
    // The race ended with an abort's reason (the timeout, a lost hedge, the caller's abort, which
    // ends a grace period with the caller's own reason), not fn's outcome: fn was abandoned and
    // may still be running.
    if (ctx.signal.aborted && (error === ctx.signal.reason || error === run.signal?.reason)) run.plan.bulkhead!.holdUntilSettled(value);
    throw error;
  });
}

/**
 * Ends an attempt started by {@link startAttempt}: clears its timer, stores a success for
 * `lastGood` fallbacks, records a timeout, tells the breaker.
 */
export function endAttempt(run: Execution, ok: boolean): boolean {
  run.attemptContext?.dispose();
  if (ok && run.plan.extendsAttemptEnd) {
    if (run.hedgeServedByFallback === true) {
      run.breaker?.releasePermission(); // the fallback's success says nothing about the dependency
      return ok;
    }
    for (const cache of run.plan.lastGoodCaches ?? []) cache.remember(run.args, run.value);
  }
  if (!ok && run.error instanceof AttemptTimeoutError) {
    run.record({
      kind: 'timeout',
      attempt: run.attempts,
      category: 'timeout',
      // The classification's (memoised: the retry loop and give_up classify this error anyway), so a rule's severity holds.
      severity: run.classify().severity,
      detail: `attempt ${run.attempts} passed its ${run.error.timeoutMs} ms limit and ` +
        (run.attemptContext?.stoppedInGrace === true ? 'stopped within the grace period' : 'was abandoned'),
    });
  }
  if (run.hub !== undefined) run.hub.attempt(run, ok);
  const breaker = run.breaker;
  if (breaker !== undefined) {
    const durationMs = breaker.needsDuration === true ? run.plan.clock.now() - run.attemptStartedAt : undefined;
    if (ok) breaker.recordSuccess(durationMs);
    else if (run.signal?.aborted !== true && countsAgainst(breaker, run)) breaker.recordFailure(run.error, durationMs);
    else breaker.releasePermission();
  }
  return ok;
}

/** By default only transient failures say the dependency is unhealthy; a breaker may decide otherwise. */
function countsAgainst(breaker: CircuitBreakerLike, run: Execution): boolean {
  const classification = run.classify();
  // The caller's abort says nothing about the dependency, whatever a shouldTrip would say.
  if (classification.category === 'aborted') return false;
  return breaker.shouldTrip !== undefined ? breaker.shouldTrip(run.error, classification) : classification.disposition === 'transient';
}

/** What the last refusal said: a circuit refuses the same way while it stays open. */
const refusals = new LastText();

/** Records the open circuit's refusal of the next attempt on `run` (fn not called). */
export function refuse(run: Execution, breaker: CircuitBreakerLike): typeof REFUSED {
  run.refused = true;
  run.circuitTriggered = true;
  // What canExecute() saw as it refused (it has just refused): no second clock reading. After a
  // refusal by a parent, the time left is the parent's.
  const remainingOpenMs = breaker.lastRefusalRetryAfterMs ?? breaker.remainingOpenMs();
  // Set when a breaker above this one refused (a native child's `lastRefusalCause`): then this one's state is its own.
  const cause = (breaker as { lastRefusalCause?: string | undefined }).lastRefusalCause;
  // Time left in the break means OPEN, without asking the breaker's state (which reads the clock).
  const state = remainingOpenMs > 0 && cause === undefined ? 'OPEN' : breaker.state;
  // A closed breaker that refuses on its own is ramping up (only a CircuitBreaker with a `ramp` does).
  const rampPercent = state === 'CLOSED' && cause === undefined ? (breaker as { rampingPercent?: number | null }).rampingPercent ?? null : null;
  if (rampPercent !== null) run.rampRefused = true;
  run.fail(CircuitOpenError.create(breaker.name, remainingOpenMs, rampPercent));
  // A cause (a remembered string) names the breaker that refused and its state: it keys the detail as the state does.
  const why = cause ?? state;
  run.record({
    kind: 'circuit_open',
    attempt: run.attempts + 1,
    category: 'circuit_open',
    severity: run.plan.severityOf('circuit_open'),
    detail: rampPercent === null
      ? refusals.of(breaker.name, why, run.attempts) ??
        refusals.keep(cause === undefined
          ? `circuit "${breaker.name}" (${state}) refused attempt ${run.attempts + 1} without calling fn`
          : `circuit "${breaker.name}" refused attempt ${run.attempts + 1} without calling fn: ${cause}`, breaker.name, why, run.attempts)
      : `circuit "${breaker.name}" is ramping up after a recovery (admitting ${rampPercent} % of calls): refused attempt ${run.attempts + 1} without calling fn`,
  });
  return REFUSED;
}
