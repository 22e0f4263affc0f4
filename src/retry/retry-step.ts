import pRetry from 'p-retry';
import { runAttempt } from '../pipeline/attempt.js';
import type { Execution } from '../pipeline/execution.js';
import { explain, prepareNextAttempt, reasonNotToRetry } from './next-attempt.js';

/**
 * Thrown into p-retry to say "this attempt failed"; the real error stays on the execution. Made
 * once: it carries no per-call data, and p-retry only needs an `Error` that is not a `TypeError`
 * (which it would refuse to retry).
 */
const ATTEMPT_FAILED = new Error('self-healing: attempt failed');

function succeededOrThrow(ok: boolean): void {
  if (!ok) throw ATTEMPT_FAILED;
}

/**
 * Whether another attempt could heal the failed first one. When not (a refusal, a permanent
 * error, a single allowed attempt), says why on `run` and returns `false`, so the pipeline skips
 * the retry loop without entering it: a refused or permanent call costs no async step here.
 */
export function mayRetry(run: Execution): boolean {
  const finalReason = reasonNotToRetry(run) ?? (run.plan.maxAttempts <= 1 ? 'exhausted' : undefined);
  return finalReason === undefined || run.stop(finalReason, explain(run, finalReason));
}

/**
 * Heals a failed first attempt by further attempts (call it only when {@link mayRetry} says so). p-retry drives the loop and enforces
 * `maxAttempts`; its `shouldRetry` hook is where the classifier, the reflector and the backoff
 * wait decide and prepare each next attempt. Our waits run on the injected clock and honour
 * Retry-After, so p-retry's own delay is off (`minTimeout: 0`).
 *
 * The first attempt already ran on the fast path; p-retry's attempt 1 replays its failure.
 */
export async function retryWithHealing(run: Execution): Promise<boolean> {
  try {
    await pRetry(
      (attemptNumber) => {
        // Attempt 1 already ran: its failure is replayed by a synchronous throw, which p-retry
        // catches at once. A rejected promise would go through Node's rejection tracking (about
        // a microsecond, a tenth of this path).
        if (attemptNumber === 1) throw ATTEMPT_FAILED;
        return runAttempt(run).then(succeededOrThrow);
      },
      {
        retries: run.plan.maxAttempts - 1,
        minTimeout: 0,
        shouldRetry: () => prepareNextAttempt(run),
      },
    );
    return true;
  } catch {
    // Either a step said stop (its reason is on `run`) or p-retry ran out of attempts.
    if (run.stopReason === undefined) {
      const reason = reasonNotToRetry(run) ?? 'exhausted';
      run.stop(reason, explain(run, reason));
    }
    return false;
  }
}
