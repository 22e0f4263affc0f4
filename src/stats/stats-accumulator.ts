import { FALLBACK_SEVERITY, SEVERITIES, type Severity } from '../classify/severity.js';
import type { HealingAction, HealingResult } from '../pipeline/healing-result.js';
import type { StatisticsCounters, RecoveryStats } from './statistics-types.js';

type ActionKind = HealingAction['kind'];

/** Actions that report on a step rather than heal: not counted as recoveries. */
const NOT_RECOVERIES: ReadonlySet<ActionKind> = new Set(['give_up', 'timeout', 'circuit_open', 'strategy_result']);

/** The most (category, strategy) pairs counted per accumulator; a new pair past it is not counted. */
const MAX_STRATEGY_PAIRS = 500;

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
  /** Per (category, strategy), from `strategy_result` actions: tries, successes, total recovery time. */
  private readonly strategies = new Map<string, { category: string; strategy: string; tries: number; successes: number; durationMs: number }>();
  private readonly bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };

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
    for (const action of actions) {
      const kind = action.kind;
      if (kind === 'strategy_result') this.recordStrategy(action);
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

  private recordStrategy({ category = 'unknown', provider = 'unnamed', succeeded, durationMs }: HealingAction): void {
    const key = `${category}\u0000${provider}`;
    let totals = this.strategies.get(key);
    if (totals === undefined) {
      if (this.strategies.size >= MAX_STRATEGY_PAIRS) return;
      this.strategies.set(key, (totals = { category, strategy: provider, tries: 0, successes: 0, durationMs: 0 }));
    }
    totals.tries++;
    if (succeeded === true) totals.successes++;
    totals.durationMs += durationMs ?? 0;
  }

  recordError(category: string, severity: Severity | undefined): void {
    this.errors.set(category, (this.errors.get(category) ?? 0) + 1);
    // An event from an older or foreign pipeline may lack it (or carry another word): counted as a category of its own would be.
    this.bySeverity[severity !== undefined && SEVERITIES.includes(severity) ? severity : FALLBACK_SEVERITY]++;
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
      strategies: [...this.strategies.values()].map(({ category, strategy, tries, successes, durationMs }) =>
        ({ category, strategy, tries, successes, successRate: successes / tries, meanRecoveryMs: durationMs / tries })),
      errorsBySeverity: { ...this.bySeverity },
    };
  }
}
