import { messageOf, toError } from '../errors.js';
import type { Execution } from '../pipeline/execution.js';
import { isThenable } from '../core/guards.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';

/** What an execution with `rollback` or `compensate` keeps: the snapshot, and whether it rolled back. */
export interface RecoveryState {
  snapshot: unknown;
  /** Set before the terminal rollback runs: it never runs twice for one execution. */
  rolledBack: boolean;
}

/**
 * Takes the snapshot before the first attempt. A snapshot that throws means the call could not
 * be undone, so fn is not called: recorded as a failed `'rollback'`, and healing stops (`snapshot`).
 */
export async function takeSnapshot(run: Execution): Promise<boolean> {
  const rollback = run.plan.rollback!;
  const state: RecoveryState = { snapshot: undefined, rolledBack: false };
  run.recovery = state;
  try {
    const taken = boundedWait(run, 'rollback.snapshot', rollback.snapshot(run.args));
    const snapshot = isThenable(taken) ? await taken : taken;
    if (snapshot === ABANDONED) {
      state.rolledBack = true; // fn never ran: there is nothing to undo
      return false;
    }
    state.snapshot = snapshot;
    return true;
  } catch (thrown) {
    run.fail(thrown);
    state.rolledBack = true; // nothing was done, so there is nothing to undo
    run.record({ kind: 'rollback', attempt: 0, succeeded: false, reason: 'snapshot',
      detail: 'rollback.snapshot threw, so fn was not called (its effects could not have been undone)' });
    return run.stop('snapshot', 'rollback.snapshot threw before the first attempt');
  }
}

/**
 * The terminal rollback: after the primary cannot succeed (before any fallback, so a fallback
 * starts on restored state), in reverse order of what happened: `compensate` undoes the call,
 * then `restore` puts back the state from before it; each at most once per execution.
 * Runs after an abort too, without the caller's signal: undoing must not be cut short. Skipped
 * when fn never ran (the circuit refused every attempt): there is nothing to undo. Always
 * resolves `false` (the call did not succeed), so it sits in the step sequence.
 */
export async function rollBack(run: Execution): Promise<false> {
  const { plan } = run;
  if (plan.rollback === undefined && plan.compensate === undefined) return false;
  const state = (run.recovery ??= { snapshot: undefined, rolledBack: false });
  // fn never ran (the circuit refused it): there is nothing to undo.
  if (state.rolledBack || run.attempts === 0) return false;
  state.rolledBack = true;
  const error = run.error!;
  if (plan.compensate !== undefined) {
    await undo(run, 'compensate', () => plan.compensate!(error, run.args), 'compensated the failed call');
  }
  if (plan.rollback !== undefined) {
    await undo(run, 'restore', () => plan.rollback!.restore(state.snapshot, error), 'restored the snapshot taken before attempt 1');
  }
  return false;
}

/**
 * With `rollback.betweenAttempts`: restores the snapshot before a retry. A failed restore ends
 * healing (`rollback`): retrying on state that could not be cleaned is not safe.
 */
export async function restoreBeforeRetry(run: Execution): Promise<boolean> {
  const state = run.recovery!;
  const ok = await undo(run, 'restore', () => run.plan.rollback!.restore(state.snapshot, run.error!),
    `restored the snapshot before attempt ${run.attempts + 1}`);
  return ok || run.stop('rollback', `rollback.restore failed before attempt ${run.attempts + 1}, so it was not retried on unclean state`);
}

async function undo(run: Execution, step: 'restore' | 'compensate', action: () => unknown, done: string): Promise<boolean> {
  try {
    const pending = action();
    if (isThenable(pending)) await pending;
    run.record({ kind: 'rollback', attempt: run.attempts, succeeded: true, reason: step, detail: done });
    return true;
  } catch (thrown) {
    const message = run.redact(messageOf(toError(thrown)));
    // Recorded, never hidden: the caller must know the state may not be clean.
    run.record({ kind: 'rollback', attempt: run.attempts, succeeded: false, reason: step, error: message,
      detail: `${step === 'restore' ? 'rollback.restore' : 'compensate'} failed: ${message}` });
    return false;
  }
}
