import { z } from 'zod';
import { systemClock, unrefTimer, withinTimeout, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError, toError } from '../errors.js';
import { redactMessage } from '../observe/redact.js';
import type { ObservablePipeline } from '../stats/healing-statistics.js';
import { DEFAULT_THRESHOLDS, levelForErrorRate, LEVELS, worstLevel, type HealthLevel, type HealthThresholds } from './health-level.js';
import { SampleWindow, type LatencyPercentiles } from './sample-window.js';

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
 * Options of {@link HealthMonitor}.
 * @example
 * ```ts
 * const options: HealthMonitorOptions = { windowMs: 120_000, thresholds: { degraded: 0.02 }, checkIntervalMs: 10_000 };
 * ```
 */
export interface HealthMonitorOptions {
  /** The window error rates and latencies are computed over, in ms. Default 60 000. */
  windowMs?: number;
  /** The most calls kept per component (the oldest go first). Default 1 000. */
  maxSamples?: number;
  /** Error rates (0..1) at which a component becomes `degraded`, `unhealthy`, `critical`. Default 0.05, 0.2, 0.5. */
  thresholds?: Partial<HealthThresholds>;
  /** How often `start()` runs the checks, in ms. Default 30 000. */
  checkIntervalMs?: number;
  /** A check still pending after this long fails, in ms. Default 5 000. */
  checkTimeoutMs?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
}

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

const thresholdsSchema = z.strictObject({
  degraded: z.number().min(0).max(1).optional(),
  unhealthy: z.number().min(0).max(1).optional(),
  critical: z.number().min(0).max(1).optional(),
});
const ms = z.number().int().min(1).max(2 ** 31 - 1);
const optionsSchema = z.strictObject({
  windowMs: ms.optional(),
  maxSamples: z.number().int().min(1).max(1_000_000).optional(),
  thresholds: thresholdsSchema.optional(),
  checkIntervalMs: ms.optional(),
  checkTimeoutMs: ms.optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function' &&
    typeof (value as Clock).setTimeout === 'function' && typeof (value as Clock).clearTimeout === 'function',
  'expected a Clock with now(), setTimeout() and clearTimeout()').optional(),
});

interface Component {
  readonly window: SampleWindow;
  check: HealthCheck | undefined;
  lastCheck: CheckResult | null;
  level: HealthLevel;
}

