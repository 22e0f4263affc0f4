import type { ExecutionPlan } from '../pipeline/plan.js';
import { readProperty } from '../classify/error-facts.js';
import type { ReflectionHistoryEntry } from './reflector.js';
import { canonicalJson, toPlainData } from './plain-data.js';

/** The outcome of checking one reflector proposal. */
export type ProposalCheck =
  | { ok: true; args: unknown; reason: string }
  | { ok: false; rejection: string; detail: string; proposedArgs: unknown; reason: string };

function summariseSchemaError(error: unknown): string {
  const issues = readProperty(error, 'issues');
  if (Array.isArray(issues) && issues.length > 0) {
    return issues.slice(0, 3).map((issue: { path?: unknown[]; message?: string }) =>
      `${Array.isArray(issue.path) && issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message ?? 'invalid'}`).join('; ');
  }
  const message = readProperty(error, 'message');
  return typeof message === 'string' ? message : 'invalid';
}

/**
 * Checks an untrusted proposal, in order: its shape, a fresh copy free of prototype keys,
 * `argsSchema`, then that it changes something and was not proposed before. Never throws.
 */
export function checkProposal(
  plan: ExecutionPlan,
  proposal: unknown,
  currentArgs: unknown,
  history: readonly ReflectionHistoryEntry[],
): ProposalCheck {
  const rawArgs = readProperty(proposal, 'args');
  const rawReason = readProperty(proposal, 'reason');
  const reason = typeof rawReason === 'string' ? rawReason.slice(0, 500) : '';
  const reject = (rejection: string, detail: string, proposedArgs: unknown = undefined): ProposalCheck =>
    ({ ok: false, rejection, detail, proposedArgs, reason });

  if (proposal === null || typeof proposal !== 'object' || !Object.hasOwn(proposal, 'args')) {
    return reject('parse', 'the reflector did not return { args, reason }');
  }
  const copied = toPlainData(rawArgs);
  if (!copied.ok) {
    return reject(copied.problem, copied.problem === 'forbidden-key'
      ? `the proposal has a forbidden key at ${copied.path}`
      : `the proposal holds a value that is not plain data at ${copied.path}`);
  }
  let args = copied.value;

  if (plan.argsSchema !== undefined) {
    let parsed: { success: boolean; data?: unknown; error?: unknown };
    try {
      parsed = plan.argsSchema.safeParse(args);
    } catch (error) {
      return reject('schema', `argsSchema threw: ${summariseSchemaError(error)}`, args);
    }
    if (!parsed.success) return reject('schema', `the proposal does not match argsSchema: ${summariseSchemaError(parsed.error)}`, args);
    args = parsed.data;
  }

  const proposed = canonicalJson(args);
  if (proposed !== undefined && proposed === canonicalJson(currentArgs)) {
    return reject('no-change', 'the proposal equals the args that just failed', args);
  }
  if (proposed !== undefined && history.some((entry) => canonicalJson(entry.proposedArgs) === proposed)) {
    return reject('repeat', 'the proposal was already tried', args);
  }
  return { ok: true, args, reason };
}
