import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import type { PipelineEvents } from '../events/pipeline-events.js';
import type { Severity } from '../classify/severity.js';
import type { HealingResult } from '../pipeline/healing-result.js';
import type { StatisticsCounters, RecoveryRecord, StatisticsSnapshot } from './statistics-types.js';
import { RecentRing } from './recent-ring.js';
import { StatsAccumulator } from './stats-accumulator.js';
import { cutAtTokenBoundary } from '../core/cut-text.js';

/**
 * Anything with a name and pipeline events: a `HealingPipeline`.
 * @example
 * ```ts
 * const observed: ObservablePipeline = new HealingPipeline({ name: 'payments' });
 * ```
 */
export interface ObservablePipeline {
  readonly name: string;
  on<K extends keyof PipelineEvents>(event: K, listener: (payload: PipelineEvents[K]) => void): () => void;
}

/**
 * Options of {@link HealingStatistics}.
 * @example
 * ```ts
 * const options: HealingStatisticsOptions = { recentLimit: 200 };
 * ```
 * @inline
 */
export interface HealingStatisticsOptions {
  /** How many recent recoveries are kept. Default 50. */
  recentLimit?: number;
}

/**
 * Where an outcome is counted: its pipeline, and its circuit and component if any.
 * @example
 * ```ts
 * statistics.record(result, { pipeline: 'nightly-job', component: 'warehouse' });
 * ```
 * @inline
 */
export interface StatisticsLabels {
  pipeline: string;
  circuit?: string | undefined;
  component?: string | undefined;
}

const optionsSchema = z.strictObject({ recentLimit: z.number().int().min(1).max(100_000).optional() });
const MAX_DETAIL = 200;

/**
 * Counts what pipelines do: calls, successes, healed calls, retries, recoveries by action, errors
 * by category and by severity, per pipeline, per circuit and per component, plus a bounded ring of the most
 * recent recoveries. It listens to pipeline events, so pipelines it does not track pay nothing.
 *
 * @example
 * ```ts
 * const statistics = new HealingStatistics();
 * statistics.track(payments, { component: 'billing' });
 * // later
 * console.log(JSON.stringify(statistics.stats().pipelines.payments));
 * ```
 */
export class HealingStatistics {
  private readonly pipelines = new Map<string, StatsAccumulator>();
  private readonly circuits = new Map<string, StatsAccumulator>();
  private readonly components = new Map<string, StatsAccumulator>();
  private readonly recent: RecentRing<RecoveryRecord>;

  /** @throws {HealingConfigError} naming the invalid option. */
  constructor(options: HealingStatisticsOptions = {}) {
    const parsed = parseWith(optionsSchema, options, 'statistics');
    this.recent = new RecentRing(parsed.recentLimit ?? 50);
  }

