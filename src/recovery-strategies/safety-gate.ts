import { executionOf } from '../pipeline/custom-strategies.js';
import type { Outcome, StrategyContext } from '../pipeline/strategy.js';
import type { Risk } from '../safety/safety-policy.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';

/** A failed outcome. */
export type Failure = Extract<Outcome, { ok: false }>;

/**
 * Asks the pipeline's safety policy (if any) whether `strategy`, of `risk`, may act on `failure`.
 * When it may not, the execution escalates instead (see {@link escalateNow}) and this resolves
 * `false`; the caller then returns the failure as it is.
 */
export async function mayAct(ctx: StrategyContext, strategy: string, risk: Risk, failure: Failure): Promise<boolean> {
  const run = executionOf(ctx);
  const policy = run?.plan.safety;
  if (policy === undefined) return true;
  // The component a HealthMonitor tracks the pipeline under by default: its name.
  const component = run!.plan.options.name ?? run!.plan.circuitName ?? 'default';
  const escalation = policy.check(strategy, risk, failure.classification, ctx.clock.now(), component);
  if (escalation === undefined) return true;
  const notify = policy.escalate;
  await escalateNow(ctx, failure, escalation.why, 'too_risky', notify === undefined ? undefined : (signal) => notify(escalation, { signal }));
  return false;
}

/** Tells the pipeline's safety policy (if any) that `strategy` acted on `failure`, for its recurrence count. */
export function noteActed(ctx: StrategyContext, strategy: string, failure: Failure): void {
  executionOf(ctx)?.plan.safety?.noteActed(strategy, failure.classification.category, ctx.clock.now());
}

/**
 * Hands the problem on: records an `'escalate'` action (`reason`, `detail`, and the failure's
 * `category` and `severity`), emits the
 * pipeline's `escalate` event, awaits `notify` (bounded by the caller's signal and the deadline;
 * a throw is ignored: the escalation is recorded either way) and stops healing, so no further
 * attempt starts; rollback and fallbacks still run.
 */
export async function escalateNow(ctx: StrategyContext, failure: Failure, detail: string, reason: string, notify?: (signal: AbortSignal) => unknown): Promise<void> {
  const { category, severity } = failure.classification;
  ctx.record({ kind: 'escalate', reason, category, severity, detail });
  const run = executionOf(ctx);
  if (run !== undefined) run.hub?.escalate(run, detail);
  if (notify !== undefined) {
    try {
      const pending = notify(ctx.signal);
      const end = run === undefined ? await pending : await boundedWait(run, 'the escalation', pending);
      // Abandoned: the caller aborted or the deadline passed, and the execution is stopped for that.
      if (end === ABANDONED) return;
    } catch {
      // a pager that fails must not hide the escalation, which is recorded already
    }
  }
  ctx.stop(detail);
}
