import { z } from 'zod';
import { fn } from '../config/schema-helpers.js';
import { parseWith } from '../config/parse.js';
import { messageOf, toError } from '../errors.js';
import { executionOf } from '../pipeline/custom-strategies.js';
import { boundsOwnWaits, type CheckedStrategy, type HealingStrategy, type Outcome } from '../pipeline/strategy.js';
import { riskSchema, type Risk } from '../safety/safety-policy.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';
import { mayAct, noteActed, type Failure } from './safety-gate.js';

/**
 * Options of {@link reconfigure}.
 * @example
 * ```ts
 * const options: Parameters<typeof reconfigure>[0] = {
 *   when: (failure) => failure.classification.category === 'context_length',
 *   change: (args) => ({ ...args, model: 'gpt-small' }),
 * };
 * ```
 * @inline
 */
interface ReconfigureOptions<A> {
  /** Which failures call for new settings (a context too long, a payload too large, a model overloaded). */
  when: (failure: Failure) => boolean;
  /** The args to run again with (another model, a smaller batch, a shorter context); may be async. */
  change: (args: A, failure: Failure) => A | PromiseLike<A>;
  /** Says what changed, for the action's detail. Default: the strategy's name and the failure's category. */
  describe?: (before: A, after: A) => string;
  /** Reconfigurations per execution. Default 1. */
  maxTimes?: number;
  /** `'execution'` (the default): after the whole retry loop failed. `'attempt'`: after each failed attempt. */
  placement?: 'execution' | 'attempt';
  /** Default `'low'`: it changes only this call's args. */
  risk?: Risk;
  /** Default `'reconfigure'`. */
  name?: string;
}

const optionsSchema = z.strictObject({
  when: fn('a function when(failure) returning whether to reconfigure'),
  change: fn('a function change(args, failure) returning the new args'),
  describe: fn('a function describe(before, after) returning a sentence').optional(),
  maxTimes: z.number().int().min(1).max(100).optional(),
  placement: z.enum(['execution', 'attempt']).optional(),
  risk: riskSchema.optional(),
  name: z.string().min(1).max(200).optional(),
}, { error: 'expected options { when, change, describe?, maxTimes?, placement?, risk?, name? }' });

/**
 * A built-in recovery strategy: when the call fails in a way new settings fix, run it again with
 * the args `change` returns (a `'reconfigure'` action says what changed), at most `maxTimes`
 * per execution. Risk `'low'`. `change` is awaited under the caller's signal and the deadline;
 * one that throws ends healing (a `'reconfigure'` action with `succeeded: false`).
 *
 * @throws {HealingConfigError} for bad options.
 * @example
 * ```ts
 * const smallerModel = reconfigure({
 *   when: ({ classification }) => classification.category === 'context_length',
 *   change: (args) => ({ ...args, model: 'gpt-small' }),
 * });
 * await executeWithHealing(complete, { model: 'gpt-large', prompt }, { strategies: [smallerModel] });
 * ```
 */
export function reconfigure<A = any, R = any>(options: ReconfigureOptions<A>): HealingStrategy<A, R> & { readonly risk: Risk } {
  const valid = parseWith(optionsSchema, options, 'reconfigure') as ReconfigureOptions<A>;
  const name = valid.name ?? 'reconfigure';
  const risk = valid.risk ?? 'low';
  const maxTimes = valid.maxTimes ?? 1;
  /** Reconfigurations so far per execution (weak: an execution that ended is forgotten). */
  const timesIn = new WeakMap<object, number>();
  const strategy: HealingStrategy<A, R> & { readonly risk: Risk } & CheckedStrategy = {
    name,
    risk,
    placement: valid.placement ?? 'execution',
    [boundsOwnWaits]: true, // change(args) and the safety gate's escalation are bounded where they are awaited
    async execute(ctx, next) {
      let outcome: Outcome<R> = await next();
      // Counted per execution, also when placed around each attempt.
      const run = executionOf(ctx);
      let local = 0; // outside a pipeline (a test double's ctx): per call
      for (;;) {
        const times = run === undefined ? local : (timesIn.get(run) ?? 0);
        if (times >= maxTimes || outcome.ok || ctx.signal.aborted || !valid.when(outcome)) return outcome;
        const failure = outcome;
        if (!(await mayAct(ctx, name, risk, failure))) return failure;
        const before = ctx.args;
        let after: A | typeof ABANDONED;
        try {
          const pending = valid.change(before, failure);
          after = run === undefined ? await pending : await boundedWait(run, `${name}'s change(args)`, pending);
        } catch (thrown) {
          // The thrown message is the user's text: redacted, as every message an action carries.
          const message = messageOf(toError(thrown));
          const detail = `${name}: change(args) threw: ${run === undefined ? message : run.redact(message)}`;
          ctx.record({ kind: 'reconfigure', succeeded: false, detail });
          ctx.stop(detail);
          return failure;
        }
        if (after === ABANDONED) return failure;
        if (run !== undefined) timesIn.set(run, times + 1);
        else local++;
        noteActed(ctx, name, failure);
        ctx.record({ kind: 'reconfigure', category: failure.classification.category, severity: failure.classification.severity,
          detail: valid.describe?.(before, after) ?? `${name} after a ${failure.classification.category} failure: running again with new args` });
        outcome = await next(after);
      }
    },
  };
  return strategy;
}