  /**
   * Counts every execution of `pipeline` from now on (under `component` too, if given). Returns
   * the function that stops it.
   * @example
   * ```ts
   * const stop = statistics.track(search, { component: 'elastic' });
   * ```
   */
  track(pipeline: ObservablePipeline, options: { component?: string } = {}): () => void {
    if (typeof pipeline?.on !== 'function') throw new HealingConfigError('pipeline', 'expected a HealingPipeline (something with on(event, listener))');
    const component = options.component;
    if (component !== undefined && (typeof component !== 'string' || component.length === 0)) {
      throw new HealingConfigError('component', `expected a non-empty string, got ${JSON.stringify(component)}`);
    }
    const outcome = (event: PipelineEvents['success']) => {
      this.record(event.result, { pipeline: event.pipeline, circuit: event.circuit, component }, event.at);
    };
    const offs = [
      pipeline.on('success', outcome),
      pipeline.on('failure', outcome),
      pipeline.on('attempt', (event) => {
        if (!event.ok) this.recordError(event.category ?? 'unknown', event.severity, { pipeline: event.pipeline, circuit: event.circuit, component });
      }),
      pipeline.on('action', ({ action, pipeline: name, circuit }) => {
        if (action.kind === 'circuit_open') this.recordError('circuit_open', action.severity, { pipeline: name, circuit, component });
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /**
   * Counts one result by hand (for executions not run by a tracked pipeline). Failed attempts by
   * category come only from tracked pipelines.
   */
  record(result: HealingResult<unknown>, labels: StatisticsLabels, at: number = Date.now()): void {
    this.forEach(labels, (accumulator) => accumulator.recordOutcome(result));
    if (result.healingActions.length === 0) return;
    this.recent.push({
      at,
      pipeline: labels.pipeline,
      circuit: labels.circuit ?? null,
      component: labels.component ?? null,
      status: result.status,
      healed: result.healed,
      attempts: result.attempts,
      durationMs: result.durationMs,
      actions: result.healingActions.map(({ kind, attempt, detail, category, severity, reason, error }) => ({
        kind,
        attempt,
        detail: detail.length > MAX_DETAIL ? `${cutAtTokenBoundary(detail, MAX_DETAIL)}…` : detail,
        ...(category === undefined ? {} : { category }),
        ...(severity === undefined ? {} : { severity }),
        ...(reason === undefined ? {} : { reason }),
        ...(error === undefined ? {} : { error }),
      })),
    });
  }

  /** Everything counted so far, as plain JSON. */
  stats(): StatisticsSnapshot {
    return {
      pipelines: toRecord(this.pipelines),
      circuits: toRecord(this.circuits),
      components: toRecord(this.components),
      recentRecoveries: this.recent.newest(),
    };
  }

  /**
   * One component's counters, or `undefined` when nothing was counted under that name.
   * @example
   * ```ts
   * const billing = statistics.component('billing'); // { calls, successes, failures, healed, ... }
   * ```
   */
  component(name: string): StatisticsCounters | undefined {
    return this.components.get(name)?.toJSON();
  }

  /**
   * The most recent recoveries (executions that took a healing action), newest first; with
   * `component`, only that component's.
   * @example
   * ```ts
   * const lastTen = statistics.recentRecoveries(10, { component: 'billing' });
   * ```
   */
  recentRecoveries(limit?: number, filter: { component?: string } = {}): RecoveryRecord[] {
    if (filter.component === undefined) return this.recent.newest(limit);
    return this.recent.newest().filter((record) => record.component === filter.component).slice(0, limit);
  }

  /**
   * Forgets everything counted (tracking goes on). Given a component, forgets only that
   * component's counters (its pipelines' and circuits' counters, and the recent recoveries,
   * stay); `false` when nothing was counted under that name.
   * @example
   * ```ts
   * statistics.reset('billing'); // after fixing billing, count it afresh
   * ```
   */
  reset(component?: string): boolean {
    if (component !== undefined) return this.components.delete(component);
    this.pipelines.clear();
    this.circuits.clear();
    this.components.clear();
    this.recent.clear();
    return true;
  }

  private recordError(category: string, severity: Severity | undefined, labels: StatisticsLabels): void {
    this.forEach(labels, (accumulator) => accumulator.recordError(category, severity));
  }

  private forEach(labels: StatisticsLabels, update: (accumulator: StatsAccumulator) => void): void {
    update(accumulatorFor(this.pipelines, labels.pipeline));
    if (labels.circuit !== undefined) update(accumulatorFor(this.circuits, labels.circuit));
    if (labels.component !== undefined) update(accumulatorFor(this.components, labels.component));
  }
}

function accumulatorFor(map: Map<string, StatsAccumulator>, key: string): StatsAccumulator {
  let accumulator = map.get(key);
  if (accumulator === undefined) map.set(key, (accumulator = new StatsAccumulator()));
  return accumulator;
}

function toRecord(map: Map<string, StatsAccumulator>): Record<string, StatisticsCounters> {
  // fromEntries defines own properties, so a name like "__proto__" stays an ordinary key.
  return Object.fromEntries([...map].map(([key, accumulator]) => [key, accumulator.toJSON()]));
}
