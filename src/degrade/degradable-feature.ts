import { Listeners } from '../circuit/circuit-events.js';
import { KeepAlive, withinTimeout, type Clock } from '../clock.js';
import { TrafficRamp, type RampConfig } from '../core/traffic-ramp.js';
import type { FeatureConfig } from './feature-options.js';

/**
 * A feature switching off or on: what `disabled` and `enabled` listeners receive.
 * @example
 * ```ts
 * features.on('disabled', ({ feature, reason }) => log.warn({ feature, reason }, 'feature degraded'));
 * ```
 * @inline
 */
export interface FeatureChange {
  feature: string;
  /** `failures` (it failed `failureThreshold` times in a row), `health-check`, or `manual`. */
  reason: 'failures' | 'health-check' | 'manual';
  at: number;
}

/**
 * Events of a {@link GracefulDegradation} (and of each feature).
 * @example
 * ```ts
 * const events: Array<keyof FeatureEvents> = ['disabled', 'enabled'];
 * ```
 */
export interface FeatureEvents {
  disabled: FeatureChange;
  enabled: FeatureChange;
}

/**
 * One named feature that degrades on its own. Give it to a pipeline (`feature` option) so its
 * calls count: failed executions switch it off, and while off, fn is not called and the
 * feature's `fallback` is served. No timer runs while it is on or idle: a health check is started
 * by a read of `enabled` (or a call) once `checkIntervalMs` has passed.
 *
 * @example
 * ```ts
 * const recs = features.define('recommendations', { fallback: [], healthCheck: () => recsApi.ping() });
 * const pipeline = new HealingPipeline({ feature: recs });
 * if (recs.enabled) renderCarousel(await pipeline.execute(fetchRecs, user));
 * ```
 */
export class DegradableFeature<T = unknown> {
  readonly name: string;
  readonly fallback: T;
  private readonly failureThreshold: number;
  private readonly healthCheck: (signal: AbortSignal) => unknown;
  private readonly checkIntervalMs: number;
  private readonly checkTimeoutMs: number;
  private readonly rampConfig: RampConfig | undefined;
  private ramp: TrafficRamp | undefined = undefined;
  private on = true;
  private failures = 0;
  private lastCheckAt = 0;
  private checking: { readonly done: Promise<boolean>; readonly keepAlive: KeepAlive } | undefined = undefined;
  /** The last check's call timed out and has not ended yet. */
  private lastCallRunning = false;

  /** @internal Built by {@link GracefulDegradation.define}. */
  constructor(name: string, config: FeatureConfig<T>, private readonly clock: Clock, private readonly listeners: Listeners<FeatureEvents>) {
    this.name = name;
    this.fallback = config.fallback;
    this.failureThreshold = config.failureThreshold ?? 3;
    this.healthCheck = config.healthCheck;
    this.checkIntervalMs = config.checkIntervalMs ?? 30_000;
    this.checkTimeoutMs = config.checkTimeoutMs ?? 10_000;
    this.rampConfig = config.ramp;
  }

  /** Whether the feature is on. While off, reading it starts a health check when one is due. */
  get enabled(): boolean {
    // Nobody awaits this check: it runs in the background, and its timer never holds the process.
    if (!this.on && this.checking === undefined && this.clock.now() - this.lastCheckAt >= this.checkIntervalMs) void this.startCheck();
    return this.on;
  }

  /**
   * Whether this call goes to fn: `'on'`; `'off'` while the feature is off; `'ramping'` when a
   * ramp after a recovery keeps it on the fallback. Reading it may start a due health check, as
   * `enabled` does.
   */
  admit(): 'on' | 'off' | 'ramping' {
    if (!this.enabled) return 'off';
    const ramp = this.ramp;
    if (ramp === undefined) return 'on';
    const decision = ramp.decide(this.clock.now());
    if (decision === 'over') this.ramp = undefined;
    return decision === 'refuse' ? 'ramping' : 'on';
  }

  /** The percent of calls sent to fn now while ramping up after a recovery, else `null`. */
  get rampingPercent(): number | null {
    const ramp = this.ramp;
    if (ramp === undefined || !this.on) return null;
    return ramp.percent(this.clock.now());
  }

  /** Records a successful call: the failure count starts again. */
  recordSuccess(): void {
    this.failures = 0;
  }

  /** Records a failed call; the `failureThreshold`-th in a row switches the feature off. */
  recordFailure(): void {
    if (!this.on) return;
    if (++this.failures >= this.failureThreshold) this.switchOff('failures');
  }

  /** Switches the feature off by hand (it comes back on after a passing health check). */
  disable(): void {
    if (this.on) this.switchOff('manual');
  }

  /** Switches the feature on by hand. */
  enable(): void {
    if (!this.on) this.switchOn('manual');
  }

  /**
   * Runs the health check now (or joins the one in flight); resolves whether the feature is on
   * afterwards. A check that throws, rejects, resolves `false` or passes `checkTimeoutMs` fails.
   * The caller awaits it, so its time limit keeps the process alive until it ends (even when it
   * joins a check a read of `enabled` started in the background).
   */
  check(): Promise<boolean> {
    if (this.on) return Promise.resolve(true);
    const run = this.startCheck();
    const release = run.keepAlive.hold();
    return run.done.finally(release);
  }

  private startCheck(): { readonly done: Promise<boolean>; readonly keepAlive: KeepAlive } {
    if (this.checking !== undefined) return this.checking;
    const keepAlive = new KeepAlive();
    return (this.checking = { keepAlive, done: this.runCheck(keepAlive) });
  }

  private async runCheck(keepAlive: KeepAlive): Promise<boolean> {
    this.lastCheckAt = this.clock.now();
    // A check that timed out and still runs (it ignored its signal) is not called again until it
    // ends: this run fails at once, as a check past checkTimeoutMs does, so slow checks never pile up.
    if (this.lastCallRunning) {
      await undefined; // after startCheck has recorded this run as the one in flight
      this.checking = undefined;
      return this.on;
    }
    const controller = new AbortController();
    let call: PromiseLike<unknown> | undefined;
    try {
      // Unref'd unless someone awaits the check (`check()`): a background one must not hold the process.
      const verdict = await withinTimeout(this.clock, this.checkTimeoutMs, () => (call = Promise.resolve(this.healthCheck(controller.signal))), () => {
        const timedOut = new Error(`health check of "${this.name}" passed ${this.checkTimeoutMs} ms`);
        controller.abort(timedOut);
        return timedOut;
      }, keepAlive);
      if (verdict !== false && !this.on) this.switchOn('health-check');
    } catch {
      // a failing or timed-out check leaves the feature off until the next one
      if (controller.signal.aborted && call !== undefined) {
        this.lastCallRunning = true;
        const ended = () => { this.lastCallRunning = false; };
        call.then(ended, ended);
      }
    } finally {
      this.checking = undefined;
    }
    return this.on;
  }

  private switchOff(reason: FeatureChange['reason']): void {
    this.on = false;
    this.ramp = undefined;
    this.failures = 0;
    this.lastCheckAt = this.clock.now(); // the first check comes checkIntervalMs after switching off
    this.listeners.emit('disabled', { feature: this.name, reason, at: this.clock.now() });
  }

  private switchOn(reason: FeatureChange['reason']): void {
    this.on = true;
    if (reason === 'health-check' && this.rampConfig !== undefined) this.ramp = TrafficRamp.start(this.rampConfig, this.clock.now());
    this.failures = 0;
    this.listeners.emit('enabled', { feature: this.name, reason, at: this.clock.now() });
  }
}
