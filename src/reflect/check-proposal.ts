import type { ExecutionPlan } from '../pipeline/plan.js';
import { readProperty } from '../classify/error-facts.js';
import { messageOf, toError } from '../errors.js';
import type { MaskedValue } from '../observe/redaction.js';
import { changedPaths, formatPath, hasWildcard, isUnder, readPath, type ArgPath } from '../core/arg-paths.js';
import { canonicalJson, toPlainData } from './plain-data.js';
import type { ReflectionHistoryEntry } from './reflector.js';
import { parseProposalText } from './secure-json.js';
import { ABANDONED } from '../timeout/bounded-wait.js';
import { cutAtTokenBoundary } from '../core/cut-text.js';

/**
 * Why a proposal was refused, in the order the checks run. `timeout` and `budget` are decided
 * around the reflector call (see `reflect-step.ts`), the others here.
 */
export type ProposalRejection = 'parse' | 'forbidden-key' | 'disallowed-path' | 'schema' | 'guard' | 'no-change' | 'repeat';

/** The outcome of checking one reflector proposal. */
export type ProposalCheck =
  | { ok: true; args: unknown; reason: string }
  | { ok: false; rejection: ProposalRejection; detail: string; proposedArgs: unknown; reason: string };

/** What a proposal is checked against. */
export interface ProposalContext {
  /** The args that just failed. */
  args: unknown;
  history: readonly ReflectionHistoryEntry[];
  /** The paths a proposal may change; `undefined`: any path. */
  mutablePaths: readonly ArgPath[] | undefined;
  /** Where the redacted view a reflector saw differs from the args (secrets, cut strings, dates). */
  masked: readonly MaskedValue[];
  /** Awaits user code (the accept guard) bounded by the caller's signal and the deadline. */
  wait: <T>(what: string, pending: T | PromiseLike<T>) => T | Promise<T | typeof ABANDONED>;
}

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
 * Checks an untrusted proposal, in this order, and stops at the first refusal:
 *
 * 1. `parse`: a text reply must be JSON `{ args, reason }`; an object must have `args`.
 * 2. `forbidden-key`: `__proto__`, `constructor` or `prototype` anywhere; the args are copied into
 *    fresh plain objects (never merged into the originals).
 * 3. `disallowed-path`: every changed path must lie under `mutablePaths`; secrets and values the
 *    reflector saw only in part stay as they are.
 * 4. `schema`: `argsSchema` must accept the args (its output is what runs).
 * 5. `guard`: `accept(original, proposed)` must return `true`.
 * 6. `no-change` / `repeat`: the args must differ from the failed ones and from earlier proposals.
 *
 * Never throws.
 */
export async function checkProposal(plan: ExecutionPlan, proposal: unknown, context: ProposalContext): Promise<ProposalCheck> {
  let envelope: unknown = proposal;
  const rawJson = readProperty(proposal, 'json');
  if (typeof rawJson === 'string' && !hasOwn(proposal, 'args')) {
    const parsed = parseProposalText(rawJson);
    if (!parsed.ok) return refuse(parsed.problem, parsed.detail, undefined, '');
    envelope = parsed.envelope;
  }
  const rawReason = readProperty(envelope, 'reason');
  const reason = typeof rawReason === 'string' ? rawReason.slice(0, 500) : '';
  if (envelope === null || typeof envelope !== 'object' || !hasOwn(envelope, 'args')) {
    return refuse('parse', 'the reflector did not return { args, reason } or { json }', undefined, reason);
  }

  const copied = toPlainData(readProperty(envelope, 'args'));
  if (!copied.ok) {
    return copied.problem === 'forbidden-key'
      ? refuse('forbidden-key', `the proposal has a forbidden key at ${copied.path}`, undefined, reason)
      : refuse('parse', `the proposal holds a value that is not plain data at ${copied.path}`, undefined, reason);
  }
  let args: unknown;
  let disallowed: string | undefined;
  try {
    args = restoreMasked(copied.value, context);
    disallowed = firstDisallowedChange(context, args, plan.mutablePaths !== undefined);
  } catch {
    // The current args cannot be read to compare (a Proxy whose traps throw): nothing can be
    // shown to change only what may change, so nothing is accepted.
    return refuse('disallowed-path', 'the current args could not be read to compare the proposal with', copied.value, reason);
  }
  if (disallowed !== undefined) return refuse('disallowed-path', disallowed, args, reason);

  if (plan.argsSchema !== undefined) {
    let parsed: { success: boolean; data?: unknown; error?: unknown };
    try {
      parsed = plan.argsSchema.safeParse(args);
    } catch (error) {
      return refuse('schema', `argsSchema threw: ${summariseSchemaError(error)}`, args, reason);
    }
    if (!parsed.success) return refuse('schema', `the proposal does not match argsSchema: ${summariseSchemaError(parsed.error)}`, args, reason);
    args = parsed.data;
  }

  if (plan.accept !== undefined) {
    let accepted: unknown;
    try {
      accepted = await context.wait('the accept guard', plan.accept(context.args, args));
      if (accepted === ABANDONED) return refuse('guard', 'abandoned: the caller aborted or the deadline passed while accept() ran', args, reason);
    } catch (error) {
      return refuse('guard', `accept() threw: ${cutAtTokenBoundary(messageOf(toError(error)), 200)}`, args, reason);
    }
    if (accepted !== true) return refuse('guard', 'accept(original, proposed) refused the proposal', args, reason);
  }

  const proposed = canonicalJson(args);
  if (proposed !== undefined && proposed === canonicalJson(context.args)) {
    return refuse('no-change', 'the proposal equals the args that just failed', args, reason);
  }
  if (proposed !== undefined && context.history.some((entry) => canonicalJson(entry.proposedArgs) === proposed)) {
    return refuse('repeat', 'the proposal was already tried', args, reason);
  }
  return { ok: true, args, reason };
}

