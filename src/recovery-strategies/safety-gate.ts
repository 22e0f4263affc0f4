import { executionOf } from '../pipeline/custom-strategies.js';
import type { Outcome, StrategyContext } from '../pipeline/strategy.js';
import type { Risk } from '../safety/safety-policy.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';
import { KeepAlive, withinTimeout } from '../clock.js';
import type { Execution } from '../pipeline/execution.js';

/** A failed outcome. */
export type Failure = Extract<Outcome, { ok: false }>;

/** How long a pager (`notify`, a policy's `escalate`) may take before it is abandoned and its signal aborts. */
export const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * The component a `HealthMonitor` tracks a pipeline under by default (its name): the safety
 * policy's unit. The pipeline's, whatever a call's own `name` or `circuitName` (a call must not
 * start a count of its own, out of the policy's reach).
 */
export function componentOf(run: Execution): string {
  return run.plan.hub?.pipeline ?? run.plan.options.name ?? run.plan.circuitName ?? 'default';
}

/**
 * Asks the pipeline's safety policy (if any) whether `strategy`, of `risk`, may act on `failure`.
 * When it may not, the execution escalates instead (see {@link escalateNow}) and this resolves
 * `false`; the caller then returns the failure as it is. The policy's `escalate` callback is told
 * once per strategy, category and pipeline per `escalateIntervalMs`, however many executions fail
 * meanwhile (each still records its escalation).
 */
export async function mayAct(ctx: StrategyContext, strategy: string, risk: Risk, failure: Failure): Promise<boolean> {
  const run = executionOf(ctx);
  const policy = run?.plan.safety;
  if (run === undefined || policy === undefined) return true;
  const component = componentOf(run);
  const now = ctx.clock.now();
  const escalation = policy.check(strategy, risk, failure.classification, now, component);
  if (escalation === undefined) return true;
  const notify = policy.escalate;
  const tell = notify !== undefined && policy.shouldNotify(strategy, failure.classification.category, component, now);
  await escalateNow(ctx, failure, escalation.why, 'too_risky', tell ? (signal) => notify(escalation, { signal }) : undefined, notify !== undefined);
  return false;
}

/** Tells the pipeline's safety policy (if any) that `strategy` acted on `failure`, for its recurrence count. */
export function noteActed(ctx: StrategyContext, strategy: string, failure: Failure): void {
  const run = executionOf(ctx);
  if (run === undefined) return;
  run.plan.safety?.noteActed(strategy, failure.classification.category, ctx.clock.now(), componentOf(run));
}

/**
 * Hands the problem on: records an `'escalate'` action (`reason`, `detail`, the failure's
 * `category` and `severity`, and `succeeded`: whether someone is told), emits the pipeline's
 * `escalate` event, awaits `notify` (bounded by the caller's signal, the deadline and
 * {@link NOTIFY_TIMEOUT_MS}, after which its signal aborts; a throw is ignored: the escalation is
 * recorded either way) and stops healing, so no further attempt starts; rollback and fallbacks
 * still run.
 */
export async function escalateNow(
  ctx: StrategyContext, failure: Failure, detail: string, reason: string,
  notify?: (signal: AbortSignal) => unknown, told: boolean = notify !== undefined,
): Promise<void> {
  const { category, severity } = failure.classification;
  ctx.record({ kind: 'escalate', reason, category, severity, succeeded: told, detail });
  const run = executionOf(ctx);
  if (run !== undefined) run.hub?.escalate(run, detail);
  if (notify !== undefined) {
    const controller = new AbortController();
    const onAbort = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // The execution awaits the pager: its time limit keeps the process alive until the wait ends
    // (released in `finally`, so a caller's abort lets an idle process exit).
    const keepAlive = new KeepAlive();
    const release = keepAlive.hold();
    try {
      // A pager that never answers must not hold the execution: its own time limit, then abandoned.
      const pending = withinTimeout(ctx.clock, NOTIFY_TIMEOUT_MS, () => notify(controller.signal), () => {
        const timedOut = new Error(`the escalation passed ${NOTIFY_TIMEOUT_MS} ms`);
        controller.abort(timedOut);
        return timedOut;
      }, keepAlive);
      const end = run === undefined ? await pending : await boundedWait(run, 'the escalation', pending);
      // Abandoned: the caller aborted or the deadline passed, and the execution is stopped for
      // that. The pager's signal aborts either way, so a pager that listens stops with the call.
      if (end === ABANDONED) {
        if (!controller.signal.aborted) controller.abort(new Error('the execution ended (its deadline passed) before the escalation answered'));
        return;
      }
    } catch {
      // a pager that fails or times out must not hide the escalation, which is recorded already
    } finally {
      release();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }
  ctx.stop(detail);
}
