/**
 * 2. A 429 that honours Retry-After. The service answers the first request to /rates with
 *    429 Too Many Requests and `Retry-After: 1`. The classifier reads the header from the
 *    error's `headers`, and the pipeline waits exactly that long instead of its own backoff.
 */
import { executeWithHealing } from '../src/index.js';
import { getJson } from './http-json.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

export interface RateLimitOptions extends ScenarioOptions {
  /** The `Retry-After` the service sends, in seconds. Default 1. */
  retryAfterSeconds?: number;
}

export async function rateLimitRetryAfter(baseUrl: string, options: RateLimitOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const expectedDelayMs = Math.ceil(retryAfterSeconds * 1000);
  const startedAt: number[] = [];

  const result = await executeWithHealing(
    async ({ base }: { base: string }, { signal }) => {
      startedAt.push(performance.now());
      return getJson(`${baseUrl}/rates?base=${base}&retry_after=${retryAfterSeconds}`, signal);
    },
    { base: 'EUR' },
    { retry: { maxAttempts: 3, minDelayMs: 50 } },
  );
  log(formatResult(result));

  const retry = result.healingActions.find((a) => a.kind === 'retry');
  const waitedMs = startedAt.length >= 2 ? Math.round(startedAt[1]! - startedAt[0]!) : NaN;
  log(`    the retry waited delayMs = ${retry?.delayMs} ms (Retry-After: ${retryAfterSeconds}); measured gap between attempts: ${waitedMs} ms`);

  const expect = new Expectations();
  expect.equal('status', result.status, 'ok');
  expect.equal('attempts', result.attempts, 2);
  expect.equal('healed', result.healed, true);
  expect.equal('action kinds', result.healingActions.map((a) => a.kind), ['retry']);
  expect.equal('retry category', retry?.category, 'rate_limit');
  expect.equal('retry delayMs (from Retry-After)', retry?.delayMs, expectedDelayMs);
  // The wait includes the first request's round trip, so allow a little slack above, almost none below.
  expect.that(`the second attempt started ~${expectedDelayMs} ms after the first`,
    waitedMs >= expectedDelayMs - 5 && waitedMs < expectedDelayMs + 500, `${waitedMs} ms`);
  return expect.report(`a 429 waits for Retry-After (${retryAfterSeconds} s) before retrying`);
}
