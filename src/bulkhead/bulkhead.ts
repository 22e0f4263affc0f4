import type { Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { bulkheadConfigSchema, type BulkheadConfig } from './bulkhead-options.js';
import type { BulkheadRejection } from './bulkhead-rejected-error.js';

/**
 * What waiting for a bulkhead slot ended with.
 * @example
 * ```ts
 * const admission: Admission = await bulkhead.wait(systemClock, signal);
 * if (admission === 'admitted') try { await work(); } finally { bulkhead.release(); }
 * ```
 * @inline
 */
export type Admission = 'admitted' | BulkheadRejection | 'aborted';

interface Waiter {
  admit: (outcome: Admission) => void;
}

/**
 * Limits how many executions run at once, with a bounded FIFO queue, so that one slow
 * dependency cannot take every connection, socket or worker. Share one instance between the
 * pipelines that call the same dependency; a config object in `bulkhead` gets its own.
 *
 * @example
 * ```ts
 * const db = new Bulkhead({ maxConcurrent: 10, maxQueue: 50, queueTimeoutMs: 2_000 });
 * const reads = new HealingPipeline({ bulkhead: db });
 * const writes = new HealingPipeline({ bulkhead: db, retry: { maxAttempts: 1 } });
 * ```
 */
export class Bulkhead {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly queueTimeoutMs: number | undefined;
  private running = 0;
  private readonly queue: Waiter[] = [];

  /** @throws {HealingConfigError} for limits that are not whole numbers in range. */
  constructor(config: BulkheadConfig) {
    const valid = parseWith(bulkheadConfigSchema, config, 'bulkhead');
    this.maxConcurrent = valid.maxConcurrent;
    this.maxQueue = valid.maxQueue ?? 0;
    this.queueTimeoutMs = valid.queueTimeoutMs;
  }

  /** Executions running now. */
  get active(): number {
    return this.running;
  }

  /** Executions waiting for a slot now. */
  get queued(): number {
    return this.queue.length;
  }

  /** Takes a slot if one is free. */
  tryAcquire(): boolean {
    if (this.running >= this.maxConcurrent) return false;
    this.running++;
    return true;
  }

  /**
   * Waits in the queue for a slot. Resolves `'admitted'` (the slot is taken: call `release()`),
   * `'full'` at once when the queue is full, `'queue_timeout'`, or `'aborted'` when `signal` aborts.
   */
  wait(clock: Clock, signal: AbortSignal | undefined): Promise<Admission> {
    if (this.tryAcquire()) return Promise.resolve('admitted');
    if (this.queue.length >= this.maxQueue) return Promise.resolve('full');
    if (signal?.aborted === true) return Promise.resolve('aborted');
    return new Promise<Admission>((resolve) => {
      let timer: unknown;
      const onAbort = () => waiter.admit('aborted');
      const waiter: Waiter = {
        admit: (outcome) => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          else if (outcome !== 'admitted') return; // already admitted: a late abort or timeout changes nothing
          if (timer !== undefined) clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.queue.push(waiter);
      if (this.queueTimeoutMs !== undefined) timer = clock.setTimeout(() => waiter.admit('queue_timeout'), this.queueTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Holds one more slot until `running` settles: an attempt abandoned at its timeout still runs,
   * and must keep counting against the limit (even above it) so new calls wait for it to end.
   */
  holdUntilSettled(running: PromiseLike<unknown>): void {
    this.running++;
    const release = () => this.release();
    running.then(release, release);
  }

  /** Frees a slot: the first waiter in the queue takes it over, if the limit allows. */
  release(): void {
    this.running--;
    // Slots held by abandoned attempts can keep `running` at or above the limit: then nobody is
    // admitted until enough of them have ended.
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      this.running++;
      this.queue[0]!.admit('admitted');
    }
  }
}
