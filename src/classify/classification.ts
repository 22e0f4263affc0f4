import type { Severity } from './severity.js';

/**
 * What to do about a failure.
 * - `transient`: the same call may succeed later; retry with backoff.
 * - `permanent`: it will fail again whatever we do; never retry.
 * - `recoverable`: it fails because of the arguments; retry only with repaired arguments.
 *
 * @example
 * ```ts
 * const disposition: Disposition = classifier.classify(error).disposition;
 * ```
 */
export type Disposition = 'transient' | 'permanent' | 'recoverable';

/**
 * The verdict on one failure.
 *
 * @example
 * ```ts
 * const { disposition, category, severity, retryAfterMs, reason } = classifier.classify(error);
 * // 'transient', 'rate_limit', 'low', 2000, 'HTTP 429'
 * ```
 */
export interface Classification {
  disposition: Disposition;
  /** A short, stable label: `network`, `timeout`, `rate_limit`, `server_error`, `auth`, ... */
  category: string;
  /** How long the server asked us to wait (from `Retry-After`), in ms. */
  retryAfterMs?: number;
  /** Why this verdict, for humans: `HTTP 503`, `code ECONNRESET`, `rule #2`, ... */
  reason: string;
  /**
   * `true` when the error proves the request never reached the server or was not processed by
   * it (a refused connection, a DNS failure, a status or code that says so), so that running a
   * non-idempotent call again cannot do its work twice.
   */
  notProcessed?: boolean;
  /**
   * How bad it is: `'low' | 'medium' | 'high' | 'critical'`, by category unless a rule or the
   * classifier's `severity` option set it. {@link ErrorClassifier} always sets it, and the
   * pipeline gives a verdict of your own {@link Classifier} without one its category's default,
   * so every classification the pipeline hands on (actions, events, `Outcome`, `shouldTrip`)
   * has one.
   */
  severity?: Severity;
}

/**
 * What a classification rule matches: an error class (`instanceof`), a RegExp tested against
 * the message, or a predicate over the thrown value.
 *
 * @example
 * ```ts
 * const byClass: ErrorMatcher = QuotaExceededError;
 * const byMessage: ErrorMatcher = /quota exceeded/i;
 * const byPredicate: ErrorMatcher = (error) => (error as { code?: string }).code === 'E_QUOTA';
 * ```
 */
export type ErrorMatcher =
  | (abstract new (...args: never[]) => unknown)
  | RegExp
  | ((error: unknown) => boolean);

/**
 * A user rule for {@link ErrorClassifier}. User rules are tried before the defaults; the first
 * match wins.
 *
 * @example
 * ```ts
 * classifier.addRule({ match: /quota exceeded/i, disposition: 'permanent', category: 'quota' });
 * classifier.addRule({ match: /ledger mismatch/i, disposition: 'permanent', category: 'ledger', severity: 'critical' });
 * ```
 */
export interface ClassificationRule {
  match: ErrorMatcher;
  disposition: Disposition;
  /** Defaults to `custom`. */
  category?: string;
  /** Defaults to the category's severity (the classifier's `severity` option, else the built-in table; `medium` for a category of your own). */
  severity?: Severity;
}

/**
 * Anything that can classify a failure. {@link ErrorClassifier} is the built-in one; pass your
 * own as the `classifier` option.
 *
 * @example
 * ```ts
 * const everythingTransient: Classifier = {
 *   classify: () => ({ disposition: 'transient', category: 'any', reason: 'always retry' }),
 * };
 * ```
 */
export interface Classifier {
  classify(error: unknown): Classification;
  /**
   * The severity of a category, for what the pipeline classifies without asking (an open
   * circuit's refusal). Optional: without it the built-in table serves. A wrapper around an
   * `ErrorClassifier` should pass its own on.
   */
  severityOf?(category: string): Severity;
}
