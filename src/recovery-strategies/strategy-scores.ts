import { setWithin } from '../core/bounded-map.js';

/**
 * How one recovery strategy has done on one error category lately.
 * @example
 * ```ts
 * const [best] = chooser.scores(); // { category: 'context_length', strategy: 'smaller-model', tries: 9, successes: 8, successRate: 0.89, meanRecoveryMs: 412 }
 * ```
 * @inline
 */
export interface StrategyScore {
  category: string;
  strategy: string;
  /** Times it acted on this category within the window (its last `window` tries). */
  tries: number;
  /** Of those, how many healed the call. */
  successes: number;
  successRate: number;
  /** Mean time from its start to the healed (or failed) outcome, in ms. */
  meanRecoveryMs: number;
}

/** The most (category, strategy) pairs remembered; the oldest is forgotten first. */
const MAX_KEYS = 1_000;

/**
 * Per (error category, strategy): the outcomes of its last `window` tries, as parallel rings.
 * Ranks candidates by their smoothed success rate, then by mean recovery time.
 */
export class StrategyScores {
  private readonly byKey = new Map<string, { ok: boolean[]; ms: number[]; next: number; category: string; strategy: string }>();

  constructor(private readonly window: number) {}

  record(category: string, strategy: string, ok: boolean, durationMs: number): void {
    const key = `${category}\u0000${strategy}`;
    const entry = this.byKey.get(key) ?? setWithin(this.byKey, key, { ok: [], ms: [], next: 0, category, strategy }, MAX_KEYS);
    entry.ok[entry.next] = ok;
    entry.ms[entry.next] = Math.max(0, durationMs);
    entry.next = (entry.next + 1) % this.window;
  }

  score(category: string, strategy: string): StrategyScore | undefined {
    const entry = this.byKey.get(`${category}\u0000${strategy}`);
    if (entry === undefined) return undefined;
    const tries = entry.ok.length;
    let successes = 0;
    let total = 0;
    for (let i = 0; i < tries; i++) {
      if (entry.ok[i]) successes++;
      total += entry.ms[i]!;
    }
    return { category, strategy, tries, successes, successRate: successes / tries, meanRecoveryMs: total / tries };
  }

  /**
   * `names` best first for `category`: by success rate smoothed as (successes + 1) / (tries + 2),
   * so an untried strategy (1/2) ranks above one that keeps failing and below one that keeps
   * healing; then by mean recovery time; then in the order given.
   */
  rank(category: string, names: readonly string[]): number[] {
    const keyed = names.map((name, index) => {
      const score = this.score(category, name);
      const rate = score === undefined ? 0.5 : (score.successes + 1) / (score.tries + 2);
      return { index, rate, ms: score?.meanRecoveryMs ?? Number.POSITIVE_INFINITY };
    });
    keyed.sort((a, b) => b.rate - a.rate || a.ms - b.ms || a.index - b.index);
    return keyed.map(({ index }) => index);
  }

  all(): StrategyScore[] {
    return [...this.byKey.values()].map(({ category, strategy }) => this.score(category, strategy)!);
  }
}
