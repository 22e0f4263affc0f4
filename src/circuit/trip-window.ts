import type { CircuitPolicy, CountWindowPolicy, TimeWindowPolicy } from './circuit-config.js';

/**
 * The outcomes a rate-based policy remembers. Created on a breaker's first counted outcome, so
 * an idle breaker holds none; kept in typed arrays, so a window of 100 calls costs ~100 bytes.
 */
export interface TripWindow {
  /**
   * Records one outcome; returns true when the failure rate now calls for opening. Decided on
   * every outcome, success or failure: a success can complete `minimumCalls` at the threshold.
   */
  record(failed: boolean, now: number): boolean;
  /** Forgets every outcome (when the breaker closes). */
  clear(): void;
  /** Calls and failures currently in the window. */
  totals(now: number): { calls: number; failures: number };
}

function reachesThreshold(calls: number, failures: number, minimumCalls: number, thresholdPercent: number): boolean {
  // No failure never reaches a threshold (it is > 0): the common all-success case skips the division.
  return failures > 0 && calls >= minimumCalls && (failures * 100) / calls >= thresholdPercent;
}

/** The last `windowSize` outcomes, in a ring. */
export class CountWindow implements TripWindow {
  private readonly outcomes: Uint8Array;
  private next = 0;
  private calls = 0;
  private failures = 0;

  constructor(private readonly policy: Readonly<CountWindowPolicy>) {
    this.outcomes = new Uint8Array(policy.windowSize);
  }

  record(failed: boolean): boolean {
    const size = this.outcomes.length;
    if (this.calls === size) this.failures -= this.outcomes[this.next]!;
    else this.calls++;
    this.outcomes[this.next] = failed ? 1 : 0;
    if (failed) this.failures++;
    this.next = (this.next + 1) % size;
    return reachesThreshold(this.calls, this.failures, this.policy.minimumCalls ?? size, this.policy.failureRateThreshold);
  }

  clear(): void {
    this.outcomes.fill(0);
    this.next = 0;
    this.calls = 0;
    this.failures = 0;
  }

  totals(): { calls: number; failures: number } {
    return { calls: this.calls, failures: this.failures };
  }
}

/** Outcomes of the last `windowMs`, in `buckets` buckets keyed by their epoch (`floor(now / bucketMs)`). */
export class TimeWindow implements TripWindow {
  private readonly bucketMs: number;
  private readonly epochs: Float64Array;
  private readonly calls: Uint32Array;
  private readonly failures: Uint32Array;
  /** The window's totals as of bucket epoch `tallyEpoch`, kept up to date by `record` within that bucket. */
  private tallyCalls = 0;
  private tallyFailures = 0;
  private tallyEpoch = -Infinity;

  constructor(private readonly policy: Readonly<TimeWindowPolicy>) {
    const buckets = policy.buckets ?? 10;
    this.bucketMs = policy.windowMs / buckets;
    this.epochs = new Float64Array(buckets).fill(-Infinity); // no bucket: never inside any window
    this.calls = new Uint32Array(buckets);
    this.failures = new Uint32Array(buckets);
  }

  record(failed: boolean, now: number): boolean {
    const epoch = Math.floor(now / this.bucketMs);
    const slot = epoch % this.epochs.length;
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch;
      this.calls[slot] = 0;
      this.failures[slot] = 0;
    }
    this.calls[slot]!++;
    if (failed) this.failures[slot]!++;
    if (epoch === this.tallyEpoch) {
      // Same bucket as the last tally: no bucket left the window, so the totals just grow.
      this.tallyCalls++;
      if (failed) this.tallyFailures++;
    } else {
      this.tally(now); // once per bucket: sums the buckets still inside the window
    }
    return reachesThreshold(this.tallyCalls, this.tallyFailures, this.policy.minimumCalls ?? 10, this.policy.failureRateThreshold);
  }

  clear(): void {
    this.epochs.fill(-Infinity);
    this.tallyEpoch = -Infinity;
  }

  totals(now: number): { calls: number; failures: number } {
    this.tally(now);
    return { calls: this.tallyCalls, failures: this.tallyFailures };
  }

  /** Sums the buckets inside the window into `tallyCalls` / `tallyFailures` (fields, so `record` allocates nothing). */
  private tally(now: number): void {
    const current = Math.floor(now / this.bucketMs);
    let calls = 0;
    let failures = 0;
    for (let slot = 0; slot < this.epochs.length; slot++) {
      const epoch = this.epochs[slot]!;
      if (epoch > current - this.epochs.length && epoch <= current) {
        calls += this.calls[slot]!;
        failures += this.failures[slot]!;
      }
    }
    this.tallyCalls = calls;
    this.tallyFailures = failures;
    this.tallyEpoch = current;
  }
}

/** The window of a rate policy (`count` or `time`). */
export function createTripWindow(policy: Readonly<CircuitPolicy>): TripWindow {
  return policy.type === 'count' ? new CountWindow(policy) : new TimeWindow(policy as Readonly<TimeWindowPolicy>);
}
