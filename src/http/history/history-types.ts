import type { CircuitState } from '../../circuit/circuit-breaker.js';
import type { TransitionReason } from '../../circuit/circuit-events.js';
import type { HealthLevel } from '../../health/health-level.js';

/**
 * A breaker state change kept as a marker on its circuit's line.
 * @example
 * ```ts
 * const opened = entry.markers.filter((m: StateMarker) => m.to === 'OPEN');
 * ```
 */
export interface StateMarker {
  /** When it changed (ms since the epoch, by the breaker's clock): a half-open is marked when the break ended. */
  at: number;
  from: CircuitState;
  to: CircuitState;
  reason: TransitionReason;
}

/**
 * The last minutes of one circuit or pipeline, one number per bucket, oldest first.
 * @example
 * ```ts
 * const { name, series, savedShare } = history.snapshot().circuits[0]!;
 * ```
 */
export interface HistoryEntry {
  name: string;
  /** The breaker's current state (circuits of an observed registry only). */
  state?: CircuitState;
  series: {
    calls: number[];
    errors: number[];
    healed: number[];
    refusals: number[];
    /** Calls whose first attempt failed or was refused: the calls that needed healing. */
    failedFirst: number[];
    /** `errors / calls` per bucket, `null` in buckets without calls. */
    errorRate: Array<number | null>;
  };
  /** Sums over the window. */
  totals: { calls: number; errors: number; healed: number; refusals: number; failedFirst: number };
  /** `healed / failedFirst` over the window: the share of troubled calls healing saved; `null` when none needed it. */
  savedShare: number | null;
  /** State changes inside the window, oldest first (circuits only). */
  markers: StateMarker[];
}

/**
 * One component's health now, as shown beside the lines.
 * @example
 * ```ts
 * const slow = snapshot.components.filter((c: ComponentNow) => (c.p99 ?? 0) > 500);
 * ```
 */
export interface ComponentNow {
  name: string;
  level: HealthLevel;
  errorRate: number;
  calls: number;
  p50: number | null;
  p99: number | null;
}

/**
 * What `GET /history` answers and `HealingHistory.snapshot()` returns. Entries come worst first:
 * open circuits, then half-open, then by error rate over the window, then by name.
 * @example
 * ```ts
 * const { bucketMs, start, circuits } = await (await fetch('http://127.0.0.1:9464/history')).json() as HistorySnapshot;
 * ```
 */
export interface HistorySnapshot {
  /** Clock time of the read. */
  at: number;
  /** Width of one bucket, in ms. */
  bucketMs: number;
  /** Buckets per series. */
  buckets: number;
  /** Start time of the oldest bucket. */
  start: number;
  circuits: HistoryEntry[];
  pipelines: HistoryEntry[];
  /** Filled in by the HTTP handler from its monitor; empty otherwise. */
  components: ComponentNow[];
}
