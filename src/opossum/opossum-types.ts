// Structural types for the part of opossum this module touches. opossum ships no types of its own
// and is an optional peer, so the shipped .d.ts must not import 'opossum' or '@types/opossum': a
// user without them would get a type error from inside this package. @types/opossum's
// `CircuitBreaker` is assignable to these (test/opossum/opossum.test.ts keeps that true).

/**
 * The rolling-window totals opossum keeps (`breaker.stats`), as far as this module reads them.
 *
 * @example
 * ```ts
 * const { fires, failures } = breaker.stats as OpossumWindowStats;
 * console.log(`${((failures / fires) * 100).toFixed(0)}% of the window failed`);
 * ```
 */
export interface OpossumWindowStats {
  fires: number;
  successes: number;
  failures: number;
  rejects: number;
  timeouts: number;
  fallbacks: number;
  semaphoreRejections: number;
  latencyMean: number;
}

/**
 * The members of an opossum (>= 9) `CircuitBreaker` that `self-healing/opossum` uses. You never
 * implement it: pass the breaker `createOpossumBreaker` returned, whose type stays opossum's own
 * when `@types/opossum` is installed.
 *
 * @example
 * ```ts
 * import CircuitBreaker from 'opossum';
 * const breaker: OpossumCircuitBreaker = createOpossumBreaker(CircuitBreaker, { name: 'payments' });
 * ```
 */
export interface OpossumCircuitBreaker {
  readonly name: string;
  readonly enabled: boolean;
  readonly closed: boolean;
  readonly opened: boolean;
  readonly halfOpen: boolean;
  readonly pendingClose: boolean;
  readonly isShutdown: boolean;
  readonly volumeThreshold: number;
  readonly stats: OpossumWindowStats;
  // `any[]` so that @types/opossum's `fire(...args: TI)` fits whatever TI is.
  fire(...args: any[]): Promise<unknown>;
  close(): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Options of {@link createOpossumBreaker}: opossum's own constructor options, passed through
 * unchanged, with `name` required (it labels opossum's metrics and becomes the adapter's name) and
 * `cache`/`coalesce` refused (a cached or coalesced `fire()` would skip the call, so the adapter
 * could not tell a replayed value from a refusal).
 *
 * The typed fields are the ones that shape the breaking policy; every other opossum option
 * (`capacity`, `errorFilter`, `allowWarmUp`, `abortController`, `rotateBucketController`,
 * `enableSnapshots`, `group`, ...) is accepted as is.
 *
 * @example
 * ```ts
 * const options: OpossumBreakerOptions = {
 *   name: 'payments', errorThresholdPercentage: 50, volumeThreshold: 10, resetTimeout: 30_000, timeout: false,
 * };
 * ```
 */
export interface OpossumBreakerOptions {
  /** The breaker's name in opossum (metrics labels) and, by default, in the registry. */
  name: string;
  /** ms the breaker stays open before opossum moves it to half-open. opossum's default: 30000. */
  resetTimeout?: number;
  /** Failure rate (%) of the rolling window above which opossum opens. opossum's default: 50. */
  errorThresholdPercentage?: number;
  /** Calls the window must hold before the rate can open the breaker. opossum's default: 0. */
  volumeThreshold?: number;
  /** ms after which opossum counts a still-running call as a timeout failure, or `false`. opossum's default: 10000. */
  timeout?: number | false;
  /** The rolling window's length in ms. opossum's default: 10000. */
  rollingCountTimeout?: number;
  /** How many buckets the window is cut into. opossum's default: 10. */
  rollingCountBuckets?: number;
  /** Refused: see above. */
  cache?: false;
  /** Refused: see above. */
  coalesce?: false;
  [option: string]: unknown;
}
