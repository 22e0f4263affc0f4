import { Listeners } from '../circuit/circuit-events.js';
import { subscribe } from '../config/known-events.js';
import { parseWith } from '../config/parse.js';
import { adaptiveConfigSchema, type AdaptiveConfig } from './adaptive-options.js';
import { setWithin } from '../core/bounded-map.js';

/** How many (category, circuit) and (category, action) entries it keeps, the oldest forgotten first. */
const MAX_KEYS = 1_000;

/**
 * The healing actions whose success is tracked per error category.
 * @example
 * ```ts
 * const retryStats = adaptive.stats().filter((s) => s.action === ('retry' satisfies AdaptiveAction));
 * ```
 * @inline
 */
export type AdaptiveAction = 'retry' | 'reflect' | 'fallback';

/**
 * How one healing action has done for one error category over its recent tries.
 * @example
 * ```ts
 * const futile = adaptive.stats().filter((s) => s.tries >= 10 && s.healed === 0);
 * ```
 * @inline
 */
export interface ActionStats {
  category: string;
  action: AdaptiveAction;
  /** Recent tries judged (at most `window`). */
  tries: number;
  /** How many of them healed the call. */
  healed: number;
  /** Tries skipped since the action last healed (see `window`). */
  skipped: number;
}

/**
 * A recurring error worth a human's look: what `escalate` listeners receive.
 * @example
 * ```ts
 * adaptive.on('escalate', ({ category, circuit, count }) => pager.open(`${count} x ${category} on ${circuit}`));
 * ```
 * @inline
 */
export interface Escalation {
  category: string;
  circuit: string | undefined;
  /** Failed executions of this category and circuit within `windowMs`. */
  count: number;
  windowMs: number;
  /** The last error's (redacted) message. */
  lastError: string;
  at: number;
}

/**
 * Events of {@link AdaptiveHealing}.
 * @example
 * ```ts
 * const events: Array<keyof AdaptiveEvents> = ['escalate'];
 * ```
 * @inline
 */
export interface AdaptiveEvents {
  escalate: Escalation;
}

/** The last `window` outcomes of one (category, action), as a ring of booleans. */
class OutcomeWindow {
  private readonly outcomes: boolean[] = [];
  private next = 0;
  skipped = 0;

  constructor(private readonly size: number) {}

  add(healed: boolean): void {
    if (this.outcomes.length < this.size) this.outcomes.push(healed);
    else this.outcomes[this.next] = healed;
    this.next = (this.next + 1) % this.size;
    if (healed) this.skipped = 0;
  }

  get tries(): number {
    return this.outcomes.length;
  }

  get healed(): number {
    return this.outcomes.filter(Boolean).length;
  }

  /** A full window with no success: the action is futile for now. */
  get futile(): boolean {
    return this.outcomes.length === this.size && !this.outcomes.includes(true);
  }
}

/**
 * Learns, per error category, whether retry, reflection and fallback actually heal, and stops
 * paying for the ones that do not: with `adaptive` set, an action that healed none of the last
 * `window` tries for a category is skipped for it (one try in `window` still goes through, so it
 * notices when the action starts working again), and the retries allowed shrink with the share
 * of retries that healed. A category failing `escalateAfter` times on one circuit within
 * `escalateWindowMs` raises `escalate`, for a human.
 *
 * @example
 * ```ts
 * const adaptive = new AdaptiveHealing({ window: 10, escalateAfter: 20 });
 * adaptive.on('escalate', (e) => pager.open(`${e.category} on ${e.circuit}: ${e.count} failures`));
 * const pipeline = new HealingPipeline({ adaptive, retry: { maxAttempts: 4 } });
 * ```
 */
export class AdaptiveHealing {
  readonly window: number;
  readonly escalateAfter: number;
  readonly escalateWindowMs: number;
  private readonly windows = new Map<string, OutcomeWindow>();
  /** Per (category, circuit): the times of the last `escalateAfter` failures (bounded). */
  private readonly failures = new Map<string, { times: number[]; escalatedAt: number }>();
  private readonly listeners = new Listeners<AdaptiveEvents>();

  /** @throws {HealingConfigError} naming the invalid setting. */
  constructor(config: AdaptiveConfig = {}) {
    const valid = parseWith(adaptiveConfigSchema, config, 'adaptive');
    this.window = valid.window ?? 10;
    this.escalateAfter = valid.escalateAfter ?? 20;
    this.escalateWindowMs = valid.escalateWindowMs ?? 60_000;
  }

  /** Listens to `escalate`; returns a function that stops listening. */
  on<K extends keyof AdaptiveEvents>(event: K, listener: (payload: AdaptiveEvents[K]) => void): () => void {
    return subscribe(this.listeners, { emitter: 'adaptive healing', events: { escalate: true } }, event, listener);
  }

  /** The recent record of every (category, action) seen so far. */
  stats(): ActionStats[] {
    return [...this.windows].map(([key, window]) => {
      const [category, action] = key.split('\u0000') as [string, AdaptiveAction];
      return { category, action, tries: window.tries, healed: window.healed, skipped: window.skipped };
    });
  }

  /**
   * Whether to skip `action` for `category` now: it healed none of its last `window` tries.
   * Every `window`-th skipped try goes through anyway, as a probe.
   */
  shouldSkip(category: string, action: AdaptiveAction): boolean {
    const window = this.windows.get(`${category}\u0000${action}`);
    if (window === undefined || !window.futile) return false;
    return ++window.skipped % this.window !== 0;
  }

  /**
   * How many retries an execution may make for `category`, out of `maxRetries`: all of them
   * until the window is full, then in proportion to the share of retries that healed (at least 1).
   */
  retryLimit(category: string, maxRetries: number): number {
    const window = this.windows.get(`${category}\u0000retry`);
    if (window === undefined || window.tries < this.window) return maxRetries;
    return Math.max(1, Math.ceil(maxRetries * (window.healed / window.tries)));
  }

  /** Records whether `action` healed an execution that failed with `category`. */
  learn(category: string, action: AdaptiveAction, healed: boolean): void {
    const key = `${category}\u0000${action}`;
    let window = this.windows.get(key);
    if (window === undefined) window = setWithin(this.windows, key, new OutcomeWindow(this.window), MAX_KEYS);
    window.add(healed);
  }

  /**
   * Counts a failed execution; raises `escalate` when its category recurs too often on its
   * circuit, and returns that escalation (else `undefined`) so the pipeline can raise its own.
   */
  recordFailure(category: string, circuit: string | undefined, message: string, now: number): Escalation | undefined {
    const key = `${category}\u0000${circuit ?? ''}`;
    let entry = this.failures.get(key);
    // Circuits can be per tenant or per host, which the registry forgets when idle: so must this.
    if (entry === undefined) entry = setWithin(this.failures, key, { times: [], escalatedAt: -Infinity }, MAX_KEYS);
    entry.times.push(now);
    if (entry.times.length > this.escalateAfter) entry.times.shift();
    // The last `escalateAfter` failures all fell within the window, and none was escalated lately.
    if (entry.times.length === this.escalateAfter && entry.times[0]! > now - this.escalateWindowMs &&
      now - entry.escalatedAt >= this.escalateWindowMs) {
      entry.escalatedAt = now;
      const escalation: Escalation = { category, circuit, count: entry.times.length, windowMs: this.escalateWindowMs, lastError: message, at: now };
      this.listeners.emit('escalate', escalation);
      return escalation;
    }
    return undefined;
  }
}
