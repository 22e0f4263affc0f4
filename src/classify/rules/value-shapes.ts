import type { Classification } from '../classification.js';
import { isInstance } from '../../core/guards.js';
import type { ErrorFacts } from '../error-facts.js';
import { readProperty } from '../error-facts.js';
import { verdict } from '../verdict.js';

function isZodLikeError(error: unknown, facts: ErrorFacts): boolean {
  return facts.name === 'ZodError' || facts.name === '$ZodError' ||
    (isInstance(error, Error) && Array.isArray(readProperty(error, 'issues')));
}

/**
 * What the kind of error says when no client family, status or code did: a timeout by name
 * (`AbortSignal.timeout`, ky), malformed JSON, a schema failure, and a `TypeError` the called code
 * raised itself (it was handed a value of the wrong type). The TypeError rule comes before the
 * message patterns: "reading 'timeout'" is a type mismatch, not a timeout.
 */
export function classifyByShape(error: unknown, facts: ErrorFacts): Classification | undefined {
  if (facts.name === 'TimeoutError') return verdict('transient', 'timeout', 'TimeoutError');
  if (facts.name === 'SyntaxError' || isInstance(error, SyntaxError)) return verdict('recoverable', 'malformed_output', 'SyntaxError');
  if (isZodLikeError(error, facts)) return verdict('recoverable', 'invalid_arguments', 'schema validation failed');
  if (facts.name === 'ValidationError') return verdict('recoverable', 'invalid_arguments', 'ValidationError');
  if (facts.name === 'TypeError' || isInstance(error, TypeError)) return verdict('recoverable', 'type_mismatch', 'TypeError');
  return undefined;
}
