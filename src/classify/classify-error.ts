import type { Classification } from './classification.js';
import { CLIENT_FAMILIES } from './families/index.js';
import { innerError, readErrorFacts, type ErrorFacts } from './error-facts.js';
import { classifyByStatus } from './rules/http-status.js';
import { classifyByMessage } from './rules/message-rules.js';
import { isNetworkCode, networkVerdict } from './rules/network-codes.js';
import { classifyOwnErrors } from './rules/own-errors.js';
import { classifyByShouldRetry } from './rules/should-retry-header.js';
import { classifyByShape } from './rules/value-shapes.js';

/** How many wrappers deep a cause is followed when the wrapper itself says nothing. */
export const MAX_CAUSE_DEPTH = 4;

/** A verdict and the facts of the error (the thrown one, or a cause of it) that gave it. */
export interface FoundVerdict {
  classification: Classification;
  facts: ErrorFacts;
}

/**
 * The rules that read what an error carries (not its wording), in order of precedence: the
 * library's own errors and the caller's abort; the client families (`families/index.ts`); the
 * server's `x-should-retry`; the HTTP status; connection codes; the kind of error.
 */
function classifyByFields(error: unknown, facts: ErrorFacts): Classification | undefined {
  const own = classifyOwnErrors(error, facts);
  if (own !== undefined) return own;
  for (const family of CLIENT_FAMILIES) {
    let claimed: boolean;
    try {
      claimed = family.claims(facts, error);
    } catch {
      claimed = true; // a field that throws on a direct read: `classify` reads it safely
    }
    if (!claimed) continue; // the family would say nothing: its matcher is not run
    let verdict: Classification | undefined;
    try {
      verdict = family.classify(error, facts);
    } catch {
      verdict = undefined; // a family must not throw; if one does, the generic rules still decide
    }
    if (verdict !== undefined) return verdict;
  }
  return classifyByShouldRetry(facts) ?? classifyByStatus(facts) ??
    (facts.code !== undefined && isNetworkCode(facts.code) ? networkVerdict(facts.code, error) : undefined) ??
    classifyByShape(error, facts);
}

/** The error and the errors it wraps (`cause`, at most {@link MAX_CAUSE_DEPTH} levels), with their facts. */
function chainOf(error: unknown, facts: ErrorFacts, inner: unknown): ErrorFacts[] & { errors: unknown[] } {
  const chain = Object.assign([facts], { errors: [error] });
  let current = inner;
  while (chain.length <= MAX_CAUSE_DEPTH && current !== undefined && current !== null && !chain.errors.includes(current)) {
    chain.errors.push(current);
    chain.push(readErrorFacts(current));
    current = innerError(current);
  }
  return chain;
}

/**
 * Classifies `error` by the built-in rules. What an error carries (a status, a code, a client's
 * shape) is read first on the error, then on each error it wraps; only then is the wording read,
 * outermost first: a wrapper's message ("Failed after 2 attempts. Last error: ...") says less
 * than the status its cause carries. The reason says when a cause decided. `undefined` when
 * nothing matched at any depth.
 */
export function classifyByDefaults(error: unknown, facts: ErrorFacts = readErrorFacts(error)): FoundVerdict | undefined {
  // Most errors are decided by their own fields: then no cause is read at all.
  const byOwnFields = classifyByFields(error, facts);
  if (byOwnFields !== undefined) return { classification: byOwnFields, facts };
  const inner = innerError(error);
  if (inner === undefined || inner === null) {
    // No cause (most errors): only the message is left to read, and no chain is built for it.
    const byMessage = classifyByMessage(facts.message);
    return byMessage === undefined ? undefined : { classification: byMessage, facts };
  }
  const chain = chainOf(error, facts, inner);
  for (let depth = 1; depth < chain.length; depth++) {
    const classification = classifyByFields(chain.errors[depth], chain[depth]!);
    if (classification !== undefined) return foundAt(depth, classification, chain[depth]!);
  }
  for (let depth = 0; depth < chain.length; depth++) {
    const classification = classifyByMessage(chain[depth]!.message);
    if (classification !== undefined) return foundAt(depth, classification, chain[depth]!);
  }
  return undefined;
}

/** The verdict found `depth` causes down, its reason saying so. */
function foundAt(depth: number, classification: Classification, facts: ErrorFacts): FoundVerdict {
  if (depth > 0) classification.reason = `cause${depth > 1 ? ` (${depth} levels down)` : ''}: ${classification.reason}`;
  return { classification, facts };
}
