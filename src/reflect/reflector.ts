import type { Classification } from '../classify/classification.js';
import type { ArgsSchema } from './reflect-options.js';

/**
 * One earlier reflection of the same execution, given to the reflector so it does not propose
 * the same thing twice.
 *
 * @example
 * ```ts
 * const tried = request.history.map((entry) => entry.proposedArgs);
 * ```
 * @inline
 */
export interface ReflectionHistoryEntry {
  /** The attempt whose failure was reflected on. */
  attempt: number;
  /** The (redacted) message of that failure. */
  error: string;
  /** What the reflector proposed (`undefined` if it proposed nothing readable). */
  proposedArgs: unknown;
  /** Whether the proposal was accepted and executed. */
  accepted: boolean;
  /** The reflector's reason, or why the proposal was rejected. */
  reason: string;
  /** The check that refused the proposal (`'schema'`, `'disallowed-path'`, ...); absent when accepted. */
  rejection?: string;
}

/**
 * What a reflector may show to anything outside the process (an LLM): the failure and the args
 * with secrets replaced by `[REDACTED]`, stack frames stripped and long messages truncated, as
 * the `redact` option says. `createLLMReflector` builds its prompt from this view only.
 *
 * @example
 * ```ts
 * const prompt = `Error: ${request.redacted.error}\nArgs: ${JSON.stringify(request.redacted.args)}`;
 * ```
 * @inline
 */
export interface RedactedReflectionView {
  /** The error message, redacted (secret patterns and any secret value found in the args). */
  error: string;
  /** A JSON-safe copy of the args with secrets replaced by `[REDACTED]`. */
  args: unknown;
  /** The history, with every proposal redacted the same way. */
  history: readonly ReflectionHistoryEntry[];
  /**
   * `mutablePaths`, each redacted as the message is: a path taken from a validation error's
   * issues names keys of the data, and a key can be a secret (an API key used as a map's key).
   */
  mutablePaths?: readonly string[] | undefined;
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
  /** The failure, as thrown. In-process code may read it; send only `redacted.error` elsewhere. */
  error: Error;
  classification: Classification;
  /** The args that failed. Treat as read-only: propose new args instead. Send only `redacted.args` elsewhere. */
  args: A;
  /** The attempt that failed (1-based). */
  attempt: number;
  history: readonly ReflectionHistoryEntry[];
  /** Aborts when the caller aborts or the reflection passes `reflectionTimeoutMs`; pass it to your LLM client. */
  signal: AbortSignal;
  /** The failure, args and history as they may leave the process. */
  redacted: RedactedReflectionView;
  /** The paths a proposal may change (dot form, `*` for any key); `undefined` means any path. Send only `redacted.mutablePaths` elsewhere. */
  mutablePaths: readonly string[] | undefined;
  /** The pipeline's `argsSchema`, if any (an LLM reflector turns it into JSON Schema for the model). */
  argsSchema: ArgsSchema | undefined;
}

/**
 * What a reflection cost, reported by a reflector so `reflectionBudget` can stop reflecting.
 *
 * @example
 * ```ts
 * const usage: ReflectionUsage = { tokens: 812, costUsd: 0.0004 };
 * ```
 */
export interface ReflectionUsage {
  tokens?: number;
  costUsd?: number;
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
  usage?: ReflectionUsage;
}

/**
 * A reflector's answer as raw text (a model's reply): `{"args": ..., "reason": "..."}` as JSON.
 * The pipeline parses it as untrusted input (see `parseProposalText`); prose is refused with
 * reason `parse` and the reflector is asked again.
 *
 * @example
 * ```ts
 * const reply: ReflectionTextProposal = { json: '{"args":{"date":"2026-01-19"},"reason":"ISO"}', usage: { tokens: 90 } };
 * ```
 */
export interface ReflectionTextProposal {
  json: string;
  usage?: ReflectionUsage;
}

/**
 * Proposes repaired arguments for a call that failed with a `recoverable` error. It may be an
 * LLM call or plain code. Its proposals are untrusted: they are parsed and copied into fresh
 * objects, stripped of prototype keys, held to `mutablePaths`, validated with `argsSchema` and
 * `accept`, and only then executed.
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
) =>
  | Promise<ReflectionProposal<A> | ReflectionTextProposal | null | undefined>
  | ReflectionProposal<A>
  | ReflectionTextProposal
  | null
  | undefined;

/**
 * What reflection has cost so far in one execution, given to `reflectionBudget`.
 *
 * @example
 * ```ts
 * const reflectionBudget = (spent: ReflectionSpend) => spent.tokens < 4_000 && spent.costUsd < 0.01;
 * ```
 */
export interface ReflectionSpend {
  /** Reflections already made in this execution. */
  reflections: number;
  /** Tokens reported by the reflector's proposals so far. */
  tokens: number;
  /** Cost reported by the reflector's proposals so far. */
  costUsd: number;
}