function refuse(rejection: ProposalRejection, detail: string, proposedArgs: unknown, reason: string): ProposalCheck {
  return { ok: false, rejection, detail, proposedArgs, reason };
}

function hasOwn(value: unknown, key: string): boolean {
  try {
    return value !== null && typeof value === 'object' && Object.hasOwn(value, key);
  } catch {
    return false; // a Proxy whose trap throws: it has no readable args
  }
}

/**
 * A model saw the redacted view: `[REDACTED]` for a secret, a long string cut short, a date as
 * its ISO string. Where the proposal echoes exactly what was shown, it meant "keep this": put the
 * real value back (on the fresh copy, never on the originals).
 */
function restoreMasked(proposed: unknown, context: ProposalContext): unknown {
  let restored = proposed;
  // Outermost first (the walk records a container after its contents): a Map restored whole
  // brings its own fields back, so its inner masks find nothing left to do.
  for (let index = context.masked.length - 1; index >= 0; index--) {
    const { path, shown } = context.masked[index]!;
    const echoed = readPath(restored, path);
    if (echoed !== shown && (typeof shown !== 'object' || shown === null || canonicalJson(echoed) !== canonicalJson(shown))) continue;
    if (shown === undefined && !hasPath(restored, path.slice(0, -1))) continue;
    const original = readPath(context.args, path);
    if (path.length === 0) {
      restored = original;
      continue;
    }
    const parent = readPath(restored, path.slice(0, -1)) as Record<string, unknown>;
    Object.defineProperty(parent, path.at(-1)!, { value: original, enumerable: true, writable: true, configurable: true });
  }
  return restored;
}

function hasPath(value: unknown, path: readonly string[]): boolean {
  const node = readPath(value, path);
  return path.length === 0 ? value !== null && typeof value === 'object' : node !== null && typeof node === 'object';
}

/**
 * The first change outside what may change, described; `undefined` when every change is allowed.
 * What the reflector never saw whole (a secret, a cut string) may change only where
 * `mutablePaths` was given explicitly and names it without a wildcard (a parent path is not
 * enough: neither `'user'` nor `'user.*'` opens `'user.password'`).
 */
function firstDisallowedChange(context: ProposalContext, proposed: unknown, explicit: boolean): string | undefined {
  for (const path of changedPaths(context.args, proposed)) {
    if (context.mutablePaths !== undefined && !context.mutablePaths.some((pattern) => isUnder(path, pattern))) {
      return `the proposal changes ${formatPath(path)}, which may not change (may change: ${context.mutablePaths.map(formatPath).join(', ')})`;
    }
    const hidden = context.masked.find((mask) => mask.hidden && (isUnder(path, mask.path) || isUnder(mask.path, path)));
    // Named explicitly: a pattern without wildcards that reaches down to the hidden value itself.
    const listed = explicit && hidden !== undefined && context.mutablePaths!.some((pattern) =>
      !hasWildcard(pattern) && pattern.length >= hidden.path.length && isUnder(path, pattern));
    if (hidden !== undefined && !listed) {
      const what = hidden.shown === '[REDACTED]' ? 'holds a redacted secret' : 'was shown to the reflector only in part';
      return `the proposal changes ${formatPath(path)}, which ${what} (list it in mutablePaths to allow it)`;
    }
  }
  return undefined;
}
