import type { Classification } from '../classification.js';
import type { ErrorFacts } from '../error-facts.js';

/**
 * What one client library's errors mean, read by duck typing on the fields that library
 * documents (a family never imports its client). One family per file in this folder; the
 * classifier asks the families in the order of `families/index.ts`, after the library's own
 * errors and the caller's abort, and before the generic HTTP status, network code and message
 * rules, so a provider's own code wins over the status it came with.
 *
 * `classify` must never throw (read fields with `readProperty`) and must run in time linear in
 * the size of the error. It returns `undefined` when the error is not this family's, or is but
 * says nothing more than its HTTP status (the generic rules then decide).
 */
export interface ClientFamily {
  /** The client(s) covered, for the classification's `reason` and the docs table: `'AWS SDK v3'`. */
  readonly name: string;
  classify(error: unknown, facts: ErrorFacts): Classification | undefined;
}
