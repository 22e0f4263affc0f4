import { recogniseOtherCopies } from '../errors.js';
import type { Clock } from '../clock.js';
import type { FallbackContext, FallbackFunction } from '../pipeline/options.js';
import { LastGoodCache } from './last-good-cache.js';

/** What every kind of fallback may carry: a name (reported as `servedBy`) and a cost. */
interface NamedFallback {
  /** Reported as the result's `servedBy` when this fallback serves. Default `fallback #<n>`. */
  name?: string;
  /** What serving from this provider costs (money, tokens, quality): reported on its `'fallback'` action. */
  cost?: number;
}

/**
 * A fallback provider with the signature `(args, error, ctx)`.
 * @example
 * ```ts
 * const backup: FallbackProvider<{ q: string }, Hit[]> = { name: 'backup-search', cost: 2, run: (args, error) => backupSearch(args.q) };
 * ```
 */
export interface FallbackProvider<A = any, R = any> extends NamedFallback {
  run(args: A, error: Error, ctx: FallbackContext): R | PromiseLike<R>;
}

/**
 * A fixed value to serve.
 * @example
 * ```ts
 * const empty: StaticFallback<Hit[]> = { name: 'empty', value: [] };
 * ```
 */
export interface StaticFallback<R = any> extends NamedFallback {
  value: R;
}

/**
 * Serves the primary's last good result for the same key, if it is fresh enough.
 * @example
 * ```ts
 * const cached: LastGoodFallback<{ city: string }> = { name: 'cache', lastGood: { ttlMs: 60_000, maxEntries: 1_000, key: (a) => a.city } };
 * ```
 */
export interface LastGoodFallback<A = any> extends NamedFallback {
  lastGood: {
    /** How long a result may be served after the primary returned it, in ms. */
    ttlMs: number;
    /** How many keys are kept (the least recently stored goes first). Default 1 000. */
    maxEntries?: number;
    /** The cache key of the args. Default `JSON.stringify(args)`. */
    key?: (args: A) => string;
  };
}

/**
 * One entry of the `fallback` option: a function `(args, ctx)` with fn's signature
 * (`ctx.error` holds the failure), a provider `{ run(args, error, ctx) }`, a static `{ value }`,
 * or `{ lastGood }`. Each may carry a `name` and a `cost`.
 * @example
 * ```ts
 * const chain: Array<Fallback<{ city: string }, Forecast>> = [
 *   { name: 'cache', lastGood: { ttlMs: 600_000 } },
 *   { name: 'backup-api', cost: 3, run: ({ city }) => backupApi.forecast(city) },
 *   { name: 'unknown', value: { forecast: 'unknown' } },
 * ];
 * ```
 */
export type Fallback<A = any, R = any> = FallbackFunction<A, R> | FallbackProvider<A, R> | StaticFallback<R> | LastGoodFallback<A>;

/** A fallback as the fallback step runs it. */
export interface ResolvedFallback {
  readonly name: string | undefined;
  readonly cost: number | undefined;
  call(args: unknown, ctx: FallbackContext): unknown;
  /** Only for `lastGood`: where the primary's successes are stored. */
  readonly cache: LastGoodCache | undefined;
}

/**
 * The failure of a `lastGood` fallback that holds nothing fresh for the args: recorded on its
 * `'fallback'` action, and part of the `AggregateError` when no fallback served.
 * @example
 * ```ts
 * const misses = result.error instanceof AggregateError ? result.error.errors.filter((e) => e instanceof NoLastGoodResultError) : [];
 * ```
 */
export class NoLastGoodResultError extends Error {
  readonly code = 'ERR_NO_LAST_GOOD_RESULT';
  override readonly name = 'NoLastGoodResultError';
}
recogniseOtherCopies(NoLastGoodResultError, 'ERR_NO_LAST_GOOD_RESULT');

const defaultKey = (args: unknown): string => JSON.stringify(args) ?? 'undefined';

/** One cache per `lastGood` entry, so a pipeline and its overrides (same entry object) share it. */
const caches = new WeakMap<object, LastGoodCache>();

/** Normalises the validated `fallback` option into the providers the fallback step runs. */
export function resolveFallbacks(option: Fallback | ReadonlyArray<Fallback> | undefined, clock: Clock): ReadonlyArray<ResolvedFallback> {
  if (option === undefined) return [];
  const list: ReadonlyArray<Fallback> = Array.isArray(option) ? option : [option as Fallback];
  return list.map((entry) => resolveOne(entry, clock));
}

function resolveOne(entry: Fallback, clock: Clock): ResolvedFallback {
  if (typeof entry === 'function') return { name: undefined, cost: undefined, cache: undefined, call: entry as ResolvedFallback['call'] };
  const { name, cost } = entry;
  if ('run' in entry) {
    const run = entry.run;
    return { name, cost, cache: undefined, call: (args, ctx) => run.call(entry, args, ctx.error, ctx) };
  }
  if ('lastGood' in entry) {
    const { ttlMs, maxEntries = 1_000, key = defaultKey } = entry.lastGood;
    let cache = caches.get(entry);
    if (cache === undefined) caches.set(entry, (cache = new LastGoodCache(key as (args: unknown) => string, ttlMs, maxEntries, clock)));
    const found = cache;
    return {
      name, cost, cache,
      call(args) {
        const hit = found.recall(args);
        if (hit === undefined) throw new NoLastGoodResultError('no good result younger than lastGood.ttlMs is cached for these args');
        return hit.value;
      },
    };
  }
  const { value } = entry as StaticFallback;
  return { name, cost, cache: undefined, call: () => value };
}
