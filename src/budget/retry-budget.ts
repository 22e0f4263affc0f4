import type { Clock } from '../clock.js';
import { clockSchema, systemClock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { retryBudgetConfigSchema, type RetryBudgetConfig } from './retry-budget-options.js';

/**
 * Limits retries to a share of recent traffic, so that an outage does not multiply the load on
 * what is already down. The pipeline calls `deposit()` once per execution (one call of base
 * traffic) and `tryWithdraw()` before every retry; a `false` ends healing with the give-up
 * reason `budget`. Implement it yourself to share one budget across processes (e.g. in Redis):
 * both methods may be async. A `tryWithdraw` that throws or rejects counts as spent; a
 * `deposit` that does is ignored.
 *
 * @example
 * ```ts
 * const shared: RetryBudget = { deposit: () => redis.incr('calls'), tryWithdraw: async () => (await redis.eval(takeRetryScript)) === 1 };
 * const pipeline = new HealingPipeline({ retryBudget: shared });
 * ```
 */
export interface RetryBudget {
  /** Records one call of base traffic (an execution), which earns `ratio` of a retry. Not awaited. */
  deposit(): void | PromiseLike<unknown>;
  /** Takes one retry from the budget; `false` when it is spent (then the retry does not happen). */
  tryWithdraw(): boolean | PromiseLike<boolean>;
}

/** Buckets per window: the window slides in steps of a tenth. */
const BUCKETS = 10;

/**
 * The built-in {@link RetryBudget}: over a sliding window (ten buckets), retries may not exceed
 * `ratio` x calls + `minRetries`. Costs two counters per bucket and no timer.
 *
 * @example
 * ```ts
 * const budget = new SlidingWindowRetryBudget({ ratio: 0.1, minRetries: 5 });
 * const a = new HealingPipeline({ retryBudget: budget });
 * const b = new HealingPipeline({ retryBudget: budget }); // a and b share it
 * ```
 */
export class SlidingWindowRetryBudget implements RetryBudget {
  readonly ratio: number;
  readonly minRetries: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  private readonly bucketMs: number;
  private readonly calls = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  /** The bucket number (time / bucketMs) each slot currently holds. */
  private readonly slotBucket = new Float64Array(BUCKETS).fill(-1);

  /**
   * @throws {HealingConfigError} for a negative ratio, a negative floor or a non-positive window,
   * and (`clock`) for a clock that is not a {@link Clock}: checked now, since a broken `now()`
   * would only show later, as every retry refused as if the budget were spent.
   */
  constructor(config: Omit<RetryBudgetConfig, 'scope'> = {}, clock: Clock = systemClock) {
    const valid = parseWith(retryBudgetConfigSchema, config, 'retryBudget');
    this.clock = parseWith(clockSchema, clock, 'clock');
    this.ratio = valid.ratio ?? 0.1;
    this.minRetries = valid.minRetries ?? 10;
    this.windowMs = valid.windowMs ?? 10_000;
    this.bucketMs = this.windowMs / BUCKETS;
  }

  deposit(): void {
    this.calls[this.slot()]! += 1;
  }

  tryWithdraw(): boolean {
    const current = this.slot();
    let calls = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      calls += this.calls[i]!;
      retries += this.retries[i]!;
    }
    if (retries + 1 > calls * this.ratio + this.minRetries) return false;
    this.retries[current]! += 1;
    return true;
  }

  /** The slot of the current bucket, emptying slots whose bucket has slid out of the window. */
  private slot(): number {
    const bucket = Math.floor(this.clock.now() / this.bucketMs);
    const slot = bucket % BUCKETS;
    if (this.slotBucket[slot] !== bucket) {
      for (let i = 0; i < BUCKETS; i++) {
        if (this.slotBucket[i]! <= bucket - BUCKETS || i === slot) {
          this.calls[i] = 0;
          this.retries[i] = 0;
          this.slotBucket[i] = i === slot ? bucket : this.slotBucket[i]!;
        }
      }
    }
    return slot;
  }
}
