import { isThenable } from '../core/guards.js';
import { AttemptContextImpl } from '../timeout/attempt-context.js';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import { endAttempt, refuse } from './attempt.js';
import { CircuitBreaker } from '../circuit/circuit-breaker.js';
import { breakerOf, Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';
import { Rebind } from './recent-plans.js';
import type { FailureStrategy, Step } from './step.js';

/**
 * The whole pipeline of the most common plan, entered before its {@link Execution} exists: only
 * retry and fallbacks around a plain attempt (no time limit, no hedge, no `lastGood`), compiled
 * by `compileFirstAttemptLane` into `plan.firstAttemptLane`.
 */
export type FirstAttemptLane = (
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call: HealingOptions | undefined, breaker: CircuitBreakerLike | undefined,
) => Promise<HealingResult<unknown>>;

/** What {@link firstAttemptBreaker} says of a call that must take the full pipeline. */
export const FULL_PATH: unique symbol = Symbol('full path');

/**
 * A plan's own answer to {@link firstAttemptBreaker} (the lane, its signal, its breaker), kept
 * while no breaker has left the plan's registry (`removals`), so a call asks the registry nothing.
 */
export interface LaneGate {
  decision: CircuitBreakerLike | undefined | typeof FULL_PATH;
  /** The registry's `removals` when `decision` was made; -1 before. */
  removals: number;
}

/** A gate that has decided nothing yet: one per plan. */
export function newLaneGate(): LaneGate {
  return { decision: FULL_PATH, removals: -1 };
}

/**
 * Whether a call may run on its plan's first-attempt lane (the plan has one, no caller signal,
 * nobody listening, a breaker that does not time attempts), and if so with which breaker
 * (`undefined` for a plan without a circuit); {@link FULL_PATH} otherwise.
 *
 * It only decides: the caller enters the lane itself, so that fn runs two frames below the
 * user's call (the lane, then `execute`). Each frame more would take a line of every stack
 * trace fn's errors capture (`Error.stackTraceLimit` is 10 by default) and about 250 ns to
 * capture it, on each failure.
 *
 * What a call can change (its own signal, a listener added since) is checked on every call;
 * what only the plan decides is its gate's, worked out on the first call and again after the
 * registry lost a breaker. Kept small on purpose: `execute` inlines it, and V8 inlines `execute`
 * into the caller only while what it inlines stays under its budget.
 * @throws what finding the breaker throws (a full registry), as `new Execution` would.
 */
export function firstAttemptBreaker(
  plan: ExecutionPlan, call: HealingOptions | undefined, rebind: number,
): CircuitBreakerLike | undefined | typeof FULL_PATH {
  const hub = plan.hub;
  if (((rebind & Rebind.SIGNAL) !== 0 && call!.signal !== undefined) || (hub !== undefined && !hub.listeners.idle)) return FULL_PATH;
  const gate = plan.laneGate;
  return gate.removals === plan.registry.removals ? gate.decision : decideLane(plan, gate);
}

function decideLane(plan: ExecutionPlan, gate: LaneGate): CircuitBreakerLike | undefined | typeof FULL_PATH {
  const registry = plan.registry;
  let decision: CircuitBreakerLike | undefined | typeof FULL_PATH = FULL_PATH;
  // Kept only for a native breaker (whose config never changes) in a registry that does not
  // evict idle breakers: there, each lookup marks the breaker used, so it is looked up each call.
  let keep = true;
  if (plan.firstAttemptLane !== undefined && plan.signal === undefined) {
    const breaker = breakerOf(plan);
    decision = breaker?.needsDuration === true ? FULL_PATH : breaker; // a breaker that times attempts: the full path does
    keep = registry.idleTimeoutMs === undefined && (breaker === undefined || breaker instanceof CircuitBreaker);
  }
  if (keep) {
    gate.decision = decision;
    gate.removals = registry.removals;
  }
  return decision;
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
    let run: Execution;
    if (breaker !== undefined && !breaker.canExecute()) {
      run = new Execution(plan, fn, args, call, rebindOf(call), { startedAt, breaker });
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
        // No `ctx.dispose()`: it clears a timer and unlinks a caller's signal, and the lane's
        // context has neither (no time limit, no caller signal: firstAttemptBreaker checked).
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
      run = new Execution(plan, fn, args, call, rebindOf(call), { startedAt, breaker });
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

/**
 * What the lane's `call` brings its own of: only a fallback, since a call with its own signal
 * takes the full path. Worked out only when a failure builds the execution: a value computed
 * before fn's await would be kept across it, a register saved and restored on every call.
 */
function rebindOf(call: HealingOptions | undefined): number {
  return call === undefined ? 0 : Rebind.FALLBACK;
}
