import { z } from 'zod';
import type { Assert, Same } from '../config/same-type.js';

/**
 * A traffic ramp: after a dependency comes back, admit a share of the calls that rises linearly
 * from `startPercent` to 100 % over `durationMs`, so a service that has just recovered (a cold
 * cache, a pool refilling, a replica catching up) is not knocked over again by the whole load at
 * once. The calls not admitted are served by the fallback, or refused like an open circuit.
 *
 * @example
 * ```ts
 * const ramp: RampConfig = { durationMs: 30_000, startPercent: 10 };
 * ```
 * @inline
 */
export interface RampConfig {
  /** How long the share takes to reach 100 %, in ms. */
  durationMs: number;
  /** The share admitted right after the recovery, in percent (1 to 100). Default 10. */
  startPercent?: number;
}

export const rampConfigSchema = z.strictObject({
  durationMs: z.number().min(1).max(2 ** 31 - 1),
  startPercent: z.number()
    .min(1, 'is a percent from 1 to 100 (10 admits a tenth of the calls at first); a fraction such as 0.1 would mean 0.1 %')
    .max(100, 'is a percent from 1 to 100').optional(),
});

type _Check = Assert<Same<RampConfig, z.input<typeof rampConfigSchema>>>;

/**
 * One ramp in progress. Admission is deterministic, not random: every call adds the current share
 * to a credit and is admitted when the credit reaches one call. So in any interval the admitted
 * calls are the share of that interval's calls (give or take one), which a test can count, and
 * two ramps given the same calls admit the same ones.
 */
export class TrafficRamp {
  private credit = 0;
  /** The share the last admitted call added, for {@link refund}. */
  private lastShare = 0;

  constructor(
    private readonly startedAt: number,
    private readonly durationMs: number,
    private readonly startShare: number,
  ) {}

  /** Starts a ramp at `now` for `config`. */
  static start(config: RampConfig, now: number): TrafficRamp {
    return new TrafficRamp(now, config.durationMs, (config.startPercent ?? 10) / 100);
  }

  /** Whether the ramp is over at `now` (every call is admitted from then on). */
  over(now: number): boolean {
    return now - this.startedAt >= this.durationMs;
  }

  /** The share admitted at `now`, 0..1. */
  share(now: number): number {
    const elapsed = now - this.startedAt;
    if (elapsed >= this.durationMs) return 1;
    return this.startShare + (1 - this.startShare) * (Math.max(0, elapsed) / this.durationMs);
  }

  /**
   * The share admitted at `now` in whole percent, or `null` once the ramp is over. At most 99
   * while it lasts: a ramp that still refuses some calls never reads "100 %".
   */
  percent(now: number): number | null {
    return this.over(now) ? null : Math.min(99, Math.round(this.share(now) * 100));
  }

  /**
   * Decides one call at `now`: `'over'` once the ramp has run its course (the owner drops it and
   * admits everything from then on), else whether this call is admitted.
   */
  decide(now: number): 'over' | 'admit' | 'refuse' {
    if (this.over(now)) return 'over';
    return this.admit(now) ? 'admit' : 'refuse';
  }

  /** Adds the current share to the credit; admits the call when a whole call's credit is there. */
  private admit(now: number): boolean {
    const share = this.share(now);
    this.credit += share;
    // The epsilon keeps sums such as ten times 0.1 from missing the one call they add up to.
    if (this.credit < 1 - 1e-9) return false;
    this.credit -= 1;
    this.lastShare = share;
    return true;
  }

  /** Undoes the last admission: the call was refused further on (a child breaker) and never ran. */
  refund(): void {
    this.credit += 1 - this.lastShare;
  }
}
