import type { HealingAction, HealingResult } from '../pipeline/healing-result.js';

type ActionKind = HealingAction['kind'];
import type { StatisticsCounters, RecoveryStats } from './statistics-types.js';

/** Actions that report on a step rather than heal: not counted as recoveries. */
const NOT_RECOVERIES: ReadonlySet<ActionKind> = new Set(['give_up', 'timeout', 'circuit_open']);

/** Running totals of one pipeline, circuit or component. */
export class StatsAccumulator {
  private calls = 0;
  private successes = 0;
  private healed = 0;
  private attempts = 0;
  private retried = 0;
  private durationMs = 0;
  private readonly recoveries = new Map<ActionKind, { total: number; successful: number; durationMs: number }>();
  private readonly errors = new Map<string, number>();

  recordOutcome(result: HealingResult<unknown>): void {
    this.calls++;
    this.attempts += result.attempts;
    this.durationMs += result.durationMs;
    const ok = result.status === 'ok';
    if (ok) this.successes++;
    if (result.healed) this.healed++;
    const actions = result.healingActions;
    if (actions.length === 0) return;
    let seen: ActionKind[] | undefined;
    for (const { kind } of actions) {
      if (NOT_RECOVERIES.has(kind) || seen?.includes(kind)) continue;
      (seen ??= []).push(kind);
      let totals = this.recoveries.get(kind);
      if (totals === undefined) this.recoveries.set(kind, (totals = { total: 0, successful: 0, durationMs: 0 }));
      totals.total++;
      if (ok) totals.successful++;
      totals.durationMs += result.durationMs;
    }
    if (seen?.includes('retry')) this.retried++;
  }

  recordError(category: string): void {
    this.errors.set(category, (this.errors.get(category) ?? 0) + 1);
  }

  toJSON(): StatisticsCounters {
    const calls = this.calls;
    const recoveries: Partial<Record<ActionKind, RecoveryStats>> = {};
    for (const [kind, { total, successful, durationMs }] of this.recoveries) {
      recoveries[kind] = { total, successful, averageDurationMs: durationMs / total };
    }
    return {
      calls,
      successes: this.successes,
      failures: calls - this.successes,
      healed: this.healed,
      successRate: calls === 0 ? null : this.successes / calls,
      averageAttempts: calls === 0 ? null : this.attempts / calls,
      retryRate: calls === 0 ? null : this.retried / calls,
      averageDurationMs: calls === 0 ? null : this.durationMs / calls,
      recoveries,
      errorsByCategory: Object.fromEntries(this.errors),
    };
  }
}
