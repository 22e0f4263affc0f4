import { delayMs, fn, positiveMs } from '../config/schema-helpers.js';
import { z } from 'zod';
import type { Classification } from '../classify/classification.js';
import { FALLBACK_SEVERITY, isSeverity, type Severity } from '../classify/severity.js';
import { parseWith } from '../config/parse.js';
import { setWithin } from '../core/bounded-map.js';

/**
 * How much harm a recovery strategy can do when it is wrong, lowest first.
 * @example
 * ```ts
 * const risk: Risk = restart({ restart: respawn }).risk; // 'medium'
 * ```
 * @inline
 */
export type Risk = 'none' | 'low' | 'medium' | 'high';

const RISKS: readonly Risk[] = ['none', 'low', 'medium', 'high'];
/** The options schema of a `risk`, for the strategies that take one. */
export const riskSchema = z.enum(RISKS as ['none', 'low', 'medium', 'high']);

/**
 * A recovery the safety policy did not allow, handed to `escalate` (and recorded as an
 * `'escalate'` action with reason `too_risky`).
 * @example
 * ```ts
 * const onEscalate = ({ strategy, risk, maxRisk, category, why }: Escalation) => pager.trigger(`${strategy} (${risk} > ${maxRisk}) on ${category}: ${why}`);
 * ```
 * @inline
 */
export interface Escalation {
  /** The strategy that was not allowed to act. */
  strategy: string;
  risk: Risk;
  /** The most risk allowed for this failure, after severity and recurrence. */
  maxRisk: Risk;
  severity: Severity;
  category: string;
  /** The sentence recorded in the action's detail. */
  why: string;
}

/**
 * Options of {@link SafetyPolicy}.
 * @example
 * ```ts
 * const options: SafetyPolicyOptions = { maxRisk: 'medium', bySeverity: { critical: 'low' }, recurrence: { count: 3, windowMs: 600_000 } };
 * ```
 * @inline
 */
export interface SafetyPolicyOptions {
  /** The most risk a recovery may take on its own. Default `'medium'`. */
  maxRisk?: Risk;
  /**
   * The most risk per failure severity, over `maxRisk`. Default `{ critical: 'low' }` (or
   * `maxRisk` if lower): a critical failure gets only low-risk repairs by itself, and the rest
   * goes to a human.
   */
  bySeverity?: { low?: Risk; medium?: Risk; high?: Risk; critical?: Risk };
  /**
   * A strategy that already acted `count` times on one error category within `windowMs` gets one
   * risk level less from then on: a restart that keeps being needed is not fixing anything.
   * Default `{ count: 3, windowMs: 600_000 }`; `false` turns it off.
   */
  recurrence?: { count: number; windowMs: number } | false;
  /**
   * Where recurring errors are counted: a `HealthMonitor` that tracks the pipelines (or anything
   * with its `recurringErrors` query). A failure whose category has recurred at least `minCount`
   * times (default 3) in the failing pipeline's component (its `name`, as `monitor.track` names
   * it) within the monitor's window gets one risk level less, as `recurrence` does.
   */
  health?: { monitor: RecurringErrorsSource; minCount?: number };
  /**
   * Told about the recoveries the policy did not allow (page a human, open a ticket): once per
   * strategy, error category and pipeline per `escalateIntervalMs`. Awaited, bounded by the
   * caller's signal, the deadline and 10 s (then its signal aborts); a throw is ignored.
   */
  escalate?: (escalation: Escalation, info: { readonly signal: AbortSignal }) => unknown;
  /** Least time between two `escalate` calls for one strategy, category and pipeline, in ms. Default 60 000. */
  escalateIntervalMs?: number;
}

/**
 * What {@link SafetyPolicyOptions.health} reads: `HealthMonitor.recurringErrors`.
 * @inline
 */
interface RecurringErrorsSource {
  recurringErrors(query: { minCount?: number; component?: string }): ReadonlyArray<{ readonly category: string }>;
}

const optionsSchema = z.strictObject({
  maxRisk: riskSchema.optional(),
  bySeverity: z.strictObject({ low: riskSchema.optional(), medium: riskSchema.optional(), high: riskSchema.optional(), critical: riskSchema.optional() }).optional(),
  recurrence: z.union([z.literal(false), z.strictObject({
    count: z.number().int().min(1).max(10_000),
    windowMs: positiveMs,
  })]).optional(),
  health: z.strictObject({
    monitor: z.custom<RecurringErrorsSource>((value) => typeof (value as RecurringErrorsSource | undefined)?.recurringErrors === 'function',
      'expected a HealthMonitor (something with recurringErrors(query))'),
    minCount: z.number().int().min(1).max(1_000_000).optional(),
  }).optional(),
  escalate: fn('a function escalate(escalation, { signal })').optional(),
  escalateIntervalMs: delayMs.optional(),
});

/** The most keys whose recurrence is remembered; the oldest is forgotten first. */
const MAX_KEYS = 1_000;

/**
 * The pipeline-level guard of the built-in recovery strategies (`restart`, `reconfigure`,
 * `isolate`): before one acts, it asks whether its risk is within what this failure allows,
 * `maxRisk` adjusted by the failure's severity (`bySeverity`) and by how often that strategy
 * has acted on the category lately (`recurrence`). When it is not, the strategy does not act:
 * the execution escalates instead (an `'escalate'` action with reason `too_risky` saying why,
 * the pipeline's `escalate` event, this policy's `escalate` callback) and healing stops;
 * fallbacks still run. Give one to a pipeline with the `safety` option; share it between
 * pipelines to share its memory of recurrences.
 *
 * @example
 * ```ts
 * const safety = new SafetyPolicy({ maxRisk: 'medium', escalate: (e) => pager.trigger(e.why) });
 * const tools = new HealingPipeline({ safety, strategies: [restart({ restart: () => toolProcess.respawn() })] });
 * ```
 */
