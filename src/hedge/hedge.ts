import { AttemptContextImpl, raceWithSignal } from '../timeout/attempt-context.js';
import type { Execution } from '../pipeline/execution.js';
import type { FallbackContext } from '../pipeline/options.js';
import { attemptLimitMs } from '../timeout/attempt-limit.js';
import { toError } from '../errors.js';
import { isThenable } from '../core/guards.js';
import type { Bulkhead } from '../bulkhead/bulkhead.js';

/** The reason a losing call is aborted with. */
const LOST = new Error('self-healing: the hedged race was won by the other call');

/**
 * Races a slow attempt against a hedge started after `hedge.delayMs`: another call of fn (with
 * its own signal and time limit) or the first fallback. Settles with the first success and
 * aborts the other call; when both fail, rejects with the attempt's own error. The loser's late
 * outcome is observed and dropped, never unhandled.
 */
export function hedge(run: Execution, first: PromiseLike<unknown>, firstUnraced: PromiseLike<unknown> | undefined): Promise<unknown> {
  const { plan } = run;
  const options = plan.hedge!;
  const firstContext = run.attemptContext!;
  const attempt = run.attempts;
  // A call of fn the race stops waiting for may still run (fn can ignore its signal): with a
  // bulkhead, it keeps a slot until it ends, as an abandoned attempt does (pipeline/attempt.ts,
  // which does so itself for a first call it raced against its own signal).
  const bulkhead = plan.bulkhead;
  const firstRunning = bulkhead === undefined ? undefined : running(firstUnraced);
  let secondRunning: Running | undefined;
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
      (byHedge ? firstRunning : secondRunning)?.holdSlot(bulkhead!);
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
      const context = hedgeContext;
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
      // Subscribed to once, as the first call is (a query builder runs its query on each `then()`).
      if (isThenable(second) && !(second instanceof Promise)) second = Promise.resolve(second);
      if (bulkhead !== undefined && options.with !== 'fallback') secondRunning = running(second);
      // Raced as the first call is: with `timeoutGraceMs`, a timed-out hedge gets its grace too.
      const deadlineMs = plan.deadlineMs;
      const raced = !context.abortable ? Promise.resolve(second)
        : plan.timeoutGraceMs > 0 ? context.raceWithGrace(Promise.resolve(second), plan.timeoutGraceMs, deadlineMs === undefined ? undefined : () => deadlineMs - run.elapsedMs())
          : raceWithSignal(Promise.resolve(second), context.signal);
      raced.then((value) => win(value, true), (error: unknown) => {
        secondRunning?.holdSlot(bulkhead!); // cut at its limit (or by an abort) while fn may run on
        lose(toError(error), false);
      });
    }

    Promise.resolve(first).then((value) => win(value, false), (error: unknown) => lose(error, true));
  });
}

/** A call of fn while it runs; `holdSlot` keeps a bulkhead slot until it ends, at most once. */
interface Running {
  holdSlot(bulkhead: Bulkhead): void;
}

function running(call: unknown): Running | undefined {
  if (!isThenable(call)) return undefined;
  let settled = false;
  let held = false;
  const ended = () => { settled = true; };
  // Registered before the race's own reactions, so a call that has ended is known to have.
  call.then(ended, ended);
  return {
    holdSlot(bulkhead) {
      if (settled || held) return;
      held = true;
      bulkhead.holdUntilSettled(call);
    },
  };
}
