import type { Severity } from '../classify/severity.js';
import type { Clock, KeepAlive } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import type { HealingResult } from '../pipeline/healing-result.js';
import type { ObservablePipeline } from '../stats/healing-statistics.js';
import { Listeners } from '../core/listeners.js';
import { CheckSchedule, runCheck } from './health-checks.js';
import type { HealthThresholds } from './health-level.js';
import {
  checkComponentName, outcomeSchema, recurringQuerySchema, registrationSchema, resolveHealthOptions, type HealthMonitorOptions,
} from './health-options.js';
import type { ComponentHealth, HealthAlert, HealthCheck, RecurringError, SystemHealth } from './health-types.js';
import { ComponentTracker } from './component-tracker.js';
import { summarizeSystem } from './system-health.js';

// The public names of the health monitor live here, whichever file defines them.
export type { HealthMonitorOptions } from './health-options.js';
export type { CheckResult, CheckVerdict, ComponentHealth, HealthAlert, HealthCheck, RecurringError, SystemHealth } from './health-types.js';

/**
 * Watches components by name: the error rate of their calls over a window sets their level,
 * latency percentiles come from the same calls, and custom async checks run on an interval
 * between `start()` and `stop()` (its timer is unref'd: it never keeps a process alive). A check
 * gets a signal that aborts at `checkTimeoutMs`, and is not called again while its last call
 * still runs. Alert callbacks hear every level change.
 *
 * @example
 * ```ts
 * const monitor = new HealthMonitor({ checkIntervalMs: 15_000 });
 * monitor.track(payments);                                      // component "payments"
 * monitor.register('db', { check: async () => (await pool.query('select 1')).rowCount === 1 });
 * monitor.onAlert(({ component, to }) => to === 'critical' && pager.trigger(component));
 * monitor.start();
 * ```
 */
export class HealthMonitor {
  readonly clock: Clock;
  readonly thresholds: Readonly<HealthThresholds>;
  readonly windowMs: number;
  readonly checkIntervalMs: number;
  readonly checkTimeoutMs: number;
  private readonly alerts = new Listeners<{ alert: HealthAlert }>();
  private readonly components: ComponentTracker;
  private readonly schedule: CheckSchedule;

  /** @throws {HealingConfigError} naming the invalid option. */
  constructor(options: HealthMonitorOptions = {}) {
    const settings = resolveHealthOptions(options);
    this.thresholds = settings.thresholds;
    this.clock = settings.clock;
    this.windowMs = settings.windowMs;
    this.checkIntervalMs = settings.checkIntervalMs;
    this.checkTimeoutMs = settings.checkTimeoutMs;
    this.components = new ComponentTracker(this.clock, this.thresholds, settings.hysteresis, settings.maxSamples, this.windowMs, (alert) => this.alerts.emit('alert', alert));
    // Each interval run also re-reads every level, so failures ageing out of the window alert
    // a recovery while monitoring runs.
    this.schedule = new CheckSchedule(this.clock, this.checkIntervalMs, (keepAlive) => this.checkAll(keepAlive), () => this.components.evaluateAll());
  }

  /**
   * Adds a component (a no-op if it exists), optionally with a custom check, which replaces any
   * earlier one.
   * @throws {HealingConfigError} for a name that is not a non-empty string, or options other than `{ check }`.
   * @example
   * ```ts
   * monitor.register('cache', { check: () => redis.ping().then((pong) => pong === 'PONG') });
   * ```
   */
  register(name: string, options: { check?: HealthCheck } = {}): this {
    checkComponentName(name);
    const { check } = parseWith(registrationSchema, options, '');
    const component = this.components.componentFor(name);
    if (check !== undefined) component.check = { run: check, stillRunning: false };
    return this;
  }

  /** Whether a component of that name exists. */
  has(name: string): boolean {
    return this.components.has(name);
  }

  /**
   * Records one call of a component by hand (a tracked pipeline does this for every execution),
   * with the error category (or categories) it met, which {@link recurringErrors} counts, and a
   * failure's `severity`, which makes the component's alerts carry the highest one in the window.
   * @throws {HealingConfigError} for a name that is not a non-empty string, or an outcome that is
   *   not `{ ok: boolean, durationMs >= 0, category?, severity? }` (named `outcome.<field>`).
   * @example
   * ```ts
   * monitor.record('s3', { ok: false, durationMs: 1_250, category: 'timeout', severity: 'medium' });
   * ```
   */
  record(name: string, outcome: { ok: boolean; durationMs: number; category?: string | readonly string[]; severity?: Severity | undefined }): void {
    // Checked on every call, since it comes with every call; a tracked pipeline's outcomes skip this.
    checkComponentName(name);
    const valid = parseWith(outcomeSchema, outcome, 'outcome');
    const category = valid.category;
    this.components.record(name, valid, category === undefined ? undefined : typeof category === 'string' ? [category] : category);
  }

