import { Listeners } from '../circuit/circuit-events.js';
import { systemClock, type Clock } from '../clock.js';
import { subscribe } from '../config/known-events.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import { DegradableFeature, type FeatureEvents } from './degradable-feature.js';
import { degradationOptionsSchema, featureConfigSchema, type FeatureConfig } from './feature-options.js';

/**
 * Named features that switch themselves off after failures and back on after a health check:
 * a page keeps working without its recommendations while that service is down.
 *
 * @example
 * ```ts
 * const features = new GracefulDegradation();
 * const recs = features.define('recommendations', { fallback: [], healthCheck: () => recsApi.ping(), failureThreshold: 3 });
 * const pipeline = new HealingPipeline({ feature: recs, retry: { maxAttempts: 2 } });
 * features.isEnabled('recommendations'); // false after 3 failed calls, true again once ping() passes
 * ```
 */
export class GracefulDegradation {
  private readonly features = new Map<string, DegradableFeature>();
  private readonly listeners = new Listeners<FeatureEvents>();
  private readonly clock: Clock;

  /**
   * `clock` is the time source of the features' check intervals, health-check timeouts and ramps
   * (default `systemClock`).
   * @throws {HealingConfigError} naming the invalid option.
   */
  constructor(options: { clock?: Clock } = {}) {
    // Checked here, not at the first call: a clock without now() would fail every execution of every feature.
    this.clock = parseWith(degradationOptionsSchema, options, 'gracefulDegradation').clock ?? systemClock;
  }

  /**
   * Defines a feature (or returns the existing one of that name, unchanged).
   * @throws {HealingConfigError} naming the invalid setting.
   */
  define<T>(name: string, config: FeatureConfig<T>): DegradableFeature<T> {
    if (typeof name !== 'string' || name === '') throw new HealingConfigError('name', 'expected a non-empty feature name');
    const existing = this.features.get(name);
    if (existing !== undefined) return existing as DegradableFeature<T>;
    const valid = parseWith(featureConfigSchema, config, `features.${name}`);
    // zod passes the fallback through as it is (`unknown` to the schema); its type is the caller's T.
    const feature = new DegradableFeature(name, { ...valid, fallback: config.fallback }, this.clock, this.listeners);
    this.features.set(name, feature as DegradableFeature);
    return feature;
  }

  /** The feature of that name, if defined. */
  get(name: string): DegradableFeature | undefined {
    return this.features.get(name);
  }

  /**
   * Whether the named feature is on (a feature never defined is on: nothing has failed).
   * While off, asking starts a health check when one is due.
   */
  isEnabled(name: string): boolean {
    return this.features.get(name)?.enabled ?? true;
  }

  /** Listens to `disabled` / `enabled`; returns a function that stops listening. */
  on<K extends keyof FeatureEvents>(event: K, listener: (change: FeatureEvents[K]) => void): () => void {
    return subscribe(this.listeners, { emitter: 'graceful degradation', events: { disabled: true, enabled: true } }, event, listener);
  }
}
