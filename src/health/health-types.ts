import type { HealthLevel } from './health-level.js';
import type { LatencyPercentiles } from './sample-window.js';

// The plain-JSON shapes a HealthMonitor takes and hands out. They are re-exported from
// health-monitor.ts, which is where the package entry and the HTTP handler import them from.

/**
 * A custom health check: resolves `true` (or `{ ok: true }`) when the component is fine. A check
 * that resolves `false`, throws, or passes `checkTimeoutMs` makes its component `critical`.
 * @example
 * ```ts
 * const check: HealthCheck = async () => (await db.query('select 1')).rowCount === 1;
 * ```
 */
export type HealthCheck = () => Promise<boolean | { ok: boolean; detail?: string }> | boolean | { ok: boolean; detail?: string };

/**
 * The last run of a component's custom check.
 * @example
 * ```ts
 * const { ok, detail } = monitor.componentHealth('db')!.check!;
 * ```
 */
export interface CheckResult {
  ok: boolean;
  detail: string | null;
  /** When it finished (ms since the epoch). */
  at: number;
  durationMs: number;
}

/**
 * One component's health, as plain JSON.
 * @example
 * ```ts
 * const { level, errorRate, latency } = monitor.componentHealth('payments')!;
 * ```
 * @inline
 */
export interface ComponentHealth {
  name: string;
  level: HealthLevel;
  /** Failures / calls in the window (0 without calls). */
  errorRate: number;
  calls: number;
  failures: number;
  latency: LatencyPercentiles;
  /** The last check, if the component has one and it ran. */
  check: CheckResult | null;
}

/**
 * Every component's health and the worst of their levels.
 * @example
 * ```ts
 * const { level, components } = monitor.systemHealth();
 * ```
 */
export interface SystemHealth {
  /** The worst component level (`healthy` without components). */
  level: HealthLevel;
  /** How many components are at each level. */
  counts: Record<HealthLevel, number>;
  components: ComponentHealth[];
  /** Whether the checks run on their interval (`start()` was called). */
  monitoring: boolean;
  at: number;
}

/**
 * A component moved from one level to another: what alert callbacks receive.
 * @example
 * ```ts
 * monitor.onAlert(({ component, from, to }) => slack.post(`${component}: ${from} -> ${to}`));
 * ```
 */
export interface HealthAlert {
  component: string;
  from: HealthLevel;
  to: HealthLevel;
  errorRate: number;
  /** `check` when a custom check decided it, else `error-rate`. */
  cause: 'error-rate' | 'check';
  at: number;
}
