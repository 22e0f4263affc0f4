/** The counters each history entry keeps per bucket. */
export const SERIES = ['calls', 'errors', 'healed', 'refusals', 'failedFirst'] as const;
/** One of {@link SERIES}. */
export type SeriesName = (typeof SERIES)[number];

/**
 * Fixed buckets of every series of one name: a ring of `buckets` slots per series, indexed by
 * `floor(time / bucketMs)`. It has no timer: `advance(now)` zeroes the slots that time passed
 * over, and both recording and reading call it, so memory never grows with time or traffic.
 */
export class SeriesBuckets {
  private readonly counts: Float64Array;
  /** Bucket index (time / bucketMs) of the newest slot. */
  private head: number;
  /** Bucket index of the last recorded event. */
  lastActive: number;

  constructor(private readonly buckets: number, private readonly bucketMs: number, now: number) {
    this.counts = new Float64Array(buckets * SERIES.length);
    this.head = Math.floor(now / bucketMs);
    this.lastActive = this.head;
  }

  advance(now: number): void {
    const target = Math.floor(now / this.bucketMs);
    if (target <= this.head) return;
    const steps = Math.min(target - this.head, this.buckets);
    for (let step = 1; step <= steps; step++) {
      const slot = (this.head + step) % this.buckets;
      for (let s = 0; s < SERIES.length; s++) this.counts[s * this.buckets + slot] = 0;
    }
    this.head = target;
  }

  add(series: SeriesName, now: number, amount = 1): void {
    this.advance(now);
    this.counts[SERIES.indexOf(series) * this.buckets + (this.head % this.buckets)]! += amount;
    this.lastActive = this.head;
  }

  /** True when no bucket of the window holds an event: the name went idle. */
  idle(now: number): boolean {
    return Math.floor(now / this.bucketMs) - this.lastActive >= this.buckets;
  }

  /** The series, oldest bucket first (after `advance`). */
  read(series: SeriesName): number[] {
    const offset = SERIES.indexOf(series) * this.buckets;
    const out: number[] = [];
    for (let i = this.buckets - 1; i >= 0; i--) out.push(this.counts[offset + ((this.head - i) % this.buckets + this.buckets) % this.buckets]!);
    return out;
  }

  /** Start time (ms) of the oldest bucket. */
  start(): number {
    return (this.head - this.buckets + 1) * this.bucketMs;
  }
}
