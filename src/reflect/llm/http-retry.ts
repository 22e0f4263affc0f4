import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import { ErrorClassifier } from '../../classify/error-classifier.js';
import { sleep, systemClock } from '../../clock.js';
import type { Assert, Same } from '../../config/same-type.js';
import { MAX_MS } from '../../config/schema-helpers.js';

/**
 * Retries of the model's HTTP call, with the same fields (and meaning) as the pipeline's
 * `RetryOptions`, so a `RetryOptions` object fits here unchanged. It is declared here, not
 * imported, because the LLM adapter sits below the pipeline and must not depend on it.
 *
 * How the fields map onto p-retry:
 * - `maxAttempts` (default 3): `retries: maxAttempts - 1`.
 * - `minDelayMs` (default 250), `factor` (default 2), `maxDelayMs` (default 30 000): `minTimeout`,
 *   `factor`, `maxTimeout`.
 * - `jitter`: `'none'`/`false` waits exactly `minDelayMs * factor^n` (capped); any other value
 *   sets `randomize` with `minTimeout: minDelayMs / 2`, so each wait lies in [delay/2, delay]:
 *   `'equal'` jitter, which `'full'` becomes (p-retry cannot wait less than half the delay).
 * - `maxElapsedMs`: a retry whose wait would pass it gives up (not p-retry's `maxRetryTime`, which
 *   shortens the wait and retries anyway).
 * - `maxRetryAfterMs` (default 60 000): a longer `Retry-After`/`retry-after-ms` gives up at once;
 *   a shorter one is waited in full (the longer of it and the backoff), on the real clock.
 *
 * @example
 * ```ts
 * const retry: LLMRetryOptions = { maxAttempts: 5, minDelayMs: 500, jitter: 'none' };
 * ```
 */
export interface LLMRetryOptions {
  /** Every request counts, the first included. Default 3. */
  maxAttempts?: number;
  /** The first backoff delay, in ms. Default 250. */
  minDelayMs?: number;
  /** The longest backoff delay, in ms (a server's `Retry-After` may exceed it). Default 30 000. */
  maxDelayMs?: number;
  /** Growth of the delay per retry. Default 2. */
  factor?: number;
  /** Default `'full'`, done as `'equal'` (see above). */
  jitter?: 'full' | 'equal' | 'none' | boolean;
  /** A budget for all the requests, waits included; a wait that would pass it gives up. Default: none. */
  maxElapsedMs?: number;
  /** The longest `Retry-After` honoured; a longer one gives up at once. Default 60 000. */
  maxRetryAfterMs?: number;
}

/** The library's default classification, so the transport retries exactly what a pipeline would. */
const classifier = new ErrorClassifier();

/** A number check whose every failure (not a number, NaN, out of range) says the one thing expected. */
const numberFrom = (min: number, max: number, message: string) => z.number({ error: message }).min(min, message).max(max, message);
const delayMs = (name: string) => numberFrom(0, MAX_MS, `retry.${name} must be a number of ms from 0 to ${MAX_MS}`);

/**
 * The schema of `retry`, in the words of the pipeline's own checks. Strict: a misspelt field
 * (`maxAttemps`) is refused with a suggestion, never ignored.
 */
export const llmRetryOptionsSchema = z.strictObject({
  maxAttempts: numberFrom(1, 1_000, 'retry.maxAttempts must be an integer from 1 to 1000').int('retry.maxAttempts must be an integer from 1 to 1000').optional(),
  minDelayMs: delayMs('minDelayMs').optional(),
  maxDelayMs: delayMs('maxDelayMs').optional(),
  factor: numberFrom(1, 100, 'retry.factor must be a number from 1 to 100').optional(),
  jitter: z.union([z.enum(['full', 'equal', 'none']), z.boolean()], { error: "retry.jitter must be 'full', 'equal', 'none' or a boolean" }).optional(),
  maxElapsedMs: numberFrom(0, MAX_MS, `retry.maxElapsedMs must be a positive number of ms up to ${MAX_MS}`)
    .positive(`retry.maxElapsedMs must be a positive number of ms up to ${MAX_MS}`).optional(),
  maxRetryAfterMs: delayMs('maxRetryAfterMs').optional(),
}, { error: 'retry must be an object' });

// The interface keeps its field docs; this keeps it and the schema the same.
type _Check = Assert<Same<LLMRetryOptions, z.input<typeof llmRetryOptionsSchema>>>;

/**
 * Runs `request`, retrying the failures the default classifier calls transient (429, 408, 425,
 * 5xx but 501/505, network errors, errors it cannot place) and no other: a 400/422 or a 401/403
 * rejects at once with the request's own error, and so does the model's non-answer (an error
 * with `nonAnswer: true`: a refusal, a 200 that is not JSON or has no content). `signal` ends a wait at once, rejecting with its reason.
 */
export function withHttpRetries<T>(request: () => Promise<T>, retry: LLMRetryOptions = {}, signal?: AbortSignal): Promise<T> {
  const minDelayMs = retry.minDelayMs ?? 250;
  const randomize = retry.jitter !== 'none' && retry.jitter !== false;
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? 60_000;
  const startedAt = performance.now();
  let retryAfterMs: number | undefined; // of the last failure

  const attempt = async (): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      if (signal?.aborted) throw error; // p-retry rejects with the signal's reason
      // The model's non-answer (a refusal, a 200 without a reply) would come again: not transient.
      if (isNonAnswer(error)) throw new AbortError(error as Error);
      const classification = classifier.classify(error);
      const notRetried = classification.disposition !== 'transient' ||
        (classification.retryAfterMs !== undefined && classification.retryAfterMs > maxRetryAfterMs);
      if (notRetried) throw new AbortError(error instanceof Error ? error : new Error(String(error)));
      retryAfterMs = classification.retryAfterMs;
      throw error;
    }
  };

  return pRetry(attempt, {
    retries: (retry.maxAttempts ?? 3) - 1,
    minTimeout: randomize ? minDelayMs / 2 : minDelayMs,
    maxTimeout: retry.maxDelayMs ?? 30_000,
    factor: retry.factor ?? 2,
    randomize,
    signal,
    // p-retry then waits `retryDelay`; the server may have asked for longer.
    onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
      if (retriesLeft === 0) return;
      const extraMs = Math.max(0, (retryAfterMs ?? 0) - retryDelay);
      if (retry.maxElapsedMs !== undefined && performance.now() - startedAt + retryDelay + extraMs > retry.maxElapsedMs) throw error;
      await sleep(systemClock, extraMs, signal);
    },
  });
}

/** `LLMRequestError.nonAnswer`, read without trusting the thrown value's shape. */
function isNonAnswer(error: unknown): boolean {
  try {
    return error instanceof Error && (error as { nonAnswer?: unknown }).nonAnswer === true;
  } catch {
    return false;
  }
}