  /**
   * The error categories that keep coming back: for each component, each category met by at
   * least `minCount` (default 3) calls in the window (`windowMs`), most frequent first. A tracked
   * pipeline's execution counts once per category it met, healed or not.
   * @throws {HealingConfigError} for a query other than `{ minCount?: integer >= 1, component?: string }`.
   * @example
   * ```ts
   * const recurring = monitor.recurringErrors({ minCount: 5 });
   * if (recurring.some(({ category }) => category === 'auth')) pager.trigger('credentials keep failing');
   * ```
   */
  recurringErrors(query: { minCount?: number; component?: string } = {}): RecurringError[] {
    const { minCount = 3, component } = parseWith(recurringQuerySchema, query, '');
    return this.components.recurring(minCount, component);
  }

  /**
   * Records every execution of `pipeline` under `component` (default: the pipeline's name).
   * Returns the function that stops it.
   */
  track(pipeline: ObservablePipeline, component: string = pipeline?.name): () => void {
    if (typeof pipeline?.on !== 'function') throw new HealingConfigError('pipeline', 'expected a HealingPipeline (something with on(event, listener))');
    this.register(component);
    // A failed execution ends with its `give_up`, which carries the final error's severity.
    const outcome = ({ result }: { result: HealingResult<unknown> }) => this.components.record(component, result.status === 'ok'
      ? { ok: true, durationMs: result.durationMs }
      : { ok: false, durationMs: result.durationMs, severity: result.healingActions[result.healingActions.length - 1]?.severity },
    categoriesMet(result.healingActions));
    const offSuccess = pipeline.on('success', outcome);
    const offFailure = pipeline.on('failure', outcome);
    return () => {
      offSuccess();
      offFailure();
    };
  }

  /**
   * Calls `callback` on every level change of a component; returns the unsubscribe function. A
   * callback that throws or rejects is ignored.
   */
  onAlert(callback: (alert: HealthAlert) => unknown): () => void {
    if (typeof callback !== 'function') throw new HealingConfigError('onAlert', `expected a function, got ${typeof callback}`);
    return this.alerts.on('alert', callback);
  }

  /** One component's health, or `undefined` for an unknown name. */
  componentHealth(name: string): ComponentHealth | undefined {
    return this.components.health(name);
  }

  /** Every component's health and the worst level among them. */
  systemHealth(): SystemHealth {
    const components = this.components.names().map((name) => this.componentHealth(name)!);
    return summarizeSystem(components, this.schedule.monitoring, this.clock.now());
  }

  /** Whether the checks run on their interval. */
  get monitoring(): boolean {
    return this.schedule.monitoring;
  }

  /** Runs the checks every `checkIntervalMs` (the first run at once) until `stop()`. Idempotent. */
  start(): this {
    this.schedule.start();
    return this;
  }

  /** Stops the interval; a check already running finishes. Idempotent. */
  stop(): this {
    this.schedule.stop();
    return this;
  }

  /**
   * Runs every custom check now, once (or joins the run under way); resolves when all are done.
   * Never rejects. The caller awaits it, so its check timeouts keep the process alive until then.
   * @example
   * ```ts
   * await monitor.runChecks();
   * if (monitor.systemHealth().level === 'critical') process.exitCode = 1;
   * ```
   */
  runChecks(): Promise<void> {
    return this.schedule.runNow();
  }

  /** The pending interval timer (unref'd), read by the tests that prove it never holds a process. */
  private get timer(): unknown {
    return this.schedule.timer;
  }

  private async checkAll(keepAlive: KeepAlive): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const [name, component] of this.components.entries()) {
      const check = component.check;
      if (check !== undefined) runs.push(runCheck(this.clock, this.checkTimeoutMs, check, keepAlive).then((result) => this.components.recordCheck(name, component, result)));
    }
    await Promise.all(runs);
  }
}

/** The distinct error categories an execution's actions name (`undefined` when none: most calls). */
function categoriesMet(actions: ReadonlyArray<{ category?: string }>): readonly string[] | undefined {
  let met: string[] | undefined;
  for (const { category } of actions) {
    if (category === undefined) continue;
    if (met === undefined) met = [category];
    else if (!met.includes(category)) met.push(category);
  }
  return met;
}
