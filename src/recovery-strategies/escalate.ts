import { z } from 'zod';
import { fn } from '../config/schema-helpers.js';
import { parseWith } from '../config/parse.js';
import { messageOf } from '../errors.js';
import { executionOf } from '../pipeline/custom-strategies.js';
import { boundsOwnWaits, type CheckedStrategy, type HealingStrategy } from '../pipeline/strategy.js';
import type { Risk } from '../safety/safety-policy.js';
import { escalateNow, type Failure } from './safety-gate.js';

/**
 * Options of {@link escalate}.
 * @example
 * ```ts
 * const options: Parameters<typeof escalate>[0] = { when: (f) => f.classification.category === 'auth', notify: (e) => pager.trigger(e.detail) };
 * ```
 * @inline
 */
interface EscalateOptions {
  /** Tells a human or an outside system (page, ticket, chat). Awaited under the caller's signal and the deadline; a throw is ignored. */
  notify?: (escalation: { readonly detail: string; readonly failure: Failure }, info: { readonly signal: AbortSignal }) => unknown;
  /** Which failures to hand on. Default: every failure that reaches it. */
  when?: (failure: Failure) => boolean;
  /** Default `'escalate'`. */
  name?: string;
}

const optionsSchema = z.strictObject({
  notify: fn('a function notify({ detail, failure }, { signal })').optional(),
  when: fn('a function when(failure) returning whether to escalate').optional(),
  name: z.string().min(1).max(200).optional(),
}, { error: 'expected options { notify?, when?, name? }' });

/**
 * A built-in recovery strategy (placement `'execution'`): when the call still fails after the
 * strategies inside it, hand the problem to a human. It records an `'escalate'` action, emits
 * the pipeline's `escalate` event, awaits `notify`, and stops healing (give-up `stopped`);
 * fallbacks still serve. Risk `'none'`: it is what the safety policy falls back to. Put it first
 * (outermost) in `strategies` to catch what the others could not fix; a failure the policy
 * already escalated to its own `escalate` callback in this execution is not paged twice.
 *
 * @throws {HealingConfigError} for bad options.
 * @example
 * ```ts
 * const page = escalate({ when: (f) => f.classification.category === 'auth', notify: ({ detail }) => pager.trigger(detail) });
 * const payments = new HealingPipeline({ strategies: [page] });
 * ```
 */
export function escalate<A = any, R = any>(options: EscalateOptions = {}): HealingStrategy<A, R> & { readonly risk: Risk } {
  const valid = parseWith(optionsSchema, options, 'escalate') as EscalateOptions;
  const name = valid.name ?? 'escalate';
  const strategy: HealingStrategy<A, R> & { readonly risk: Risk } & CheckedStrategy = {
    name,
    risk: 'none',
    placement: 'execution',
    [boundsOwnWaits]: true, // notify is awaited through the escalation's own bounded wait
    async execute(ctx, next) {
      const outcome = await next();
      if (outcome.ok || ctx.signal.aborted || (valid.when !== undefined && !valid.when(outcome))) return outcome;
      const run = executionOf(ctx);
      // One page per execution: a safety policy inside may have escalated this failure already, and
      // told someone (`succeeded`). One that told nobody (no callback) leaves the paging to this one.
      if (run?.actions.some((action) => action.kind === 'escalate' && action.succeeded === true) === true) return outcome;
      const redact = run === undefined ? (text: string) => text : (text: string) => run.redact(text);
      const detail = `${name}: a ${outcome.classification.category} failure after ${ctx.attempts} attempt(s) handed to a human: ${redact(messageOf(outcome.error))}`;
      const notify = valid.notify;
      await escalateNow(ctx, outcome, detail, 'escalated', notify === undefined ? undefined : (signal) => notify({ detail, failure: outcome }, { signal }));
      return outcome;
    },
  };
  return strategy;
}
