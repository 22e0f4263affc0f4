import { fn, positiveMs } from '../config/schema-helpers.js';
import { z } from 'zod';
import { unrefTimer } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import { executionOf } from '../pipeline/custom-strategies.js';
import { boundsOwnWaits, checkPlanOptions, type CheckedStrategy, type HealingStrategy } from '../pipeline/strategy.js';
import { riskSchema, type Risk } from '../safety/safety-policy.js';
import { restartable } from './restart.js';
import { mayAct, noteActed, type Failure } from './safety-gate.js';

/**
 * Options of {@link isolate}.
 * @example
 * ```ts
 * const options: Parameters<typeof isolate>[0] = { durationMs: 120_000 };
 * ```
 * @inline
 */
interface IsolateOptions {
  /** How long the circuit stays forced open, in ms. */
  durationMs: number;
  /** Which failures call for isolating the dependency. Default: the transient ones a restart would also take. */
  when?: (failure: Failure) => boolean;
  /** Default `'medium'`: every caller of the circuit is refused while it is isolated. */
  risk?: Risk;
  /** Default `'isolate'`. */
  name?: string;
}

const optionsSchema = z.strictObject({
  durationMs: positiveMs,
  when: fn('a function when(failure) returning whether to isolate').optional(),
  risk: riskSchema.optional(),
  name: z.string().min(1).max(200).optional(),
}, { error: 'expected options { durationMs, when?, risk?, name? }' });

interface Isolatable {
  isolate(): { release(): void };
}

/**
 * A built-in recovery strategy (placement `'execution'`): when the whole retry loop failed on a
 * failure that says the dependency is sick, force the pipeline's circuit open for `durationMs`
 * (`breaker.isolate()`, released on the clock by an unref'd timer), so every caller is refused at
 * once and served by its fallback instead of adding load; then the breaker carries on from the
 * state it was in. An `'isolate'` action says so. While isolated, further failures do not extend
 * it. Risk `'medium'`. The pipeline needs a `circuitName` whose breaker can `isolate()` (the
 * registry's breakers can).
 *
 * @throws {HealingConfigError} for bad options, and when a pipeline is built with it but without `circuitName`.
 * @example
 * ```ts
 * const quarantine = isolate({ durationMs: 60_000 });
 * const search = new HealingPipeline({ circuitName: 'search', strategies: [quarantine], fallback: () => cachedResults });
 * ```
 */
export function isolate<A = any, R = any>(options: IsolateOptions): HealingStrategy<A, R> & { readonly risk: Risk } {
  const valid = parseWith(optionsSchema, options, 'isolate');
  const name = valid.name ?? 'isolate';
  const risk = valid.risk ?? 'medium';
  const when = (valid.when as IsolateOptions['when']) ?? restartable;
  /** The breakers this strategy holds open now: one hold each, never stacked. */
  const held = new WeakSet<object>();
  const strategy: HealingStrategy<A, R> & { readonly risk: Risk } & CheckedStrategy = {
    name,
    risk,
    placement: 'execution',
    [boundsOwnWaits]: true, // its one wait, the safety gate's escalation, is bounded there
    [checkPlanOptions](planOptions, option) {
      if (planOptions.circuitName === undefined) throw new HealingConfigError(option, `isolate "${name}" forces the pipeline's circuit open: set circuitName on the pipeline`);
    },
    async execute(ctx, next) {
      const outcome = await next();
      if (outcome.ok || ctx.signal.aborted || !when(outcome)) return outcome;
      const run = executionOf(ctx);
      const breaker = run?.breaker as (Partial<Isolatable> & object) | undefined;
      if (breaker === undefined || typeof breaker.isolate !== 'function' || held.has(breaker)) return outcome;
      // Taken before the policy is asked, so concurrent failures isolate once between them.
      held.add(breaker);
      if (!(await mayAct(ctx, name, risk, outcome))) {
        held.delete(breaker);
        return outcome;
      }
      const hold = breaker.isolate();
      noteActed(ctx, name, outcome);
      unrefTimer(ctx.clock.setTimeout(() => {
        held.delete(breaker);
        hold.release();
      }, valid.durationMs));
      ctx.record({ kind: 'isolate', category: outcome.classification.category, severity: outcome.classification.severity,
        detail: `${name}: forced circuit "${run!.plan.circuitName}" open for ${valid.durationMs} ms after a ${outcome.classification.category} failure` });
      return outcome;
    },
  };
  return strategy;
}