export class SafetyPolicy {
  readonly maxRisk: Risk;
  readonly bySeverity: Readonly<{ low?: Risk; medium?: Risk; high?: Risk; critical?: Risk }>;
  readonly recurrence: { readonly count: number; readonly windowMs: number } | undefined;
  readonly escalate: SafetyPolicyOptions['escalate'];
  readonly health: { readonly monitor: RecurringErrorsSource; readonly minCount: number } | undefined;
  /** Least time between two `escalate` callbacks for one strategy, category and pipeline, in ms. */
  readonly escalateIntervalMs: number;
  /** Per strategy, category and pipeline: when it acted, the last `recurrence.count` times. */
  private readonly acted = new Map<string, number[]>();
  /** Per strategy, category and pipeline: when `escalate` was last called (bounded like `acted`). */
  private readonly told = new Map<string, number>();

  /** @throws {HealingConfigError} naming the invalid option. */
  constructor(options: SafetyPolicyOptions = {}) {
    const valid = parseWith(optionsSchema, options, 'safety');
    this.maxRisk = valid.maxRisk ?? 'medium';
    // The default for critical failures only ever lowers the limit: with maxRisk 'none' it stays 'none'.
    this.bySeverity = Object.freeze({ critical: RISKS[Math.min(1, RISKS.indexOf(this.maxRisk))]!, ...valid.bySeverity });
    this.recurrence = valid.recurrence === false ? undefined : valid.recurrence ?? { count: 3, windowMs: 600_000 };
    this.escalate = valid.escalate as SafetyPolicyOptions['escalate'];
    this.health = valid.health === undefined ? undefined : { monitor: valid.health.monitor, minCount: valid.health.minCount ?? 3 };
    this.escalateIntervalMs = valid.escalateIntervalMs ?? 60_000;
  }

  /**
   * Whether `strategy` (of `risk`) may act on a failure classified `classification` at `now`, in
   * the pipeline (health component) `component`: `undefined` when it may, else the escalation
   * that replaces it.
   */
  check(strategy: string, risk: Risk, classification: Classification, now: number, component?: string): Escalation | undefined {
    const severity = severityOf(classification);
    let allowed = RISKS.indexOf(this.bySeverity[severity] ?? this.maxRisk);
    const recurring = this.recurs(keyOf(strategy, classification.category, component), now)
      ? `, one level less since ${strategy} already acted ${this.recurrence!.count} times on it lately`
      : this.recursInHealth(classification.category, component)
        ? `, one level less since ${classification.category} failures keep recurring in "${component}"`
        : '';
    if (recurring !== '') allowed = Math.max(0, allowed - 1);
    if (RISKS.indexOf(risk) <= allowed) return undefined;
    const maxRisk = RISKS[allowed]!;
    const why = `${strategy} (risk ${risk}) exceeds the most risk allowed for a ${severity}-severity ${classification.category} failure` +
      ` (${maxRisk}${recurring}): escalated instead`;
    return { strategy, risk, maxRisk, severity, category: classification.category, why };
  }

  /**
   * Notes that `strategy` acted on `category` in the pipeline `component` at `now` (for
   * `recurrence`: each pipeline keeps its own count, so three tools restarted once each are not
   * one restart that keeps failing).
   */
  noteActed(strategy: string, category: string, now: number, component?: string): void {
    if (this.recurrence === undefined) return;
    const key = keyOf(strategy, category, component);
    const times = this.acted.get(key) ?? setWithin(this.acted, key, [], MAX_KEYS);
    times.push(now);
    if (times.length > this.recurrence.count) times.shift();
  }

  /** Whether the health monitor sees `category` recurring in `component`. A monitor that throws counts as no. */
  private recursInHealth(category: string, component: string | undefined): boolean {
    const health = this.health;
    if (health === undefined || component === undefined) return false;
    try {
      return health.monitor.recurringErrors({ minCount: health.minCount, component }).some((recurring) => recurring.category === category);
    } catch {
      return false;
    }
  }

  /**
   * Whether to call `escalate` for this escalation: once per strategy, category and pipeline per
   * `escalateIntervalMs`, so an outage failing a hundred calls at once pages once, not a hundred times.
   */
  shouldNotify(strategy: string, category: string, component: string | undefined, now: number): boolean {
    const key = keyOf(strategy, category, component);
    const last = this.told.get(key);
    if (last !== undefined && now - last < this.escalateIntervalMs) return false;
    setWithin(this.told, key, now, MAX_KEYS);
    return true;
  }

  private recurs(key: string, now: number): boolean {
    const recurrence = this.recurrence;
    if (recurrence === undefined) return false;
    const times = this.acted.get(key);
    return times !== undefined && times.length >= recurrence.count && now - times[0]! <= recurrence.windowMs;
  }
}

function keyOf(strategy: string, category: string, component: string | undefined): string {
  return `${strategy}\u0000${category}\u0000${component ?? ''}`;
}

/** The classification's severity; `medium` when it has none (a verdict handed in by hand). */
function severityOf(classification: Classification): Severity {
  return isSeverity(classification.severity) ? classification.severity : FALLBACK_SEVERITY;
}
