import type { Classification } from '../classification.js';
import type { ErrorFacts } from '../error-facts.js';

/**
 * What one client library's errors mean, read by duck typing on the fields that library
 * documents (a family never imports its client). One family per file in this folder; the
 * classifier asks the families in the order of `families/index.ts`, after the library's own
 * errors and the caller's abort, and before the generic HTTP status, network code and message
 * rules, so a provider's own code wins over the status it came with.
 *
 * Every error meets every family, so each family first answers `claims`: a cheap test on the
 * facts already read (a name, a class name, a code's type or prefix) and on at most a few marker
 * fields of its client. Only a family that claims the error runs `classify`.
 */
export interface ClientFamily {
  /** The client(s) covered, for the classification's `reason` and the docs table: `'AWS SDK v3'`. */
  readonly name: string;
  /**
   * Whether the error may be this client's: `false` only where `classify` would return
   * `undefined` anyway (a necessary condition, not a full check), so skipping it changes no
   * verdict. It runs for every error a classifier sees, so it should cost a few comparisons:
   * prefer `facts`, and read at most two or three marker fields, directly (`(error as
   * { $metadata?: unknown }).$metadata`: `readProperty` is several times slower). If a read
   * throws (a hostile getter, a Proxy, `null`), the classifier runs `classify`, which reads safely.
   */
  claims(facts: ErrorFacts, error: unknown): boolean;
  /**
   * The verdict, for an error `claims` accepted. It must never throw (read fields with
   * `readProperty`) and must run in time linear in the size of the error. It returns `undefined`
   * when the error is not this family's, or is but says nothing more than its HTTP status (the
   * generic rules then decide).
   */
  classify(error: unknown, facts: ErrorFacts): Classification | undefined;
}
