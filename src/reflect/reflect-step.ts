import { toError } from '../errors.js';
import { redactMessage } from '../observe/redact.js';
import type { Execution } from '../pipeline/execution.js';
import { checkProposal } from './check-proposal.js';

const NEVER_ABORTED = new AbortController().signal;

/**
 * Asks the reflector for repaired args after a `recoverable` failure, and checks each proposal
 * before it can run. A rejected proposal is recorded and the reflector is asked again (it sees
 * why in `history`), up to `maxReflections`. A reflector that throws or returns nothing ends
 * reflection. Resolves `true` when the next attempt should run with the new `run.args`.
 */
export async function reflectOnFailure(run: Execution): Promise<boolean> {
  const { plan } = run;
  const reflector = plan.reflector!;
  const classification = run.classify();
  const history = (run.reflectionHistory ??= []);
  while (run.reflections < plan.maxReflections) {
    run.reflections++;
    const error = run.error!;
    let proposal: unknown;
    try {
      proposal = await reflector({
        error,
        classification,
        args: run.args,
        attempt: run.attempts,
        history: history.slice(), // a snapshot: later entries must not appear in it
        signal: plan.signal ?? NEVER_ABORTED,
      });
    } catch (thrown) {
      run.record({ kind: 'reflect', attempt: run.attempts, succeeded: false, reason: 'reflector-error', category: classification.category,
        detail: `the reflector threw (${redactMessage(toError(thrown).message)}); reflection ends` });
      return run.stop('unrepaired', `${classification.reason} (${classification.category}) needs different arguments and the reflector failed`);
    }
    if (plan.signal?.aborted) return run.stop('aborted', 'the caller aborted during reflection');
    if (proposal === null || proposal === undefined) {
      run.record({ kind: 'reflect', attempt: run.attempts, succeeded: false, reason: 'declined', category: classification.category,
        detail: 'the reflector proposed nothing; reflection ends' });
      return run.stop('unrepaired', `${classification.reason} (${classification.category}) needs different arguments and the reflector declined`);
    }

    const check = checkProposal(plan, proposal, run.args, history);
    const entry = { attempt: run.attempts, error: redactMessage(error.message), accepted: check.ok, reason: check.reason,
      proposedArgs: check.ok ? check.args : check.proposedArgs };
    history.push(entry);
    if (!check.ok) {
      run.record({ kind: 'reflect', attempt: run.attempts, succeeded: false, reason: check.rejection, category: classification.category,
        detail: `proposal rejected (${check.rejection}): ${check.detail}` });
      continue;
    }
    run.args = check.args;
    run.record({ kind: 'reflect', attempt: run.attempts, succeeded: true, reason: 'accepted', category: classification.category,
      detail: `args repaired${check.reason ? `: ${redactMessage(check.reason)}` : ''}; retrying with them` });
    return true;
  }
  return run.stop('unrepaired', `${classification.reason} (${classification.category}) needs different arguments and no valid repair came from ${run.reflections} reflection(s)`);
}
