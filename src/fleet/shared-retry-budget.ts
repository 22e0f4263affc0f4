import { z } from 'zod';
import { SlidingWindowRetryBudget, type RetryBudget } from '../budget/retry-budget.js';
import { clockSchema, systemClock, unrefTimer, type Clock } from '../clock.js';
import { retryBudgetConfigSchema } from '../budget/retry-budget-options.js';
import { parseWith } from '../config/parse.js';
import { MemoryStateStore } from './memory-state-store.js';
import type { StateStore, WindowSpec } from './state-store.js';
import { withStoreTimeout } from './store-operations.js';

/**
 * Options of {@link SharedRetryBudget}.
 *
 * @example
 * ```ts
 * const options: SharedRetryBudgetOptions = { store: createRedisStateStore({ client: redis }), ratio: 0.1, minRetries: 20 };
 * ```
 */
export interface SharedRetryBudgetOptions {
  /** Where the fleet's counts meet. Default: a private in-memory store (this process alone). */
  store?: StateStore;
  /** Retries allowed per call of the fleet's base traffic in the window. Default 0.1. */
  ratio?: number;
  /** Retries the whole fleet may always make per window. Default 10. */
  minRetries?: number;
  /** The window, in ms. Default 10 000. */
  windowMs?: number;
  /** How often this process's counts are sent to the store, in ms. Default 250. */
  flushIntervalMs?: number;
  /** Longest wait for the store before it counts as unreachable, in ms. Default 100. */
  storeTimeoutMs?: number;
  /** The local time source (timers). Default `systemClock`. */
  clock?: Clock;
}

/**
 * What {@link SharedRetryBudget.stats} reports.
 * @example
 * ```ts
 * const { mode, retries, calls, refused } = budget.stats();
 * if (mode === 'local') log.warn('retry budget deciding alone: the store is unreachable');
 * metrics.gauge('retry_ratio', calls === 0 ? 0 : retries / calls);
 * ```
 */
export interface SharedRetryBudgetStats {
  /** `'shared'` while the store answers; `'local'` while it does not (this process's own budget decides). */
  mode: 'shared' | 'local';
  /** The fleet's calls and retries in the window, as of the last flush that succeeded, plus this process's since. */
  calls: number;
  retries: number;
  /** Retries refused by the budget so far, in this process. */
  refused: number;
}

const BUCKETS = 10;

const optionsSchema = retryBudgetConfigSchema.omit({ scope: true }).extend({
  store: z.custom<StateStore>((value) => typeof (value as StateStore | undefined)?.addToWindow === 'function',
    'expected a StateStore (an object with addToWindow), e.g. createRedisStateStore({ client })').optional(),
  flushIntervalMs: z.number().positive().max(2 ** 31 - 1).optional(),
  storeTimeoutMs: z.number().positive().max(2 ** 31 - 1).optional(),
  clock: clockSchema.optional(),
});

/**
 * A retry budget shared by every process that names the same `key` in the same store: the fleet's
 * retries stay within `ratio` x the fleet's calls + `minRetries` per window, not each replica's.
 *
 * Like the shared breaker, it shares signals, not locks: `deposit()` and `tryWithdraw()` decide at
 * once from this process's view of the fleet's totals (as of the last flush, plus its own counts
 * since), and the counts are added to the store in batches (every `flushIntervalMs`, on an unref'd
 * timer armed only while there is something to send). No call ever waits on the store. While the
 * store is unreachable, the budget counts this process alone, says so in `stats().mode`, and
 * rejoins the fleet on the next flush that succeeds.
 *
 * The bound is approximate by what each process spends between two flushes: with N processes,
 * at most about N x (retries in one flush interval) above the limit.
 *
 * @example
 * ```ts
 * const budget = new SharedRetryBudget('payments', { store: createRedisStateStore({ client: redis }), ratio: 0.1 });
 * const pipeline = new HealingPipeline({ circuitName: 'payments', retryBudget: budget });
 * ```
 */
