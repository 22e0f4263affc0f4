import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import type { AttemptContext } from '../pipeline/options.js';
import { seededRandom } from './random.js';

/**
 * What every chaos wrapper accepts: how often it injects, and the random source that decides.
 *
 * @example
 * ```ts
 * const options: ChaosOptions = { rate: 0.25, seed: 7, enabled: () => process.env.CHAOS === '1' };
 * ```
 */
export interface ChaosOptions {
  /** The share of calls that get the chaos, from 0 to 1. Default 1 (every call). */
  rate?: number;
  /** A seed for a deterministic random source ({@link seededRandom}). Default: `Math.random`. */
  seed?: number;
  /** Your own random source, returning numbers in [0, 1). Give `seed` or `random`, not both. */
  random?: () => number;
  /** Switches the chaos off (`false`) or decides per call. Default `true`. */
  enabled?: boolean | (() => boolean);
}

/**
 * Counters of a chaos wrapper, for assertions in your tests.
 *
 * @example
 * ```ts
 * expect(flaky.stats.injected).toBeLessThan(flaky.stats.calls);
 * ```
 */
export interface ChaosStats {
  /** Calls of the wrapper. */
  calls: number;
  /** Calls that got the chaos. */
  injected: number;
}

/**
 * A wrapped function: it has the signature of the function it wraps (a pipeline's
 * `HealingFunction`), always returns a promise, and counts what it did in `stats`.
 *
 * @example
 * ```ts
 * const slow: ChaosFunction<{ id: string }, User> = injectLatency(getUser, { latencyMs: 200 });
 * await executeWithHealing(slow, { id: '1' }, { timeoutMs: 100 });
 * ```
 */
export type ChaosFunction<A, R> = ((args: A, ctx: AttemptContext) => Promise<Awaited<R>>) & { readonly stats: Readonly<ChaosStats> };

const isFunction = (value: unknown) => typeof value === 'function';

export const chaosOptionsShape = {
  rate: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  random: z.custom<() => number>(isFunction, 'expected a function returning a number in [0, 1)').optional(),
  enabled: z.union([z.boolean(), z.custom<() => boolean>(isFunction, 'expected a boolean or a function')]).optional(),
};

/** Decides, call by call, whether the chaos applies; counts calls and injections. */
export function injectionDecider(options: ChaosOptions): { stats: ChaosStats; shouldInject(): boolean } {
  const rate = options.rate ?? 1;
  const random = options.random ?? (options.seed !== undefined ? seededRandom(options.seed) : Math.random);
  const enabled = options.enabled ?? true;
  const stats: ChaosStats = { calls: 0, injected: 0 };
  return {
    stats,
    shouldInject() {
      stats.calls++;
      const on = typeof enabled === 'function' ? enabled() : enabled;
      // rate 1 injects without drawing, so a seeded sequence is only consumed by real decisions.
      const inject = on && rate > 0 && (rate >= 1 || random() < rate);
      if (inject) stats.injected++;
      return inject;
    },
  };
}

/** Validates a wrapper's options (a `HealingConfigError` names the bad one) and its target. */
export function parseChaosOptions<T extends ChaosOptions>(schema: z.ZodType<T>, fn: unknown, options: unknown, wrapper: string): T {
  if (typeof fn !== 'function') {
    throw new HealingConfigError('fn', `${wrapper} expected the function to wrap, got ${fn === null ? 'null' : typeof fn}`);
  }
  const parsed = parseWith(schema, options ?? {}, '');
  if (parsed.seed !== undefined && parsed.random !== undefined) {
    throw new HealingConfigError('seed', 'give either seed or random, not both (seed builds a random source)');
  }
  return parsed;
}
