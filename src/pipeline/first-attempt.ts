import { isThenable } from '../core/guards.js';
import { AttemptContextImpl } from '../timeout/attempt-context.js';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import { endAttempt, refuse } from './attempt.js';
import { breakerOf, Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';
import { REBIND_FALLBACK, REBIND_SIGNAL } from './recent-plans.js';
import type { FailureStrategy, Step } from './step.js';

/**
 * The whole pipeline of the most common plan, entered before its {@link Execution} exists: only
 * retry and fallbacks around a plain attempt (no time limit, no hedge, no `lastGood`), compiled
 * by `compileFirstAttemptLane` into `plan.firstAttemptLane`.
 */
export type FirstAttemptLane = (
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call: HealingOptions | undefined, breaker: CircuitBreakerLike | undefined,
) => Promise<HealingResult<unknown>>;

/**
 * Runs a call on its plan's first-attempt lane when it qualifies (the plan has one, no caller
 * signal, nobody listening, a breaker that does not time attempts); `undefined` otherwise, so
 * the caller runs the full pipeline.
 * @throws what finding the breaker throws (a full registry), as `new Execution` would.
 */
export function runFirstAttemptLane(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call: HealingOptions | undefined, rebind: number,
): Promise<HealingResult<unknown>> | undefined {
  const lane = plan.firstAttemptLane;
  if (lane === undefined) return undefined;
  const signal = call === undefined || (rebind & REBIND_SIGNAL) === 0 ? plan.signal : call.signal;
  const hub = plan.hub;
  if (signal !== undefined || (hub !== undefined && !hub.listeners.idle)) return undefined;
  const breaker = breakerOf(plan);
  if (breaker?.needsDuration === true) return undefined; // the breaker times attempts: the full path does
  // Without a signal (checked above), only a fallback can be the call's own.
  return lane(plan, fn, args, (rebind & REBIND_FALLBACK) === 0 ? undefined : call, breaker);
}

/**
 * The lane for `strategies` (failure strategies without `before`, outermost first) around `attempt`.
 *
 * Most calls succeed at once, and such a success needs nothing an execution holds: the breaker's
 * permission and its success, the attempt's context and the result, which is `Execution.finish`'s
 * for a call that needed no healing, key for key. Only a refused or failed first attempt builds
 * the execution, with the same start time and breaker, through the same `refuse` and `endAttempt`
 * as `startAttempt` would, and the strategies then heal it in this same async frame, exactly as
 * the fused step of compile.ts does (so a healed call gets no promise that only wraps another).
 */
export function firstAttemptLane(strategies: readonly FailureStrategy[], attempt: Step): FirstAttemptLane {
  return async (plan, fn, args, call, breaker) => {
    const startedAt = plan.clock.now();
    const rebind = call === undefined ? 0 : REBIND_FALLBACK;
    let run: Execution;
    if (breaker !== undefined && !breaker.canExecute()) {
      run = new Execution(plan, fn, args, call, rebind, { startedAt, breaker });
      refuse(run, breaker);
    } else {
      const ctx = new AttemptContextImpl(1, undefined);
      let value: unknown;
      let failed = false;
      try {
        value = fn(args, ctx);
        if (isThenable(value)) value = await value;
      } catch (thrown) {
        failed = true;
        value = thrown;
      }
      if (!failed) {
        ctx.dispose();
        breaker?.recordSuccess(undefined);
        return {
          status: 'ok',
          result: value,
          attempts: 1,
          healed: false,
          healingActions: [],
          circuitBreakerTriggered: false,
          args,
          durationMs: plan.clock.now() - startedAt,
        };
      }
      run = new Execution(plan, fn, args, call, rebind, { startedAt, breaker });
      run.attempts = 1;
      run.attemptContext = ctx;
      run.fail(value);
      endAttempt(run, false);
    }
    // The fused step's healing (compile.ts): each strategy innermost first, awaited only when it has something to do.
    let ok = false;
    for (let index = strategies.length - 1; index >= 0 && !ok; index--) {
      const healed = strategies[index]!.onFailure?.(run, attempt);
      ok = healed === true || (healed !== undefined && healed !== false && await healed);
    }
    return run.finish(ok);
  };
}
