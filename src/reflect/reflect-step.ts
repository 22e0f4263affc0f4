import type { Classification } from '../classify/classification.js';
import { readProperty } from '../classify/error-facts.js';
import { messageOf, toError } from '../errors.js';
import { AttemptContextImpl, raceWithSignal } from '../timeout/attempt-context.js';
import type { Execution } from '../pipeline/execution.js';
import { formatPath, pathsFromIssues, type ArgPath } from '../core/arg-paths.js';
import { checkProposal } from './check-proposal.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';
import type { ReflectionHistoryEntry, ReflectionRequest, ReflectionSpend } from './reflector.js';

/** What one call of the reflector came to, besides a proposal. */
type ReflectorOutcome =
  | { kind: 'proposal'; proposal: unknown }
  | { kind: 'threw'; error: Error }
  | { kind: 'timeout' }
  | { kind: 'deadline' }
  | { kind: 'aborted' };

/**
 * Asks the reflector for repaired args after a `recoverable` failure, and checks each proposal
 * before it can run. A refused proposal is recorded and the reflector is asked again (it sees
 * why in `history`), up to `maxReflections`. A reflector that throws, times out, returns nothing
 * or runs out of budget ends reflection. Resolves `true` when the next attempt should run with
 * the new `run.args`.
 */
export async function reflectOnFailure(run: Execution): Promise<boolean> {
  const { plan } = run;
  const classification = run.classify();
  const history = (run.reflectionHistory ??= []);
  const usage = (run.reflectionUsage ??= { tokens: 0, costUsd: 0 });
  const unrepaired = (why: string) => run.stop('unrepaired', `${classification.reason} (${classification.category}) needs different arguments and ${why}`);
  const note = (reason: string, detail: string, succeeded = false) =>
    run.record({ kind: 'reflect', attempt: run.attempts, succeeded, reason, category: classification.category, severity: classification.severity, detail });

  while (run.reflections < plan.maxReflections) {
    const spent: ReflectionSpend = { reflections: run.reflections, tokens: usage.tokens, costUsd: usage.costUsd };
    if (plan.reflectionBudget !== undefined) {
      const allowed = await withinBudget(run, plan.reflectionBudget, spent);
      if (allowed === ABANDONED) return false; // an abort or the deadline while the budget answered
      if (!allowed) {
        note('budget', `reflectionBudget refused another reflection (${describeSpend(spent)}); reflection ends`);
        return unrepaired('the reflection budget is spent');
      }
    }
    run.reflections++;
    const mutablePaths = plan.mutablePaths ?? pathsFromIssues(run.error);
    const outcome = await callReflector(run, buildRequest(run, classification, history, mutablePaths));
    if (outcome.kind === 'aborted' || run.signal?.aborted) return run.stop('aborted', 'the caller aborted during reflection');
    if (outcome.kind === 'deadline') return run.stop('deadline', `deadlineMs (${plan.deadlineMs} ms) passed while waiting for the reflector`);
    if (outcome.kind === 'timeout') {
      note('timeout', `the reflector did not answer within reflectionTimeoutMs (${plan.reflectionTimeoutMs} ms); reflection ends`);
      return unrepaired('the reflector timed out');
    }
    if (outcome.kind === 'threw') {
      note('reflector-error', `the reflector threw (${run.redact(messageOf(outcome.error))}); reflection ends`);
      return unrepaired('the reflector failed');
    }
    const { proposal } = outcome;
    if (proposal === null || proposal === undefined) {
      note('declined', 'the reflector proposed nothing; reflection ends');
      return unrepaired('the reflector declined');
    }
    addUsage(usage, proposal);

    const check = await checkProposal(plan, proposal, {
      args: run.args, history, mutablePaths, masked: run.redactedArgs().masked, wait: (what, pending) => boundedWait(run, what, pending),
    });
    if (run.stopReason !== undefined) return false; // an abort or the deadline while the guard ran
    // A refused entry's reason says why it was refused: what the reflector must do differently.
    const entry: ReflectionHistoryEntry = { attempt: run.attempts, error: run.redact(messageOf(run.error!)), accepted: check.ok,
      reason: check.ok ? check.reason : check.detail, proposedArgs: check.ok ? check.args : check.proposedArgs };
    if (!check.ok) entry.rejection = check.rejection;
    history.push(entry);
    if (!check.ok) {
      note(check.rejection, `proposal rejected (${check.rejection}): ${run.redact(check.detail)}`);
      continue;
    }
    run.args = check.args;
    note('accepted', `args repaired${check.reason ? `: ${run.redact(check.reason)}` : ''}; retrying with them`, true);
    return true;
  }
  return unrepaired(`no valid repair came from ${run.reflections} reflection(s)`);
}

