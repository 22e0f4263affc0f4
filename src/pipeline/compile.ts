import { fallbackStrategy } from '../fallback/fallback-strategy.js';
import { degradeStrategy } from '../degrade/degrade-strategy.js';
import { bulkheadStrategy } from '../bulkhead/bulkhead-strategy.js';
import { budgetStrategy } from '../budget/budget-strategy.js';
import { rollbackStrategy } from '../recover/rollback-strategy.js';
import { retryStrategy } from '../retry/retry-step.js';
import { isThenable } from '../core/guards.js';
import { endAttempt, REFUSED, runAttempt, startAttempt } from './attempt.js';
import { asPipelineStrategy } from './custom-strategies.js';
import type { Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { ExecutionPlan } from './plan.js';
import { firstAttemptLane, type FirstAttemptLane } from './first-attempt.js';
import type { BuiltInStrategy, FailureStrategy, Step } from './step.js';

/** A compiled pipeline: runs an execution through every configured strategy and finishes it. */
export type CompiledPipeline = (run: Execution) => Promise<HealingResult<unknown>>;

/** What the order of the pipeline depends on. */
export type PipelineShape = Pick<ExecutionPlan, 'feature' | 'fallbacks' | 'bulkhead' | 'retryBudget' | 'rollback' | 'compensate' | 'executionStrategies' | 'attemptStrategies'>;

/**
 * The order of the pipeline, outermost first, compiled once per plan. A strategy that is not
 * configured is not in the list and costs nothing; docs/design.md ("The pipeline in order")
 * explains each.
 */
export function compilePipeline(plan: PipelineShape): CompiledPipeline {
  return chain(strategiesOf(plan), runAttempt);
}

/**
 * For a plan whose strategies all act only after a failure, around the attempt itself (retry and
 * fallbacks, the most common plan): the whole pipeline as a first-attempt lane
 * (first-attempt.ts), which runs the first attempt before any {@link Execution} exists.
 * `undefined` for any other plan.
 */
export function compileFirstAttemptLane(
  plan: PipelineShape & Pick<ExecutionPlan, 'enabled' | 'limitsAttempts' | 'hedge' | 'extendsAttemptEnd'>,
): FirstAttemptLane | undefined {
  // An attempt with a time limit, a hedge, or more to do on success than the breaker runs on the full path only.
  if (!plan.enabled || plan.limitsAttempts || plan.hedge !== undefined || plan.extendsAttemptEnd) return undefined;
  const strategies = strategiesOf(plan);
  const afterFailure = strategies.every((strategy) => !('run' in strategy) && strategy.before === undefined);
  return afterFailure ? firstAttemptLane(strategies as FailureStrategy[], runAttempt) : undefined;
}

/** The configured strategies, outermost first. */
function strategiesOf(plan: PipelineShape): BuiltInStrategy[] {
  const order: Array<BuiltInStrategy | false> = [
    plan.feature !== undefined && degradeStrategy, //         1. degrade: while the feature is off, its fallback serves
    plan.fallbacks.length > 0 && fallbackStrategy, //         2. fallback: when the rest cannot succeed
    plan.bulkhead !== undefined && bulkheadStrategy, //       3. bulkhead: a slot for the whole execution
    plan.retryBudget !== undefined && budgetStrategy, //      4. budget: each call deposits (retry withdraws)
    (plan.rollback ?? plan.compensate) !== undefined && rollbackStrategy, // 5. rollback: snapshot; undo once
    ...(plan.executionStrategies ?? []).map(asPipelineStrategy), //          6. your 'execution' strategies
    retryStrategy, //                                         7. retry: classify; back off; reflect; stop
    ...(plan.attemptStrategies ?? []).map(asPipelineStrategy), //            8. your 'attempt' strategies
  ];
  //                                                          9. the attempt: circuit -> timeout -> hedge -> fn (attempt.ts)
  return order.filter((strategy): strategy is BuiltInStrategy => strategy !== false);
}

/** Chains `strategies` (outermost first) around `inner`, from the inside out; the outermost finishes the execution. */
function chain(strategies: readonly BuiltInStrategy[], inner: Step): CompiledPipeline {
  let end = strategies.length;
  for (;;) {
    const last = strategies[end - 1]!;
    if ('run' in last) {
      end--;
      if (end === 0) return async (run) => run.finish(await last.run(run, inner));
      const next = inner;
      inner = (run) => last.run(run, next);
      continue;
    }
    let start = end - 1;
    while (start > 0 && !('run' in strategies[start - 1]!)) start--;
    const fused = fuse(strategies.slice(start, end) as FailureStrategy[], inner, start === 0);
    if (start === 0) return fused as CompiledPipeline;
    inner = fused as Step;
    end = start;
  }
}

/**
 * Neighbouring failure-only strategies as one async step, with the meaning of their nesting:
 * each `before` outermost first, the rest, then each `onFailure` innermost first while the
 * execution has not healed. When the rest is the attempt itself, it is awaited inline, so a call
 * that succeeds at once costs one async frame in all and builds no error.
 */
function fuse(strategies: readonly FailureStrategy[], inner: Step, finishes: boolean) {
  const inlineAttempt = inner === runAttempt;
  return async (run: Execution): Promise<boolean | HealingResult<unknown>> => {
    let entered = strategies.length;
    for (let index = 0; index < strategies.length; index++) {
      const before = strategies[index]!.before;
      if (before === undefined) continue;
      const ready = before(run);
      if (ready === false || (ready !== true && !(await ready))) {
        entered = index; // this one failed the execution: only the strategies outside it handle that
        break;
      }
    }
    let ok = false;
    if (entered === strategies.length) {
      if (inlineAttempt) {
        const pending = startAttempt(run);
        if (pending !== REFUSED) {
          try {
            run.value = isThenable(pending) ? await pending : pending;
            ok = true;
          } catch (thrown) {
            run.fail(thrown);
          }
          endAttempt(run, ok);
        }
      } else {
        const done = inner(run);
        ok = done === true || (done !== false && await done);
      }
    }
    // Awaited only when a strategy has something to do: a refusal or a permanent failure with no
    // rollback and no fallback settles without another async step (first-attempt.ts ends the same way).
    for (let index = entered - 1; index >= 0 && !ok; index--) {
      const healed = strategies[index]!.onFailure?.(run, inner);
      ok = healed === true || (healed !== undefined && healed !== false && await healed);
    }
    return finishes ? run.finish(ok) : ok;
  };
}
