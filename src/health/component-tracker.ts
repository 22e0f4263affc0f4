import type { Severity } from '../classify/severity.js';
import type { Clock } from '../clock.js';
import { levelWithHysteresis, LEVELS, worstLevel, type HealthLevel, type HealthThresholds } from './health-level.js';
import type { CheckSlot } from './health-checks.js';
import type { CheckResult, ComponentHealth, HealthAlert, RecurringError } from './health-types.js';
import { SampleWindow } from './sample-window.js';

/** What a monitor keeps about one component. */
export interface TrackedComponent {
  readonly window: SampleWindow;
  check: CheckSlot | undefined;
  lastCheck: CheckResult | null;
  level: HealthLevel;
  /** The level the error rate alone gives (kept apart, so hysteresis steps from it, not from a check's level). */
  rateLevel: HealthLevel;
}

/**
 * The components of one monitor by name: their recent calls (error rate and latency over the
 * window), their custom check and its last result, and the level those give. Every read or write
 * re-derives the level and hands a change to `onLevelChange`.
 */
export class ComponentTracker {
  private readonly components = new Map<string, TrackedComponent>();

  constructor(
    private readonly clock: Clock,
    private readonly thresholds: Readonly<HealthThresholds>,
    private readonly hysteresis: number,
    private readonly maxSamples: number,
    private readonly windowMs: number,
    private readonly onLevelChange: (alert: HealthAlert) => void,
  ) {}

  has(name: string): boolean {
    return this.components.has(name);
  }

  /** The component of that name, created (healthy, without calls) if it is new. */
  componentFor(name: string): TrackedComponent {
    let component = this.components.get(name);
    if (component === undefined) {
      component = { window: new SampleWindow(this.maxSamples, this.windowMs), check: undefined, lastCheck: null, level: 'healthy', rateLevel: 'healthy' };
      this.components.set(name, component);
    }
    return component;
  }

  /** Every component, in the order they were added. */
  entries(): IterableIterator<[string, TrackedComponent]> {
    return this.components.entries();
  }

  names(): string[] {
    return [...this.components.keys()];
  }

  /**
   * Records one call now (a non-finite duration counts as 0), with the error categories it met
   * and, for a failure, how severe it was.
   */
  record(name: string, outcome: { ok: boolean; durationMs: number; severity?: Severity | undefined }, categories?: readonly string[]): void {
    const component = this.componentFor(name);
    const now = this.clock.now();
    component.window.record(now, outcome.ok === true, Number.isFinite(outcome.durationMs) ? outcome.durationMs : 0, categories, outcome.severity);
    this.evaluate(name, component, now, 'error-rate');
  }

  /** The categories met by at least `minCount` calls in a component's window, most frequent first. */
  recurring(minCount: number, only?: string): RecurringError[] {
    const now = this.clock.now();
    const found: RecurringError[] = [];
    for (const [component, tracked] of this.components) {
      if (only !== undefined && component !== only) continue;
      for (const [category, { count, firstAt, lastAt }] of tracked.window.categoryCounts(now)) {
        if (count >= minCount) found.push({ component, category, count, firstAt, lastAt });
      }
    }
    return found.sort((a, b) => b.count - a.count || b.lastAt - a.lastAt);
  }

  /** Keeps the result of a component's check; a failed one makes it critical. */
  recordCheck(name: string, component: TrackedComponent, result: CheckResult): void {
    component.lastCheck = result;
    this.evaluate(name, component, result.at, 'check');
  }

  /**
   * Re-reads every level: calls age out of the window with no new call to notice, so a recovery
   * (or a component that went quiet after failing) only shows when someone looks.
   */
  evaluateAll(): void {
    const now = this.clock.now();
    for (const [name, component] of this.components) this.evaluate(name, component, now, 'error-rate');
  }

  /** One component's health now, or `undefined` for an unknown name. */
  health(name: string): ComponentHealth | undefined {
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

  /** Recomputes a component's level and reports a change. */
  private evaluate(name: string, component: TrackedComponent, now: number, cause: HealthAlert['cause']): { calls: number; failures: number } {
    const totals = component.window.totals(now);
    const errorRate = totals.calls === 0 ? 0 : totals.failures / totals.calls;
    const rateLevel = levelWithHysteresis(errorRate, component.rateLevel, this.thresholds, this.hysteresis);
    component.rateLevel = rateLevel;
    const checkLevel = component.lastCheck?.level ?? 'healthy';
    const level = worstLevel(rateLevel, checkLevel);
    // The check decides when its level is the worse one.
    const checkDecides = LEVELS.indexOf(checkLevel) > LEVELS.indexOf(rateLevel);
    if (level !== component.level) {
      const alert: HealthAlert = {
        component: name, from: component.level, to: level, errorRate, cause: checkDecides || cause === 'check' ? 'check' : 'error-rate',
        severity: component.window.highestSeverity(now), at: now,
      };
      component.level = level;
      this.onLevelChange(alert);
    }
    return totals;
  }
}
