import { AttemptContextImpl, raceWithSignal } from '../timeout/attempt-context.js';
import type { Execution } from '../pipeline/execution.js';
import type { FallbackContext } from '../pipeline/options.js';
import { attemptLimitMs } from '../timeout/attempt-limit.js';
import { toError } from '../errors.js';

/** The reason a losing call is aborted with. */
const LOST = new Error('self-healing: the hedged race was won by the other call');

/**
 * Races a slow attempt against a hedge started after `hedge.delayMs`: another call of fn (with
 * its own signal and time limit) or the first fallback. Settles with the first success and
 * aborts the other call; when both fail, rejects with the attempt's own error. The loser's late
 * outcome is observed and dropped, never unhandled.
 */
export function hedge(run: Execution, first: PromiseLike<unknown>): Promise<unknown> {
  const { plan } = run;
  const options = plan.hedge!;
  const firstContext = run.attemptContext!;
  const attempt = run.attempts;
  return new Promise<unknown>((resolve, reject) => {
    let done = false;
    let hedged = false;
    let firstError: unknown;
    let pending = 1;
    let hedgeContext: AttemptContextImpl | undefined;
    let timer: unknown = plan.clock.setTimeout(startHedge, options.delayMs);

    const win = (value: unknown, byHedge: boolean) => {
      if (done) return;
      done = true;
      plan.clock.clearTimeout(timer);
      if (byHedge) firstContext.abort(LOST);
      else hedgeContext?.abort(LOST);
      hedgeContext?.dispose();
      if (hedged) {
        run.record({ kind: 'hedge', attempt, succeeded: true, reason: byHedge ? 'hedge_won' : 'first_won',
          detail: byHedge ? `the hedge (${options.with ?? 'attempt'}) won the race; attempt ${attempt} was aborted` : `attempt ${attempt} won the race; the hedge was aborted` });
      }
      if (byHedge && options.with === 'fallback') {
        // The fallback served: the result says so, and the breaker and lastGood cache ignore it.
        run.hedgeServedByFallback = true;
        run.fallbackServed = true;
        run.servedBy = run.fallbacks()[0]!.name ?? 'fallback #1';
      }
      resolve(value);
    };
    const lose = (error: unknown, isFirst: boolean) => {
      if (done) return;
      if (isFirst) firstError = error;
      if (--pending > 0) return; // the other call may still win
      if (timer !== undefined) plan.clock.clearTimeout(timer); // failed before the hedge started
      done = true;
      hedgeContext?.dispose();
      reject(firstError ?? error);
    };

    function startHedge(): void {
      timer = undefined;
      if (done) return;
      pending++;
      hedged = true;
      run.record({ kind: 'hedge', attempt, delayMs: options.delayMs,
        detail: `attempt ${attempt} was still running after ${options.delayMs} ms: started a hedged ${options.with ?? 'attempt'}` });
      let second: unknown;
      // Either hedge has the attempt's time limit (its timeout, cut to what is left of the
      // deadline): a hedge that never answers must not keep the race, and the call, open.
      hedgeContext = new AttemptContextImpl(attempt, run.signal);
      if (plan.limitsAttempts) hedgeContext.startTimeout(plan.clock, attemptLimitMs(run));
      try {
        if (options.with === 'fallback') {
          const fallback = run.fallbacks()[0]!;
          const ctx: FallbackContext = { attempt, signal: hedgeContext.signal, error: new Error(`attempt ${attempt} was slower than ${options.delayMs} ms`) };
          second = fallback.call(run.args, ctx);
        } else {
          const fn = run.fn; // called as a plain function, never as a method of the execution
          second = fn(run.args, hedgeContext);
        }
      } catch (thrown) {
        second = Promise.reject(thrown);
      }
      const raced = hedgeContext.abortable ? raceWithSignal(Promise.resolve(second), hedgeContext.signal) : Promise.resolve(second);
      raced.then((value) => win(value, true), (error: unknown) => lose(toError(error), false));
    }

    Promise.resolve(first).then((value) => win(value, false), (error: unknown) => lose(error, true));
  });
}
