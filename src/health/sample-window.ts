import { SEVERITIES, type Severity } from '../classify/severity.js';

/**
 * Latency percentiles of a component's calls in the window, in ms (`null` without calls).
 * @example
 * ```ts
 * const { p50, p99 } = monitor.componentHealth('db')!.latency;
 * ```
 * @inline
 */
export interface LatencyPercentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * The outcomes of one component's recent calls: at most `capacity`, none older than the window.
 * A ring of parallel arrays, so recording allocates nothing once it is full. Failures are also
 * counted by severity rank, so the highest severity in the window is four reads, not a scan.
 */
export class SampleWindow {
  private readonly at: number[] = [];
  private readonly ok: boolean[] = [];
  private readonly durationMs: number[] = [];
  /** The error categories an execution met (failures only; `undefined` for most samples). */
  private readonly categories: Array<readonly string[] | undefined> = [];
  /** A failure's severity rank (index in SEVERITIES), -1 for a success or a failure without one. */
  private readonly rank: number[] = [];
  private readonly failuresByRank = [0, 0, 0, 0];
  private head = 0;
  private size = 0;
  private failureCount = 0;

  constructor(private readonly capacity: number, private readonly windowMs: number) {}

  record(at: number, ok: boolean, durationMs: number, categories?: readonly string[], severity?: Severity): void {
    if (this.size === this.capacity) this.dropOldest();
    const index = (this.head + this.size) % this.capacity;
    const rank = ok || severity === undefined ? -1 : SEVERITIES.indexOf(severity);
    this.at[index] = at;
    this.ok[index] = ok;
    this.durationMs[index] = durationMs;
    this.categories[index] = categories;
    this.rank[index] = rank;
    this.size++;
    if (!ok) this.failureCount++;
    if (rank >= 0) this.failuresByRank[rank]!++;
  }

  /** The highest severity among the failures in the window ending at `now`, or `null`. */
  highestSeverity(now: number): Severity | null {
    this.prune(now);
    for (let rank = SEVERITIES.length - 1; rank >= 0; rank--) if (this.failuresByRank[rank]! > 0) return SEVERITIES[rank]!;
    return null;
  }

  /** Calls and failures in the window ending at `now`. */
  totals(now: number): { calls: number; failures: number } {
    this.prune(now);
    return { calls: this.size, failures: this.failureCount };
  }

  percentiles(now: number): LatencyPercentiles {
    this.prune(now);
    if (this.size === 0) return { p50: null, p90: null, p95: null, p99: null, max: null };
    const sorted: number[] = [];
    for (let i = 0; i < this.size; i++) sorted.push(this.durationMs[(this.head + i) % this.capacity]!);
    sorted.sort((a, b) => a - b);
    // Nearest rank: the smallest value with at least p % of the samples at or below it.
    const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
    return { p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1]! };
  }

  /**
   * For each error category met in the window: how many calls met it, and when the first and last
   * of them were recorded. Scans the window (bounded by `capacity`); only a query pays for it.
   */
  categoryCounts(now: number): Map<string, { count: number; firstAt: number; lastAt: number }> {
    this.prune(now);
    const counts = new Map<string, { count: number; firstAt: number; lastAt: number }>();
    for (let i = 0; i < this.size; i++) {
      const index = (this.head + i) % this.capacity;
      const met = this.categories[index];
      if (met === undefined) continue;
      const at = this.at[index]!;
      for (const category of met) {
        const seen = counts.get(category);
        if (seen === undefined) counts.set(category, { count: 1, firstAt: at, lastAt: at });
        else {
          seen.count++;
          seen.lastAt = at;
        }
      }
    }
    return counts;
  }

  private prune(now: number): void {
    const oldest = now - this.windowMs;
    while (this.size > 0 && this.at[this.head]! <= oldest) this.dropOldest();
  }

  private dropOldest(): void {
    if (!this.ok[this.head]) this.failureCount--;
    this.categories[this.head] = undefined;
    const rank = this.rank[this.head]!;
    if (rank >= 0) this.failuresByRank[rank]!--;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
}
