import { BackgroundTimer } from './background-timer.js';
import type { SharedCircuitState, WindowSpec, WindowTotals } from './state-store.js';
import type { StoreLink } from './store-operations.js';

/** Outcomes counted since the last flush. */
export type OutcomeCounts = { calls: number; failures: number };

/** How {@link OutcomeBatch} counts, and what it asks of the breaker it serves. */
export interface OutcomeBatchOptions {
  window: WindowSpec;
  flushIntervalMs: number;
  failureThreshold: number;
  /** The shared state as last heard: outcomes are counted in its generation's window. */
  shared: () => SharedCircuitState;
  /** The fleet's totals after a flush: the breaker decides from them whether to open. */
  received: (totals: WindowTotals, generation: number) => void;
  isShared: () => boolean;
}

/**
 * This process's outcomes, counted locally and flushed to the store in batches (every
 * `flushIntervalMs`, on a timer armed only while there is something to send), so a call never
 * waits on the store. A failure that may reach the threshold is flushed at once.
 */
export class OutcomeBatch {
  private calls = 0;
  private failures = 0;
  /** Local time of the oldest outcome not yet flushed. */
  private since = -1;
  private readonly timer: BackgroundTimer;
  /** The flush in flight, so `drain()` can wait for it and then send what came in meanwhile. */
  private inFlight: Promise<void> | undefined = undefined;
  private fleet: WindowTotals | undefined = undefined;
  private fleetGeneration = -1;

  constructor(private readonly link: StoreLink, private readonly options: OutcomeBatchOptions) {
    this.timer = new BackgroundTimer(link.clock);
  }

  /** Outcomes recorded here and not yet flushed. */
  get pending(): OutcomeCounts {
    return { calls: this.calls, failures: this.failures };
  }

  /** The fleet's totals at the last flush, if that flush was in `generation`'s window. */
  fleetTotals(generation: number): WindowTotals | undefined {
    return this.fleetGeneration === generation ? this.fleet : undefined;
  }

  /** The same totals, for stats. */
  fleetStats(generation: number): { calls: number; failures: number; failingInstances: number } | null {
    const fleet = this.fleetTotals(generation);
    if (fleet === undefined) return null;
    return { calls: fleet.totals.calls ?? 0, failures: fleet.totals.failures ?? 0, failingInstances: fleet.members.failures ?? 0 };
  }

  count(failed: boolean): void {
    if (this.calls === 0) this.since = this.link.clock.now();
    this.calls++;
    if (failed) this.failures++;
    if (!this.options.isShared()) return; // flushed when the store is back
    const shared = this.options.shared();
    const known = this.fleetTotals(shared.generation)?.totals.failures ?? 0;
    if (failed && shared.state === 'CLOSED' && known + this.failures >= this.options.failureThreshold) {
      void this.flush();
    } else {
      this.arm();
    }
  }

  drop(): void {
    this.calls = 0;
    this.failures = 0;
  }

  /** The shared state moved to another generation: what is pending and the totals belong to the previous window. */
  newGeneration(): void {
    this.drop();
    this.fleet = undefined; // generations can repeat after the store lost its data
    this.fleetGeneration = -1;
  }

  /** Drops what is pending if its oldest outcome is older than `windowMs` at `now`: it says nothing about the fleet now. */
  dropOlderThan(windowMs: number, now: number): void {
    if (this.calls > 0 && now - this.since > windowMs) this.drop();
  }

  /** Sends what is pending now, unless a flush is in flight, the store is unreachable or there is nothing to send. */
  flush(): Promise<void> {
    this.timer.cancel();
    if (this.inFlight !== undefined || this.link.isClosed() || !this.options.isShared() || this.calls === 0) return Promise.resolve();
    this.inFlight = this.sendPending().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Waits for the flush in flight, then sends what came in meanwhile (else it would be lost on close). */
  async drain(): Promise<void> {
    if (this.inFlight !== undefined) await this.inFlight;
    if (this.options.isShared() && this.calls > 0) await this.flush();
  }

  cancelTimer(): void {
    this.timer.cancel();
  }

  private arm(): void {
    this.timer.arm(this.options.flushIntervalMs, () => void this.flush());
  }

  private async sendPending(): Promise<void> {
    const counts = this.pending;
    const generation = this.options.shared().generation;
    this.drop();
    try {
      // Counters are per generation, so a breaker that closes starts from an empty window.
      const { name, store, instanceId } = this.link;
      const totals = await this.link.operate(() => store.addToWindow(`${name}@${generation}`, counts, this.options.window, instanceId));
      this.fleet = totals;
      this.fleetGeneration = generation;
      this.options.received(totals, generation);
    } catch (error) {
      this.calls += counts.calls; // kept for when the store is back
      this.failures += counts.failures;
      this.link.storeFailed(error);
    }
    if (this.calls > 0 && this.options.isShared() && !this.link.isClosed()) this.arm();
  }
}
