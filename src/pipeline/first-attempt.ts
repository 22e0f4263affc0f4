import { isThenable } from '../core/guards.js';
import { AttemptContextImpl } from '../timeout/attempt-context.js';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import { endAttempt, refuse } from './attempt.js';
import { breakerOf, Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import type { CompiledPipeline } from './compile.js';
import type { ExecutionPlan } from './plan.js';
import { REBIND_SIGNAL } from './recent-plans.js';

/**
 * The first attempt of the most common execution, run without building its {@link Execution}:
 * a plan of only retry and fallbacks around a plain attempt (no time limit, no hedge, no
 * `lastGood`; `plan.afterFirstAttempt` is set only then), no caller signal, nobody listening.
 *
 * Most calls succeed at once, and such a success needs nothing an execution holds: two clock
 * readings, the breaker's permission and its success, the attempt's context and the result. Only
 * when the attempt fails or is refused is the execution built, with the same start time and
 * breaker, and the rest of the pipeline (`plan.afterFirstAttempt`) goes on from there exactly as
 * if the attempt had run on it: the same `startAttempt`/`endAttempt` bookkeeping, the same result.
 *
 * Returns `undefined` when the call does not qualify, so the caller runs the full pipeline.
 * @throws what finding the breaker throws (a full registry), as `new Execution` would.
 */
export function runFirstAttemptLane(
  plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call: HealingOptions | undefined, rebind: number,
): Promise<HealingResult<unknown>> | undefined {
  const afterFirstAttempt = plan.afterFirstAttempt;
  if (afterFirstAttempt === undefined) return undefined;
  const signal = call === undefined || (rebind & REBIND_SIGNAL) === 0 ? plan.signal : call.signal;
  const hub = plan.hub;
  if (signal !== undefined || (hub !== undefined && !hub.listeners.idle)) return undefined;
  const breaker = breakerOf(plan);
  if (breaker?.needsDuration === true) return undefined; // the breaker times attempts: the full path does
  const startedAt = plan.clock.now();
  if (breaker !== undefined && !breaker.canExecute()) {
    // Refused here, synchronously, so a refusal costs one async step, as on the full path.
    const run = new Execution(plan, fn, args, call, rebind, { startedAt, breaker });
    refuse(run, breaker);
    return afterFirstAttempt(run);
  }
  return firstAttempt(plan, afterFirstAttempt, fn, args, call, rebind, startedAt, breaker);
}

async function firstAttempt(
  plan: ExecutionPlan, afterFirstAttempt: CompiledPipeline, fn: HealingFunction<unknown, unknown>, args: unknown,
  call: HealingOptions | undefined, rebind: number, startedAt: number, breaker: CircuitBreakerLike | undefined,
): Promise<HealingResult<unknown>> {
  const ctx = new AttemptContextImpl(1, undefined);
  let value: unknown;
  try {
    value = fn(args, ctx);
    if (isThenable(value)) value = await value;
  } catch (thrown) {
    const run = new Execution(plan, fn, args, call, rebind, { startedAt, breaker });
    run.attempts = 1;
    run.attemptContext = ctx;
    run.fail(thrown);
    endAttempt(run, false);
    // Awaited, not returned: an async function resolving to a promise would take two more turns.
    return await afterFirstAttempt(run);
  }
  ctx.dispose();
  breaker?.recordSuccess(undefined);
  // The literal of `Execution.finish` for a call that needed no healing, key for key.
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
