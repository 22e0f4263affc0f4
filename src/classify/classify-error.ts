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
 * The built-in rules for one error, in order of precedence: the library's own errors and the
 * caller's abort; the client families (`families/index.ts`); the server's `x-should-retry`;
 * the HTTP status; connection codes; the kind of error; the message. `undefined` when none matched.
 */
function classifyOne(error: unknown, facts: ErrorFacts): Classification | undefined {
  const own = classifyOwnErrors(error, facts);
  if (own !== undefined) return own;
  for (const family of CLIENT_FAMILIES) {
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
    classifyByShape(error, facts) ?? classifyByMessage(facts.message);
}

/**
 * Classifies `error` by the built-in rules; when nothing about it matches, its `cause` does (at
 * most {@link MAX_CAUSE_DEPTH} levels down, with the reason saying so). `undefined` when nothing
 * matched at any depth.
 */
export function classifyByDefaults(error: unknown, facts: ErrorFacts = readErrorFacts(error)): FoundVerdict | undefined {
  let current = error;
  let currentFacts = facts;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    const classification = classifyOne(current, currentFacts);
    if (classification !== undefined) {
      if (depth > 0) classification.reason = `cause${depth > 1 ? ` (${depth} levels down)` : ''}: ${classification.reason}`;
      return { classification, facts: currentFacts };
    }
    current = innerError(current);
    if (current === undefined || current === null) return undefined;
    currentFacts = readErrorFacts(current);
  }
  return undefined;
}
