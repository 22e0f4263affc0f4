import type { Execution } from '../pipeline/execution.js';
import type { AroundStrategy, Step } from '../pipeline/step.js';
import { AttemptTimeoutError } from '../errors.js';
import { BulkheadRejectedError } from './bulkhead-rejected-error.js';
import type { Admission } from './bulkhead.js';

/**
 * The bulkhead: a slot for the whole execution, retries and waits included, freed when it ends;
 * or a wait in its bounded queue. A refused execution never calls fn: it records a `'bulkhead'`
 * action and fails, and the fallbacks (outside this strategy) may still serve it. The execution
 * started when the call came in, so its `durationMs` and `deadlineMs` count the queue too.
 */
export const bulkheadStrategy: AroundStrategy = {
  name: 'bulkhead',
  async run(run: Execution, next: Step): Promise<boolean> {
    const bulkhead = run.plan.bulkhead!;
    const admission = bulkhead.tryAcquire() ? 'admitted' : await waitForSlot(run);
    if (admission === 'admitted') {
      try {
        // A slot given to a queued call in the same turn as its caller's abort: nothing starts.
        if (run.signal?.aborted === true) return abortedInQueue(run);
        return await next(run);
      } finally {
        bulkhead.release();
      }
    }
    if (admission === 'aborted') return abortedInQueue(run);
    if (admission === 'deadline') {
      // The deadline's error, not the bulkhead's: the bulkhead refused nothing (docs/recovery.md).
      run.fail(AttemptTimeoutError.create(run.plan.deadlineMs!));
      return run.stop('deadline', `deadlineMs (${run.plan.deadlineMs} ms) passed while the call waited for a bulkhead slot`);
    }
    run.fail(BulkheadRejectedError.create(admission, bulkhead.maxConcurrent, bulkhead.maxQueue));
    run.record({
      kind: 'bulkhead',
      attempt: 1,
      reason: admission,
      detail: admission === 'full'
        ? `the bulkhead refused the call: ${bulkhead.maxConcurrent} running and ${bulkhead.maxQueue} queued`
        : `the bulkhead refused the call after ${bulkhead.queueTimeoutMs} ms in its queue`,
    });
    run.refused = true;
    return run.stop('bulkhead', admission === 'full' ? 'the bulkhead is full' : 'no bulkhead slot freed up within queueTimeoutMs');
  },
};

function abortedInQueue(run: Execution): false {
  run.fail(run.signal!.reason);
  return run.stop('aborted', 'the caller aborted while the call waited for a bulkhead slot');
}

/**
 * The queue wait, bounded by the caller's signal (the bulkhead's own) and by `deadlineMs`, which
 * counts from the call: the queue is part of the execution's time (the rule of timeout/bounded-wait.ts).
 */
async function waitForSlot(run: Execution): Promise<Admission | 'deadline'> {
  const { bulkhead, deadlineMs, clock } = run.plan;
  const { signal } = run;
  if (deadlineMs === undefined) return bulkhead!.wait(clock, signal);
  const controller = new AbortController();
  const forward = () => controller.abort(signal!.reason);
  if (signal?.aborted === true) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  let passed = false;
  const timer = clock.setTimeout(() => { passed = true; controller.abort(); }, Math.max(0, run.startedAt + deadlineMs - clock.now()));
  try {
    const admission = await bulkhead!.wait(clock, controller.signal);
    return admission === 'aborted' && passed && signal?.aborted !== true ? 'deadline' : admission;
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
}
