import type { Severity } from '../classify/severity.js';
import type { HealingAction } from '../pipeline/healing-result.js';

/**
 * How the executions that needed one kind of healing action ended.
 * @example
 * ```ts
 * const { total, successful, averageDurationMs } = statistics.stats().pipelines.payments!.recoveries.retry!;
 * ```
 */
export interface RecoveryStats {
  /** Executions that took this kind of action at least once. */
  total: number;
  /** Of those, how many ended `'ok'`. */
  successful: number;
  /** Their mean duration, waits included, in ms. */
  averageDurationMs: number;
}

/**
 * Counters of one pipeline, circuit or component, as plain JSON.
 * @example
 * ```ts
 * const { calls, successRate, retryRate, errorsBySeverity } = statistics.stats().circuits['payments']!;
 * if (errorsBySeverity.critical > 0) pager.trigger('critical errors on payments');
 * ```
 */
export interface StatisticsCounters {
  calls: number;
  successes: number;
  failures: number;
  /** Calls that succeeded after a failed attempt, or were served by a fallback. */
  healed: number;
  /** `successes / calls`, or `null` before the first call. */
  successRate: number | null;
  /** Mean calls of the primary function per execution, or `null` before the first call. */
  averageAttempts: number | null;
  /** Share of executions that retried at least once, or `null` before the first call. */
  retryRate: number | null;
  /** Mean execution duration in ms, or `null` before the first call. */
  averageDurationMs: number | null;
  /** Per healing action kind (`retry`, `reflect`, `fallback`, `rollback`). */
  recoveries: Partial<Record<HealingAction['kind'], RecoveryStats>>;
  /** Failed attempts and refusals by error category (`network`, `rate_limit`, `circuit_open`, ...). */
  errorsByCategory: Record<string, number>;
  /**
   * How each recovery strategy that `chooseByResults` offered a failure to has done, per error
   * category, since the statistics started (`strategy_result` actions).
   */
  strategies: Array<{ category: string; strategy: string; tries: number; successes: number; successRate: number; meanRecoveryMs: number }>;
  /** The same failed attempts and refusals by severity: all four keys, 0 when none. */
  errorsBySeverity: { low: number; medium: number; high: number; critical: number };
}

/**
 * One execution that needed healing, as kept in the recent-recoveries ring.
 * @example
 * ```ts
 * for (const r of statistics.recentRecoveries()) console.log(r.pipeline, r.status, r.actions.map((a) => a.kind));
 * ```
 */
export interface RecoveryRecord {
  /** When it ended (ms since the epoch). */
  at: number;
  pipeline: string;
  circuit: string | null;
  component: string | null;
  status: 'ok' | 'error';
  healed: boolean;
  attempts: number;
  durationMs: number;
  /** Its healing actions (errors already redacted), without their free-text `detail` beyond 200 characters. */
  actions: Array<{ kind: HealingAction['kind']; attempt: number; detail: string; category?: string; severity?: Severity; reason?: string; error?: string }>;
}

/**
 * What `HealingStatistics.stats()` returns: counters by pipeline, circuit and component, and the
 * most recent recoveries, newest first. Plain JSON.
 * @example
 * ```ts
 * await writeFile('stats.json', JSON.stringify(statistics.stats()));
 * ```
 */
export interface StatisticsSnapshot {
  pipelines: Record<string, StatisticsCounters>;
  circuits: Record<string, StatisticsCounters>;
  components: Record<string, StatisticsCounters>;
  recentRecoveries: RecoveryRecord[];
}
