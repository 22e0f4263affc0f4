import { messageOf, toError } from '../errors.js';
import type { Execution } from '../pipeline/execution.js';
import type { FallbackContext } from '../pipeline/options.js';

const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs the fallbacks in order with the last args, after the primary could not succeed (not after
 * the caller aborted). The first success serves the call. When all fail, the execution's error
 * becomes an `AggregateError` of every failure, the primary's first (also its `cause`).
 */
export async function runFallbacks(run: Execution): Promise<boolean> {
  const { plan } = run;
  if (plan.fallbacks.length === 0 || run.stopReason === 'aborted') return false;
  const primary = run.error!;
  const failures: Error[] = [primary];
  for (let index = 0; index < plan.fallbacks.length; index++) {
    if (plan.signal?.aborted) break;
    const ctx: FallbackContext = { attempt: run.attempts, signal: plan.signal ?? NEVER_ABORTED, error: failures[failures.length - 1]! };
    try {
      run.value = await plan.fallbacks[index]!(run.args, ctx);
      run.fallbackServed = true;
      run.record({ kind: 'fallback', attempt: run.attempts, fallbackIndex: index, succeeded: true,
        detail: `fallback #${index + 1} served the call after the primary failed (${run.stopReason ?? 'unknown'})` });
      return true;
    } catch (thrown) {
      const error = toError(thrown);
      failures.push(error);
      run.record({ kind: 'fallback', attempt: run.attempts, fallbackIndex: index, succeeded: false, error: run.redact(messageOf(error)),
        detail: `fallback #${index + 1} failed` });
    }
  }
  run.error = new AggregateError(failures,
    `The call failed and so did ${failures.length - 1} fallback(s): ${failures.map((error) => run.redact(messageOf(error))).join(' | ')}`,
    { cause: primary });
  return false;
}
