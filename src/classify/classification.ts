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
 * const { disposition, category, retryAfterMs, reason } = classifier.classify(error);
 * // 'transient', 'rate_limit', 2000, 'HTTP 429'
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
 * ```
 */
export interface ClassificationRule {
  match: ErrorMatcher;
  disposition: Disposition;
  /** Defaults to `custom`. */
  category?: string;
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
}
