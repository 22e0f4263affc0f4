import { runFallbacks } from '../fallback/fallback-step.js';
import { Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction } from './options.js';
import type { ExecutionPlan } from './plan.js';
import { runPreparedOrNot } from './run-execution.js';
import { BulkheadRejectedError } from '../bulkhead/bulkhead-rejected-error.js';
import type { Admission } from '../bulkhead/bulkhead.js';

/**
 * An execution inside the plan's bulkhead: it takes a slot (or waits in the queue) for the
 * whole execution, retries and waits included, and frees it when the execution ends. A refused
 * execution never calls fn; it records a `'bulkhead'` action and still runs the fallbacks.
 */
export async function runInBulkhead(plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown): Promise<HealingResult<unknown>> {
  const bulkhead = plan.bulkhead!;
  if (bulkhead.tryAcquire()) return runAndRelease(plan, fn, args, undefined);
  const queuedAt = plan.clock.now();
  const admission = await waitForSlot(plan);
  if (admission === 'admitted') return runAndRelease(plan, fn, args, queuedAt);

  const run = new Execution(plan, fn, args, queuedAt);
  if (admission === 'aborted') {
    run.fail(plan.signal!.reason);
    run.stop('aborted', 'the caller aborted while the call waited for a bulkhead slot');
    return run.finish(false);
  }
  if (admission === 'deadline') {
    run.fail(BulkheadRejectedError.create('queue_timeout', bulkhead.maxConcurrent, bulkhead.maxQueue));
    run.stop('deadline', `deadlineMs (${plan.deadlineMs} ms) passed while the call waited for a bulkhead slot`);
    return run.finish(false);
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
  run.stop('bulkhead', admission === 'full' ? 'the bulkhead is full' : 'no bulkhead slot freed up within queueTimeoutMs');
  run.refused = true;
  return run.finish(await runFallbacks(run));
}

/**
 * The queue wait, bounded by the caller's signal (the bulkhead's own) and by `deadlineMs`, which
 * counts from the call: the queue is part of the execution's time (the rule of timeout/bounded-wait.ts).
 */
async function waitForSlot(plan: ExecutionPlan): Promise<Admission | 'deadline'> {
  const { bulkhead, deadlineMs, clock, signal } = plan;
  if (deadlineMs === undefined) return bulkhead!.wait(clock, signal);
  const controller = new AbortController();
  const forward = () => controller.abort(signal!.reason);
  if (signal?.aborted === true) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  let passed = false;
  const timer = clock.setTimeout(() => { passed = true; controller.abort(); }, deadlineMs);
  try {
    const admission = await bulkhead!.wait(clock, controller.signal);
    return admission === 'aborted' && passed && signal?.aborted !== true ? 'deadline' : admission;
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
}

/**
 * Runs the execution in the slot it holds. One that queued started when it was queued: its
 * `durationMs` includes the queue, and `deadlineMs` counts from the call, not from admission.
 */
async function runAndRelease(plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, queuedAt: number | undefined): Promise<HealingResult<unknown>> {
  try {
    return await runPreparedOrNot(plan, fn, args, queuedAt);
  } finally {
    plan.bulkhead!.release();
  }
}
