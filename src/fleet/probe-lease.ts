import { BackgroundTimer } from './background-timer.js';
import type { StoreLink } from './store-operations.js';

/** What {@link ProbeLease} asks of the breaker it serves. */
export interface ProbeLeaseHooks {
  /** The shared state's generation now: a lease holds for one generation's recovery window only. */
  generation: () => number;
  /** Whether this process acts on the fleet's half-open state right now (reading it also tells listeners). */
  isHalfOpen: () => boolean;
}

/**
 * Who in the fleet may probe while the breaker is half-open: the one process holding the
 * generation's lease admits one call at a time; every other process refuses. The lease is asked
 * for in the background, so admission never waits on the store.
 */
export class ProbeLease {
  /** Probes this process ran. */
  probes = 0;
  private held: { generation: number; until: number } | undefined = undefined;
  private asking = false;
  /** Local time before which asking again is pointless: another process holds the lease. */
  private retryAt = 0;
  /** A probe admitted under the lease held now has not settled yet. */
  private outstanding = false;
  /** `canExecute()` calls so far, and at the last break's end: only a process with traffic since then competes for the probe. */
  private demand = 0;
  private demandSeen = 0;
  /** Fires when the break ends, to compete for the lease before the next call asks. */
  private readonly breakEndTimer: BackgroundTimer;

  /** `ttlMs`: how long a lease (and so the fleet's one probe) lasts before another process may probe. */
  constructor(private readonly link: StoreLink, private readonly ttlMs: number, private readonly hooks: ProbeLeaseHooks) {
    this.breakEndTimer = new BackgroundTimer(link.clock);
  }

  /** Counts one admission request (a counter, not a clock read: admission stays a few ns). */
  noteDemand(): void {
    this.demand++;
  }

  /** Half-open admission: true when this process holds the lease and its probe slot is free; else asks for the lease and refuses. */
  admit(): boolean {
    const held = this.held;
    if (held !== undefined && held.generation === this.hooks.generation() && this.link.clock.now() < held.until) {
      if (!this.outstanding) {
        this.outstanding = true;
        this.probes++;
        return true;
      }
    } else {
      // A probe's slot lasts as long as the lease it was admitted under: once the lease is gone,
      // another process may probe, and so may this one when it wins the lease again. A probe that
      // never settled must not keep the slot forever (a local breaker frees it after probeTimeoutMs too).
      this.outstanding = false;
      this.request();
    }
    return false;
  }

  /** Ends the probe with an outcome; true when a probe was out (its outcome then decides the fleet's state). */
  finish(): boolean {
    const wasOut = this.outstanding;
    this.outstanding = false;
    return wasOut;
  }

  /** Ends the probe without an outcome: the slot is free again and the lease stays here. */
  release(): void {
    this.outstanding = false;
  }

  /** A transition was decided here or the store became unreachable: the lease no longer applies. */
  forget(): void {
    this.held = undefined;
    this.outstanding = false;
  }

  /** The shared state moved to another generation: a new recovery window, so anyone may ask again. */
  newGeneration(): void {
    this.forget();
    this.retryAt = 0;
  }

  /**
   * At the end of the break (`delayMs` from now), a process that had traffic since the last break
   * ended asks for the lease at once, so its next call can be the fleet's probe (rather than being
   * refused while it asks). A process without traffic leaves the lease to those with some.
   * `undefined` (not open) only cancels the timer.
   */
  scheduleAtBreakEnd(delayMs: number | undefined): void {
    this.breakEndTimer.cancel();
    if (delayMs === undefined || this.link.isClosed()) return;
    this.breakEndTimer.arm(delayMs, () => {
      const recent = this.demand > this.demandSeen;
      this.demandSeen = this.demand;
      if (this.hooks.isHalfOpen() && recent) this.request();
    });
  }

  cancelTimer(): void {
    this.breakEndTimer.cancel();
  }

  /** Tries, in the background, to take the lease for this recovery window (`SET NX PX`). */
  private request(): void {
    const { clock, store, name, instanceId } = this.link;
    const ttlMs = this.ttlMs;
    const now = clock.now();
    if (this.asking || now < this.retryAt || this.link.isClosed()) return;
    this.asking = true;
    const generation = this.hooks.generation();
    this.link.operate(() => store.acquireLease(name, `probe:${generation}`, instanceId, ttlMs)).then(
      (won) => {
        this.asking = false;
        if (generation !== this.hooks.generation()) return;
        if (won) this.held = { generation, until: now + ttlMs };
        else this.retryAt = clock.now() + ttlMs; // another process probes; its outcome arrives by push
      },
      (error: unknown) => {
        this.asking = false;
        this.link.storeFailed(error);
      },
    );
  }
}
