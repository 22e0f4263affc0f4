import { isWaitable, waitArgsSchema, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
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
   * Misuse is refused before any slot is taken or any waiter queued, by a rejection with a
   * {@link HealingConfigError} naming `clock` (not a Clock) or `signal` (neither an AbortSignal nor
   * undefined). A clock whose `setTimeout` throws rejects with its error, and leaves nothing queued.
   */
  wait(clock: Clock, signal: AbortSignal | undefined): Promise<Admission> {
    if (!isWaitable(clock, signal)) {
      try {
        parseWith(waitArgsSchema, { clock, signal }, '');
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.tryAcquire()) return Promise.resolve('admitted');
    if (this.queue.length >= this.maxQueue) return Promise.resolve('full');
    if (signal?.aborted === true) return Promise.resolve('aborted');
    return new Promise<Admission>((resolve, reject) => {
      let timer: unknown;
      const onAbort = () => waiter.admit('aborted');
      const waiter: Waiter = {
        admit: (outcome) => {
          if (!this.leave(waiter) && outcome !== 'admitted') return; // already admitted: a late abort or timeout changes nothing
          if (timer !== undefined) clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if (this.queueTimeoutMs !== undefined) timer = clock.setTimeout(() => waiter.admit('queue_timeout'), this.queueTimeoutMs);
      } catch (error) {
        // Nothing of this wait may stay behind: a queued waiter nobody can time out would hold its place for good.
        this.leave(waiter);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      }
    });
  }

  /** Takes `waiter` out of the queue; `false` when it was not in it (already admitted). */
  private leave(waiter: Waiter): boolean {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
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

  /**
   * Frees a slot: the first waiter in the queue takes it over, if the limit allows. Call it once
   * per admission (`tryAcquire()` returning `true`, or `wait()` resolving `'admitted'`).
   *
   * @throws {HealingConfigError} (`release`) when no slot is held (`active` is 0), and changes
   * nothing: a release with nothing to free would let the next caller run above `maxConcurrent`.
   */
  release(): void {
    if (this.running === 0) {
      throw new HealingConfigError('release', 'called with no slot held (active is 0): call release() once per admission ' +
        "(tryAcquire() returned true, or wait() resolved 'admitted'); this call changed nothing");
    }
    this.running--;
    // Slots held by abandoned attempts can keep `running` at or above the limit: then nobody is
    // admitted until enough of them have ended.
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      this.running++;
      this.queue[0]!.admit('admitted');
    }
  }
}
