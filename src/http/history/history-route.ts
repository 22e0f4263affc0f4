import type { HealthMonitor } from '../../health/health-monitor.js';
import type { HealingHistory } from './healing-history.js';
import type { HistorySnapshot } from './history-types.js';

/**
 * The history methods the handler uses: a `HealingHistory`.
 * @example
 * ```ts
 * const source: HandlerHistory = new HealingHistory();
 * ```
 */
export type HandlerHistory = Pick<HealingHistory, 'snapshot'>;

/** The body of `GET /history`: the history's window, plus each component's health and latency now. */
export function historyBody(history: HandlerHistory, monitor: Pick<HealthMonitor, 'systemHealth'> | undefined): HistorySnapshot {
  const snapshot = history.snapshot();
  const components = (monitor?.systemHealth().components ?? []).map((c) => ({
    name: c.name, level: c.level, errorRate: c.errorRate, calls: c.calls, p50: c.latency.p50, p99: c.latency.p99,
  }));
  const rank = { critical: 3, unhealthy: 2, degraded: 1, healthy: 0 } as const;
  components.sort((a, b) => rank[b.level] - rank[a.level] || b.errorRate - a.errorRate || (a.name < b.name ? -1 : 1));
  return { ...snapshot, components };
}