function buildRequest(
  run: Execution,
  classification: Classification,
  history: readonly ReflectionHistoryEntry[],
  mutablePaths: readonly ArgPath[] | undefined,
): Omit<ReflectionRequest, 'signal'> {
  const { plan } = run;
  const shown = mutablePaths?.map((path) => (path.length === 0 ? '' : formatPath(path)));
  const redactedHistory = history.map((entry) => ({ ...entry, proposedArgs: plan.redaction.value(entry.proposedArgs).value, reason: run.redact(entry.reason) }));
  return {
    error: run.error!,
    classification,
    args: run.args,
    attempt: run.attempts,
    history: history.slice(), // a snapshot: later entries must not appear in it
    redacted: { error: run.redact(messageOf(run.error!)), args: run.redactedArgs().value, history: redactedHistory, mutablePaths: shown?.map((path) => run.redact(path)) },
    mutablePaths: shown,
    argsSchema: plan.argsSchema,
  };
}

/**
 * Calls the reflector with its own signal, aborted by the caller's signal or after
 * `reflectionTimeoutMs`; a reflector that ignores the signal is abandoned at the deadline. The
 * signal, the timer and the race are an attempt's (`AttemptContextImpl`): the same mechanism.
 */
async function callReflector(run: Execution, request: Omit<ReflectionRequest, 'signal'>): Promise<ReflectorOutcome> {
  const { plan } = run;
  if (run.signal?.aborted) return { kind: 'aborted' };
  const ctx = new AttemptContextImpl(run.attempts, run.signal);
  // The deadline bounds reflection too: a hung model must not hold a 500 ms deadline for 30 s.
  const remainingMs = plan.deadlineMs === undefined ? Infinity : plan.deadlineMs - run.elapsedMs();
  const byDeadline = remainingMs < plan.reflectionTimeoutMs;
  if (byDeadline && remainingMs <= 0) return { kind: 'deadline' };
  ctx.startTimeout(plan.clock, byDeadline ? remainingMs : plan.reflectionTimeoutMs);
  const { signal } = ctx;
  try {
    const called = Promise.resolve().then(() => plan.reflector!({ ...request, signal } as ReflectionRequest));
    return { kind: 'proposal', proposal: await raceWithSignal(called, signal) };
  } catch (thrown) {
    if (signal.aborted && thrown === signal.reason) return { kind: run.signal?.aborted ? 'aborted' : byDeadline ? 'deadline' : 'timeout' };
    return { kind: 'threw', error: toError(thrown) };
  } finally {
    ctx.dispose();
  }
}

/**
 * The budget's answer: only `true` is a yes. A promise (a budget kept in a shared store) is
 * awaited through the one waiting rule; a throw, a rejection or any other value is a no: a
 * budget that cannot answer spends nothing more, and a promise is never taken as a yes.
 */
async function withinBudget(
  run: Execution, budget: (spent: ReflectionSpend) => boolean | PromiseLike<boolean>, spent: ReflectionSpend,
): Promise<boolean | typeof ABANDONED> {
  try {
    const answer = await boundedWait(run, 'reflectionBudget', budget(spent));
    return answer === ABANDONED ? ABANDONED : answer === true;
  } catch {
    return false;
  }
}

/** Adds a proposal's `usage` to `spent`; what cannot be read (a getter or a Proxy that throws) adds nothing. */
function addUsage(spent: { tokens: number; costUsd: number }, proposal: unknown): void {
  const usage = readProperty(proposal, 'usage');
  const tokens = readProperty(usage, 'tokens');
  const costUsd = readProperty(usage, 'costUsd');
  if (typeof tokens === 'number' && Number.isFinite(tokens) && tokens > 0) spent.tokens += tokens;
  if (typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd > 0) spent.costUsd += costUsd;
}

function describeSpend(spent: ReflectionSpend): string {
  return `${spent.reflections} reflection(s), ${spent.tokens} tokens, $${spent.costUsd.toFixed(4)}`;
}