export class SharedRetryBudget implements RetryBudget {
  readonly key: string;
  readonly ratio: number;
  readonly minRetries: number;
  private readonly store: StateStore;
  private readonly clock: Clock;
  private readonly window: WindowSpec;
  private readonly flushIntervalMs: number;
  private readonly storeTimeoutMs: number;
  /** The fleet's totals in the window, as the store last reported them. */
  private fleetCalls = 0;
  private fleetRetries = 0;
  /** This process's counts not yet sent. */
  private pendingCalls = 0;
  private pendingRetries = 0;
  /** This process's own budget, kept all along, that decides while the store is unreachable. */
  private readonly local: SlidingWindowRetryBudget;
  private refused = 0;
  private mode: 'shared' | 'local' = 'shared';
  private timer: unknown = undefined;
  private flushing: Promise<void> | undefined = undefined;
  private closed = false;

  /** @throws {HealingConfigError} for a bad option (a negative ratio, a store without `addToWindow`). */
  constructor(key: string, options: SharedRetryBudgetOptions = {}) {
    if (typeof key !== 'string' || key === '') throw new TypeError('SharedRetryBudget(key): key must be a non-empty string');
    const valid = parseWith(optionsSchema, options, 'sharedRetryBudget');
    this.key = `budget:${key}`;
    this.ratio = valid.ratio ?? 0.1;
    this.minRetries = valid.minRetries ?? 10;
    const windowMs = valid.windowMs ?? 10_000;
    this.window = { bucketMs: windowMs / BUCKETS, buckets: BUCKETS };
    this.store = valid.store ?? new MemoryStateStore();
    this.clock = valid.clock ?? systemClock;
    this.flushIntervalMs = valid.flushIntervalMs ?? 250;
    this.storeTimeoutMs = valid.storeTimeoutMs ?? 100;
    this.local = new SlidingWindowRetryBudget({ ratio: this.ratio, minRetries: this.minRetries, windowMs }, this.clock);
  }

  deposit(): void {
    this.local.deposit();
    if (this.closed) return;
    this.pendingCalls++;
    this.scheduleFlush();
  }

  tryWithdraw(): boolean {
    if (this.mode === 'local') {
      const allowed = this.local.tryWithdraw();
      if (allowed) this.pendingRetries++;
      else this.refused++;
      return allowed;
    }
    if (this.fleetRetries + this.pendingRetries + 1 > (this.fleetCalls + this.pendingCalls) * this.ratio + this.minRetries) {
      this.refused++;
      return false;
    }
    this.local.tryWithdraw(); // keeps the local budget's view of this process's retries current
    this.pendingRetries++;
    this.scheduleFlush();
    return true;
  }

  /**
   * This process's view of the budget.
   * @example
   * ```ts
   * if (budget.stats().mode === 'local') log.warn('retry budget is not shared: the store is unreachable');
   * ```
   */
  stats(): SharedRetryBudgetStats {
    return { mode: this.mode, calls: this.fleetCalls + this.pendingCalls, retries: this.fleetRetries + this.pendingRetries, refused: this.refused };
  }

  /**
   * Sends what is pending now (also the way to refresh the fleet's totals). Never rejects.
   * @example
   * ```ts
   * await budget.flush();
   * ```
   */
  flush(): Promise<void> {
    this.flushing ??= this.sendPending().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * Sends what is pending and stops: no timer is left.
   * @example
   * ```ts
   * process.on('SIGTERM', () => budget.close());
   * ```
   */
  async close(): Promise<void> {
    this.closed = true; // first: a failing last flush must not schedule another
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = unrefTimer(this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs));
  }

  private async sendPending(): Promise<void> {
    const increments = { calls: this.pendingCalls, retries: this.pendingRetries };
    this.pendingCalls = 0;
    this.pendingRetries = 0;
    try {
      const { totals } = await withStoreTimeout(this.clock, this.storeTimeoutMs, () => this.store.addToWindow(this.key, increments, this.window));
      this.fleetCalls = totals.calls ?? 0;
      this.fleetRetries = totals.retries ?? 0;
      this.mode = 'shared';
    } catch {
      // Unreachable (or too slow): this process's own budget decides until a flush succeeds. The
      // counts just taken are not re-sent: a flush that timed out may still have been applied,
      // and counting it twice would refuse retries the fleet is owed.
      this.mode = 'local';
      this.scheduleFlush();
    }
  }
}
