import type { Severity } from '../classify/severity.js';
import type { HealthLevel } from './health-level.js';
import type { LatencyPercentiles } from './sample-window.js';

// The plain-JSON shapes a HealthMonitor takes and hands out. They are re-exported from
// health-monitor.ts, which is where the package entry and the HTTP handler import them from.

/**
 * What a check may answer: `true` / `{ ok: true }` (healthy); a level (`'healthy'`, `'degraded'`,
 * `'unhealthy'`, `'critical'`, or `{ level, detail }`) for a component that is up but not well
 * (a replica lagging, a pool nearly empty); `false` / `{ ok: false }` (critical). From an async
 * function, answer `{ level }`, or a bare level `as const`: TypeScript widens a string literal
 * returned by an async function whose result may also be sync.
 * @example
 * ```ts
 * const verdict: CheckVerdict = lagSeconds > 30 ? { level: 'degraded', detail: `replica ${lagSeconds} s behind` } : true;
 * ```
 * @inline
 */
export type CheckVerdict = boolean | HealthLevel | { ok: boolean; detail?: string } | { level: HealthLevel; detail?: string };

/**
 * A custom health check: resolves `true` (or `{ ok: true }`) when the component is fine, or the
 * level it is at (`'degraded'`, `'unhealthy'`, ...). A check that resolves `false`, throws, or
 * passes `checkTimeoutMs` makes its component `critical`. The component's level is the worse of
 * its check's and its error rate's.
 *
 * `signal` aborts when the check passes `checkTimeoutMs`: pass it on (to `fetch`, a driver's
 * query) so a check stuck on a dead connection stops. A check is never called again while its
 * last call still runs: until that call settles, each run counts as timed out without calling it.
 * @example
 * ```ts
 * const check: HealthCheck = async () => (await db.query('select 1')).rowCount === 1;
 * const replica: HealthCheck = async () => ({ level: (await lag()) > 30 ? 'degraded' : 'healthy' });
 * const api: HealthCheck = async (signal) => (await fetch('https://api.example.com/health', { signal })).ok;
 * ```
 */
export type HealthCheck = (signal: AbortSignal) => Promise<CheckVerdict> | CheckVerdict;

/**
 * The last run of a component's custom check.
 * @example
 * ```ts
 * const { ok, detail } = monitor.componentHealth('db')!.check!;
 * ```
 */
export interface CheckResult {
  /** Whether the check found the component healthy (`level === 'healthy'`). */
  ok: boolean;
  /** The level the check gave: `healthy`, the level it answered, or `critical` for a failure. */
  level: HealthLevel;
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
 * monitor.onAlert(({ component, severity }) => severity === 'critical' && pager.trigger(component));
 * ```
 */
export interface HealthAlert {
  component: string;
  from: HealthLevel;
  to: HealthLevel;
  /** The error rate over the window when the level changed. */
  errorRate: number;
  /** `check` when a custom check decided it, else `error-rate`. */
  cause: 'error-rate' | 'check';
  /**
   * The highest severity (`'low' | 'medium' | 'high' | 'critical'`) among the component's failed
   * calls in the window, or `null` when none says (no failure, or failures recorded without one).
   * A tracked pipeline's failure has its `give_up`'s severity.
   */
  severity: Severity | null;
  at: number;
}

/**
 * An error category that keeps coming back in one component: how many executions in the window
 * failed at least once with it (healed or not), and when the first and last of them ended.
 * @example
 * ```ts
 * for (const { component, category, count } of monitor.recurringErrors({ minCount: 5 })) {
 *   log.warn({ component, category, count }, 'recurring error');
 * }
 * ```
 * @inline
 */
export interface RecurringError {
  component: string;
  category: string;
  count: number;
  firstAt: number;
  lastAt: number;
}