/**
 * Watches components by name: the error rate of their calls over a window sets their level,
 * latency percentiles come from the same calls, and custom async checks run on an interval
 * between `start()` and `stop()` (its timer is unref'd: it never keeps a process alive). Alert
 * callbacks hear every level change.
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
  private readonly maxSamples: number;
  private readonly components = new Map<string, Component>();
  private readonly alerts = new Set<(alert: HealthAlert) => unknown>();
  private timer: unknown = undefined;
  private running = false;
  private checking: Promise<void> | undefined;

  /** @throws {HealingConfigError} naming the invalid option. */
  constructor(options: HealthMonitorOptions = {}) {
    const parsed = parseWith(optionsSchema, options, 'healthMonitor');
    const thresholds = { ...DEFAULT_THRESHOLDS, ...parsed.thresholds };
    if (!(thresholds.degraded <= thresholds.unhealthy && thresholds.unhealthy <= thresholds.critical)) {
      throw new HealingConfigError('healthMonitor.thresholds', `expected degraded <= unhealthy <= critical, got ${thresholds.degraded}, ${thresholds.unhealthy}, ${thresholds.critical}`);
    }
    this.thresholds = Object.freeze(thresholds);
    this.clock = parsed.clock ?? systemClock;
    this.windowMs = parsed.windowMs ?? 60_000;
    this.maxSamples = parsed.maxSamples ?? 1_000;
    this.checkIntervalMs = parsed.checkIntervalMs ?? 30_000;
    this.checkTimeoutMs = parsed.checkTimeoutMs ?? 5_000;
  }

  /**
   * Adds a component (a no-op if it exists), optionally with a custom check, which replaces any
   * earlier one.
   * @example
   * ```ts
   * monitor.register('cache', { check: () => redis.ping().then((pong) => pong === 'PONG') });
   * ```
   */
  register(name: string, options: { check?: HealthCheck } = {}): this {
    if (typeof name !== 'string' || name.length === 0) throw new HealingConfigError('component', `expected a non-empty string, got ${JSON.stringify(name)}`);
    if (options.check !== undefined && typeof options.check !== 'function') {
      throw new HealingConfigError('check', `expected an async function, got ${typeof options.check}`);
    }
    const component = this.componentFor(name);
    if (options.check !== undefined) component.check = options.check;
    return this;
  }

  /** Whether a component of that name exists. */
  has(name: string): boolean {
    return this.components.has(name);
  }

  /**
   * Records one call of a component by hand (a tracked pipeline does this for every execution).
   * @example
   * ```ts
   * monitor.record('s3', { ok: false, durationMs: 1_250 });
   * ```
   */
  record(name: string, outcome: { ok: boolean; durationMs: number }): void {
    const component = this.componentFor(name);
    const now = this.clock.now();
    component.window.record(now, outcome.ok === true, Number.isFinite(outcome.durationMs) ? outcome.durationMs : 0);
    this.evaluate(name, component, now, 'error-rate');
  }

  /**
   * Records every execution of `pipeline` under `component` (default: the pipeline's name).
   * Returns the function that stops it.
   */
  track(pipeline: ObservablePipeline, component: string = pipeline?.name): () => void {
    if (typeof pipeline?.on !== 'function') throw new HealingConfigError('pipeline', 'expected a HealingPipeline (something with on(event, listener))');
    this.register(component);
    const outcome = ({ result }: { result: { status: 'ok' | 'error'; durationMs: number } }) =>
      this.record(component, { ok: result.status === 'ok', durationMs: result.durationMs });
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
    this.alerts.add(callback);
    return () => {
      this.alerts.delete(callback);
    };
  }

  /** One component's health, or `undefined` for an unknown name. */
  componentHealth(name: string): ComponentHealth | undefined {
    const component = this.components.get(name);
    if (component === undefined) return undefined;
    const now = this.clock.now();
    const { calls, failures } = this.evaluate(name, component, now, 'error-rate');
    return {
      name,
      level: component.level,
      errorRate: calls === 0 ? 0 : failures / calls,
      calls,
      failures,
      latency: component.window.percentiles(now),
      check: component.lastCheck,
    };
  }

  /** Every component's health and the worst level among them. */
  systemHealth(): SystemHealth {
    const components = [...this.components.keys()].map((name) => this.componentHealth(name)!);
    const counts = { healthy: 0, degraded: 0, unhealthy: 0, critical: 0 };
    let level: HealthLevel = 'healthy';
    for (const component of components) {
      counts[component.level]++;
      level = worstLevel(level, component.level);
    }
    return { level, counts, components, monitoring: this.running, at: this.clock.now() };
  }

  /** Whether the checks run on their interval. */
  get monitoring(): boolean {
    return this.running;
  }

  /** Runs the checks every `checkIntervalMs` (the first run at once) until `stop()`. Idempotent. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    void this.tick();
    return this;
  }

  /** Stops the interval; a check already running finishes. Idempotent. */
  stop(): this {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    return this;
  }

  /** Runs every custom check now, once; resolves when all are done. Never rejects. */
  runChecks(): Promise<void> {
    // Overlapping runs share one: a slow check never piles up.
    return (this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined;
    }));
  }

  private async tick(): Promise<void> {
    await this.runChecks();
    // Calls age out of the window with no new call to notice: re-read every level so a recovery
    // (or a component that went quiet after failing) is alerted while monitoring runs.
    const now = this.clock.now();
    for (const [name, component] of this.components) this.evaluate(name, component, now, 'error-rate');
    if (!this.running || this.timer !== undefined) return;
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, this.checkIntervalMs);
    // The monitor is a bystander: it must never be why a process stays alive.
    this.timer = unrefTimer(handle);
  }

  private async checkAll(): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const [name, component] of this.components) {
      if (component.check !== undefined) runs.push(this.runCheck(name, component, component.check));
    }
    await Promise.all(runs);
  }

  private async runCheck(name: string, component: Component, check: HealthCheck): Promise<void> {
    const started = this.clock.now();
    let ok = false;
    let detail: string | null = null;
    try {
      const verdict = await withinTimeout(this.clock, this.checkTimeoutMs, check, () => new Error(`check timed out after ${this.checkTimeoutMs} ms`));
      ok = verdict === true || (typeof verdict === 'object' && verdict !== null && verdict.ok === true);
      if (typeof verdict === 'object' && verdict !== null && typeof verdict.detail === 'string') detail = redactMessage(verdict.detail);
      else if (!ok) detail = 'the check reported a failure';
    } catch (thrown) {
      detail = redactMessage(toError(thrown).message);
    }
    const at = this.clock.now();
    component.lastCheck = { ok, detail, at, durationMs: at - started };
    this.evaluate(name, component, at, 'check');
  }

  private componentFor(name: string): Component {
    let component = this.components.get(name);
    if (component === undefined) {
      component = { window: new SampleWindow(this.maxSamples, this.windowMs), check: undefined, lastCheck: null, level: 'healthy' };
      this.components.set(name, component);
    }
    return component;
  }

  /** Recomputes a component's level and alerts on a change. */
  private evaluate(name: string, component: Component, now: number, cause: HealthAlert['cause']): { calls: number; failures: number } {
    const totals = component.window.totals(now);
    const errorRate = totals.calls === 0 ? 0 : totals.failures / totals.calls;
    let level = levelForErrorRate(errorRate, this.thresholds);
    const checkFailed = component.lastCheck !== null && !component.lastCheck.ok;
    if (checkFailed) level = LEVELS[LEVELS.length - 1]!;
    if (level !== component.level) {
      const alert: HealthAlert = { component: name, from: component.level, to: level, errorRate, cause: checkFailed || cause === 'check' ? 'check' : 'error-rate', at: now };
      component.level = level;
      for (const callback of this.alerts) {
        try {
          const returned = callback(alert) as unknown;
          if (returned instanceof Promise) returned.catch(() => {});
        } catch {
          // an alert callback must not break recording
        }
      }
    }
    return totals;
  }
}
