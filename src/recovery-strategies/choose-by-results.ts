import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError, toError } from '../errors.js';
import { executionOf } from '../pipeline/custom-strategies.js';
import type { HealingStrategy, NextStrategy, Outcome } from '../pipeline/strategy.js';
import { StrategyScores, type StrategyScore } from './strategy-scores.js';
import type { Execution } from '../pipeline/execution.js';
import type { Risk } from '../safety/safety-policy.js';
import { componentOf } from './safety-gate.js';

/**
 * Options of {@link chooseByResults}.
 * @example
 * ```ts
 * const options: Parameters<typeof chooseByResults>[1] = { window: 50 };
 * ```
 * @inline
 */
interface ChooseByResultsOptions {
  /** The tries per (error category, strategy) its ranking reads: the last `window`. Default 20. */
  window?: number;
  /** Default `'choose-by-results'`. */
  name?: string;
  /** Default `'execution'`: the candidates act after the whole retry loop failed. */
  placement?: 'execution' | 'attempt';
}

const ENDS_CHOICE: ReadonlySet<string> = new Set(['stopped', 'aborted', 'deadline']);

const optionsSchema = z.strictObject({
  window: z.number().int().min(1).max(10_000).optional(),
  name: z.string().min(1).max(200).optional(),
  placement: z.enum(['execution', 'attempt']).optional(),
}, { error: 'expected options { window?, name?, placement? }' });

/**
 * A strategy that picks among candidate recovery strategies by how they have done: when the call
 * fails, it offers the failure to the candidates best first for its error category (by success
 * rate over their last `window` tries there, then by mean recovery time; untried ones between
 * those that heal and those that fail), until one heals it. A candidate that passes the failure
 * on without acting (no action recorded, the failure returned as it was) is skipped and learns
 * nothing. Each candidate that acted records a
 * `'strategy_result'` action (`provider`: its name, `category`, `succeeded`, `durationMs`), which
 * `HealingStatistics` counts per category and strategy (and the status page shows). One that
 * stops healing (`ctx.stop`, an escalation) ends the choice.
 *
 * The candidates run with this strategy's placement, whatever theirs. Share the object between
 * pipelines to share what it learned; `scores()` lists it.
 *
 * @throws {HealingConfigError} for bad options, no candidates, or two with one name.
 * @example
 * ```ts
 * const recover = chooseByResults([
 *   reconfigure({ name: 'trim-context', when: (f) => f.classification.category === 'context_length', change: trim }),
 *   reconfigure({ name: 'smaller-model', when: (f) => f.classification.category === 'context_length', change: smaller }),
 * ]);
 * const llm = new HealingPipeline({ strategies: [recover] });
 * ```
 */
export function chooseByResults<A = any, R = any>(
  candidates: ReadonlyArray<HealingStrategy<A, R>>,
  options: ChooseByResultsOptions = {},
): HealingStrategy<A, R> & { scores(): StrategyScore[]; order(category: string): string[] } {
  const valid = parseWith(optionsSchema, options, 'chooseByResults');
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new HealingConfigError('chooseByResults', 'expected an array of candidate strategies ([reconfigure(...), restart(...)])');
  }
  const names = candidates.map((candidate, index) => {
    if (typeof candidate?.execute !== 'function' || typeof candidate.name !== 'string') {
      throw new HealingConfigError(`chooseByResults[${index}]`, 'expected a strategy { name, execute(ctx, next) }');
    }
    return candidate.name;
  });
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new HealingConfigError('chooseByResults', `two candidates are named "${twice}": give each its own name, which is what it learns under`);
  const scores = new StrategyScores(valid.window ?? 20);
  const name = valid.name ?? 'choose-by-results';

  return {
    name,
    placement: valid.placement ?? 'execution',
    scores: () => scores.all(),
    order: (category) => scores.rank(category, names).map((index) => names[index]!),
    async execute(ctx, next) {
      let outcome: Outcome<R> = await next();
      if (outcome.ok) return outcome;
      const { category, severity } = outcome.classification;
      const run = executionOf(ctx);
      // Each candidate starts from the call's own args, not from what a failed candidate tried.
      const originalArgs = ctx.args;
      // Candidates the safety policy would not let act are offered last (one of them then
      // escalates), so an allowed candidate gets its chance first and a refusal is never scored.
      const order = scores.rank(category, names);
      const firstFailure = outcome;
      const refused = order.filter((index) => tooRisky(run, candidates[index]!, firstFailure, ctx.clock.now()));
      const allowed = order.filter((index) => !refused.includes(index));
      for (const index of [...allowed, ...refused.slice(0, 1)]) {
        if (ctx.signal.aborted) return outcome;
        const candidate = candidates[index]!;
        const gated = refused.includes(index);
        if (run !== undefined) run.args = originalArgs;
        const failed: Outcome<R> = outcome;
        let calledNext = false;
        // The candidate sees the failure as if it had run the rest: its first `next()` hands back
        // that failure; asking again (or with new args) really runs the rest.
        const candidateNext: NextStrategy<A, R> = (args) => {
          if (!calledNext && args === undefined) {
            calledNext = true;
            return Promise.resolve(failed);
          }
          calledNext = true;
          acted = true;
          return next(args);
        };
        let acted = false;
        const started = ctx.clock.now();
        const recorded = run?.actions.length ?? 0;
        let result: Outcome<R>;
        try {
          result = await candidate.execute(ctx, candidateNext);
        } catch (thrown) {
          const error = toError(thrown);
          result = { ok: false, error, classification: ctx.classify(error) };
        }
        // Returning something other than the failure it was shown (a value, another error), or
        // recording an action (an escalation), is acting too.
        if (!acted && result === failed && (run?.actions.length ?? 0) === recorded) continue;
        const durationMs = ctx.clock.now() - started;
        if (gated) return result; // it escalated instead of acting: nothing to learn about it
        // The caller left while it acted: its outcome says nothing about it (nothing learns from an abort).
        if (ctx.signal.aborted) return result;
        scores.record(category, candidate.name, result.ok, durationMs);
        ctx.record({ kind: 'strategy_result', provider: candidate.name, category, severity, succeeded: result.ok, durationMs,
          detail: `${candidate.name} ${result.ok ? 'healed' : 'did not heal'} a ${category} failure in ${durationMs} ms` });
        outcome = result;
        // A candidate that stopped healing (an escalation), or the caller's abort or deadline, ends the choice.
        if (result.ok || (run?.stopReason !== undefined && ENDS_CHOICE.has(run.stopReason))) return result;
      }
      return outcome;
    },
  };
}

/** Whether the pipeline's safety policy would refuse `candidate` (by its `risk`) on `failure`. */
function tooRisky(run: Execution | undefined, candidate: HealingStrategy, failure: Extract<Outcome, { ok: false }>, now: number): boolean {
  const policy = run?.plan.safety;
  const risk = (candidate as { risk?: unknown }).risk;
  if (run === undefined || policy === undefined || typeof risk !== 'string') return false;
  return policy.check(candidate.name, risk as Risk, failure.classification, now, componentOf(run)) !== undefined;
}
