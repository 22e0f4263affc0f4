import { isThenable } from '../core/guards.js';
import { AttemptTimeoutError } from '../errors.js';
import type { Execution } from '../pipeline/execution.js';

/** What {@link boundedWait} resolves when the caller aborted or the deadline passed first. */
export const ABANDONED: unique symbol = Symbol('abandoned');

/**
 * The one rule for waiting inside an execution: every await of user code or of an outside store
 * (a snapshot, a budget's answer, a proposal guard, ...) goes through here and is raced against
 * the caller's signal and `deadlineMs`. When either wins, the execution stops (`aborted`, with the
 * abort reason as its error, or `deadline`), `what` is named in the stop's detail, the late
 * outcome is observed and dropped (never an unhandled rejection), and this resolves
 * {@link ABANDONED}. A value that is not a promise is returned as it is: no async step.
 *
 * What goes through here: fn's attempts (through their limit), the rollback snapshot, the accept
 * guard, the reflector, a retry budget's `tryWithdraw`, the bulkhead queue, the fallbacks and a
 * user's own strategies (custom-strategies.ts). Not
 * awaited at all, so nothing to bound: a retry budget's `deposit` and a feature's health check
 * (both run in the background).
 *
 * The exception, and it lives here so it is stated once: undo steps (`compensate`, `restore`)
 * are not raced. Cutting an undo short would leave the state half undone, which is worse than a
 * late result; they run to the end even after an abort or the deadline (docs/recovery.md), and
 * nothing new starts after them.
 */
export function boundedWait<T>(run: Execution, what: string, pending: T | PromiseLike<T>): T | Promise<T | typeof ABANDONED> {
  if (!isThenable(pending)) return pending;
  const { deadlineMs, clock } = run.plan;
  const { signal } = run;
  if (signal === undefined && deadlineMs === undefined) return Promise.resolve(pending);
  if (signal?.aborted === true) return Promise.resolve(abandon(run, what, pending, 'aborted'));
  const remainingMs = deadlineMs === undefined ? undefined : deadlineMs - run.elapsedMs();
  if (remainingMs !== undefined && remainingMs <= 0) return Promise.resolve(abandon(run, what, pending, 'deadline'));
  return new Promise<T | typeof ABANDONED>((resolve, reject) => {
    let timer: unknown;
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    };
    const onAbort = () => {
      done();
      resolve(abandon(run, what, pending, 'aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (remainingMs !== undefined) {
      timer = clock.setTimeout(() => {
        done();
        resolve(abandon(run, what, pending, 'deadline'));
      }, remainingMs);
    }
    Promise.resolve(pending).then(
      (value) => { done(); resolve(value); },
      (error: unknown) => { done(); reject(error); },
    );
  });
}

function abandon(run: Execution, what: string, pending: PromiseLike<unknown>, why: 'aborted' | 'deadline'): typeof ABANDONED {
  Promise.resolve(pending).then(undefined, () => {}); // its late rejection must not go unhandled
  // An aborted execution's error becomes the abort reason when it finishes (Execution.finish).
  if (why === 'aborted') run.stop('aborted', `the caller aborted while waiting for ${what}`);
  else {
    // Nothing failed before the deadline (a snapshot, a queue): the deadline is the error, so a
    // fallback that runs next is handed one, as the result is.
    if (run.error === undefined) run.fail(AttemptTimeoutError.create(run.plan.deadlineMs!));
    run.stop('deadline', `deadlineMs (${run.plan.deadlineMs} ms) passed while waiting for ${what}`);
  }
  return ABANDONED;
}
