import type { Clock } from '../clock.js';
import { redactMessage } from '../observe/redact.js';
import { BackgroundTimer } from './background-timer.js';
import type { SharedCircuitBreakerStats } from './shared-breaker-stats.js';
import { withStoreTimeout } from './store-operations.js';

/** What {@link StoreHealth} needs from the breaker it serves. */
export interface StoreHealthOptions {
  clock: Clock;
  /** Longest wait for one store operation before the store counts as unreachable. */
  storeTimeoutMs: number;
  /** How long to wait between two attempts to rejoin an unreachable store. */
  rejoinIntervalMs: number;
  /** Tries the store again (subscribe and read); called by the rejoin timer. */
  rejoin: () => void;
  isClosed: () => boolean;
}

/**
 * Whether a shared breaker can reach its store: every store operation runs through `operate`
 * (under `storeTimeoutMs`), a failure moves the breaker to `'local'` mode and schedules a rejoin,
 * and the next answer of a rejoin moves it back to `'shared'`. It keeps the store's part of the
 * stats. Handing the breaker's state over between the two modes is the breaker's job: this only
 * says when.
 */
export class StoreHealth {
  private current: 'shared' | 'local' = 'shared';
  private outages = 0;
  private errors = 0;
  private lastError: string | undefined = undefined;
  /** Local time the store became unreachable, or -1 while it answers. */
  private unavailableSince = -1;
  private readonly rejoinTimer: BackgroundTimer;

  constructor(private readonly options: StoreHealthOptions) {
    this.rejoinTimer = new BackgroundTimer(options.clock);
  }

  /** `'shared'` while the store answers; `'local'` while it is unreachable and this process decides alone. */
  get mode(): 'shared' | 'local' {
    return this.current;
  }

  /** Runs one store operation under the timeout: it rejects rather than hangs. */
  operate<T>(operation: () => Promise<T>): Promise<T> {
    return withStoreTimeout(this.options.clock, this.options.storeTimeoutMs, operation);
  }

  /**
   * Counts a failed (or timed out) store operation and schedules a rejoin. True when the store
   * counted as reachable until now: the caller then hands over to local state and calls
   * {@link markLocal} (in two steps, so the hand-over happens while the mode still says `'shared'`).
   */
  recordFailure(error: unknown): boolean {
    this.errors++;
    this.lastError = redactMessage(error instanceof Error ? error.message : String(error));
    if (this.options.isClosed()) return false;
    this.rejoinTimer.arm(this.options.rejoinIntervalMs, this.options.rejoin);
    return this.current === 'shared';
  }

  /** Switches to `'local'`; returns when, and why (redacted), for the `storeUnavailable` event. */
  markLocal(): { at: number; error: string | undefined } {
    this.current = 'local';
    this.outages++;
    this.unavailableSince = this.options.clock.now();
    return { at: this.unavailableSince, error: this.lastError };
  }

  /** Switches back to `'shared'`; returns when, and for how long it was local, or `undefined` when it was shared already. */
  markShared(): { at: number; downMs: number } | undefined {
    if (this.current === 'shared') return undefined;
    const at = this.options.clock.now();
    const downMs = at - this.unavailableSince;
    this.current = 'shared';
    this.unavailableSince = -1;
    return { at, downMs };
  }

  cancelRejoin(): void {
    this.rejoinTimer.cancel();
  }

  /** The store's part of the breaker's stats. */
  stats(kind: string): SharedCircuitBreakerStats['store'] {
    return {
      kind,
      available: this.current === 'shared',
      lastError: this.lastError ?? null,
      unavailableSince: this.unavailableSince < 0 ? null : this.unavailableSince,
      outages: this.outages,
      errors: this.errors,
    };
  }
}
