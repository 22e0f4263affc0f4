import type { Classification } from '../classify/classification.js';

/**
 * One earlier reflection of the same execution, given to the reflector so it does not propose
 * the same thing twice.
 *
 * @example
 * ```ts
 * const tried = request.history.map((entry) => entry.proposedArgs);
 * ```
 */
export interface ReflectionHistoryEntry {
  /** The attempt whose failure was reflected on. */
  attempt: number;
  /** The message of that failure. */
  error: string;
  /** What the reflector proposed (`undefined` if it proposed nothing). */
  proposedArgs: unknown;
  /** Whether the proposal was accepted and executed. */
  accepted: boolean;
  /** The reflector's reason, or why the proposal was rejected. */
  reason: string;
}

/**
 * What a reflector is asked.
 *
 * @example
 * ```ts
 * const reflector: Reflector = async ({ error, args }) => ({ args: fix(args, error), reason: 'fixed' });
 * ```
 */
export interface ReflectionRequest<A = unknown> {
  error: Error;
  classification: Classification;
  /** The args that failed. Treat as read-only: propose new args instead. */
  args: A;
  /** The attempt that failed (1-based). */
  attempt: number;
  history: readonly ReflectionHistoryEntry[];
  /** Aborts when the caller aborts; pass it to your LLM client. */
  signal: AbortSignal;
}

/**
 * A reflector's answer: repaired args and why. Return `null` (or nothing) to give up.
 *
 * @example
 * ```ts
 * const proposal: ReflectionProposal = { args: { date: '2026-01-19' }, reason: 'use ISO 8601' };
 * ```
 */
export interface ReflectionProposal<A = unknown> {
  args: A;
  reason: string;
}

/**
 * Proposes repaired arguments for a call that failed with a `recoverable` error. It may be an
 * LLM call or plain code. Its proposals are untrusted: they are copied into fresh objects,
 * stripped of prototype keys, validated with `argsSchema`, and only then executed.
 *
 * @example
 * ```ts
 * const fixDate: Reflector<{ date: string }> = async ({ error, args }) => {
 *   if (!/invalid date/i.test(error.message)) return null;
 *   const [m, d, y] = args.date.split('-');
 *   return { args: { date: `${y}-${m}-${d}` }, reason: 'MM-DD-YYYY to ISO 8601' };
 * };
 * ```
 */
export type Reflector<A = unknown> = (
  request: ReflectionRequest<A>,
) => Promise<ReflectionProposal<A> | null | undefined> | ReflectionProposal<A> | null | undefined;
