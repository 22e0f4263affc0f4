import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import type { PipelineEvents } from '../events/pipeline-events.js';
import type { Severity } from '../classify/severity.js';
import type { HealingAction, HealingResult } from '../pipeline/healing-result.js';
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
const nonEmpty = z.string().min(1, 'expected a non-empty string');
// Strict: `{ componnt }` would count the pipeline under no component, silently.
const componentSchema = z.strictObject({ component: nonEmpty.optional() }, { error: 'expected { component } or nothing' });
const labelsSchema = z.strictObject({ pipeline: nonEmpty, circuit: nonEmpty.optional(), component: nonEmpty.optional() },
  { error: 'expected labels { pipeline, circuit?, component? }' });
// Loose: a result carries more than is counted (its value, args, error, ...). What is counted must
// be there. `isCountable` checks the same without zod, on every call; the schema words a refusal.
const resultSchema = z.looseObject({
  status: z.enum(['ok', 'error']),
  attempts: z.number().int().min(0),
  healed: z.boolean(),
  durationMs: z.number().min(0),
  healingActions: z.array(z.looseObject({ kind: z.string(), detail: z.string() })),
}, { error: 'expected a HealingResult (what execute resolves)' });
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
    const { component } = parseWith(componentSchema, options, '');
    // The pipeline's own results: counted without the checks `record` makes of what a caller gives.
    const outcome = (event: PipelineEvents['success']) => {
      this.count(event.result, { pipeline: event.pipeline, circuit: event.circuit, component }, event.at);
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
   * @throws {HealingConfigError} for a `result` that is not a HealingResult, `labels` other than
   *   `{ pipeline, circuit?, component? }` (non-empty strings), or an `at` that is not a finite number.
   */
  record(result: HealingResult<unknown>, labels: StatisticsLabels, at: number = Date.now()): void {
    if (!isCountable(result)) parseWith(resultSchema, result, 'result');
    const valid = parseWith(labelsSchema, labels, 'labels');
    if (!Number.isFinite(at)) throw new HealingConfigError('at', `expected a time in ms since the epoch, got ${String(at)}`);
    this.count(result, valid, at);
  }

  private count(result: HealingResult<unknown>, labels: StatisticsLabels, at: number): void {
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
   * The most recent recoveries (executions that took a healing action), newest first, at most
   * `limit` of them (default: all kept); with `component`, only that component's.
   * @throws {HealingConfigError} for a `limit` that is not a whole number >= 0, or a filter other than `{ component }`.
   * @example
   * ```ts
   * const lastTen = statistics.recentRecoveries(10, { component: 'billing' });
   * ```
   */
  recentRecoveries(limit?: number, filter: { component?: string } = {}): RecoveryRecord[] {
    // Refused, not read as "none": a limit of -1 or NaN answering [] looks like no recoveries happened.
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new HealingConfigError('limit', `expected a whole number >= 0 (or nothing, for all), got ${typeof limit === 'number' ? String(limit) : typeof limit}`);
    }
    const { component } = parseWith(componentSchema, filter, '');
    if (component === undefined) return this.recent.newest(limit);
    return this.recent.newest().filter((record) => record.component === component).slice(0, limit);
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

/** Whether `result` has what `record` counts, as `resultSchema` says (kept in step with it). */
function isCountable(result: unknown): boolean {
  if (result === null || typeof result !== 'object') return false;
  const { status, attempts, healed, durationMs, healingActions } = result as Record<string, unknown>;
  return (status === 'ok' || status === 'error') && Number.isSafeInteger(attempts) && (attempts as number) >= 0 &&
    typeof healed === 'boolean' && Number.isFinite(durationMs) && (durationMs as number) >= 0 &&
    Array.isArray(healingActions) && healingActions.every(isCountableAction);
}

function isCountableAction(action: unknown): boolean {
  return action !== null && typeof action === 'object' &&
    typeof (action as HealingAction).kind === 'string' && typeof (action as HealingAction).detail === 'string';
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
