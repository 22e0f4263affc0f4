import { environmentGeneration } from '../config/environment.js';
import type { HealingResult } from './healing-result.js';
import { HealingPipeline } from './healing-pipeline.js';
import type { HealingFunction, HealingOptions } from './options.js';

let defaultPipeline: HealingPipeline | undefined;
let defaultPipelineGeneration = -1;

/** The default pipeline, rebuilt after each `refreshEnvironment()` (see `config/environment.ts`). */
export function pipelineForCurrentEnvironment(): HealingPipeline {
  const generation = environmentGeneration();
  if (defaultPipeline === undefined || generation !== defaultPipelineGeneration) {
    defaultPipeline = new HealingPipeline();
    defaultPipelineGeneration = generation;
  }
  return defaultPipeline;
}

/**
 * Calls `fn(args, ctx)` and heals it: classifies each failure, retries transient ones with
 * backoff and jitter, asks the `reflector` to repair args for recoverable ones, goes through the
 * named circuit breaker, and falls back when nothing else works. It is `execute` on a
 * default pipeline whose environment switches (`SELF_HEALING_*`) are read once, and again at
 * `refreshEnvironment()`.
 *
 * Never rejects because `fn` failed (that is `status: 'error'`); rejects with a
 * `HealingConfigError` only for misuse.
 *
 * @example
 * ```ts
 * const result = await executeWithHealing(
 *   async ({ city }, { signal }) => (await fetch(`https://api.example.com/weather/${city}`, { signal })).json(),
 *   { city: 'Oslo' },
 *   { circuitName: 'weather', timeoutMs: 2_000, fallback: () => ({ forecast: 'unknown' }) },
 * );
 * if (result.status === 'ok') console.log(result.result, result.healed, result.healingActions);
 * ```
 */
export function executeWithHealing<A, R>(
  fn: HealingFunction<A, R>,
  args: A,
  options?: HealingOptions<A, Awaited<R>>,
): Promise<HealingResult<Awaited<R>>>;
/**
 * A function that takes no args needs none: `executeWithHealing(fn)` heals it with the defaults.
 *
 * @example
 * ```ts
 * const result = await executeWithHealing(async () => (await fetch('https://api.example.com/health')).json());
 * ```
 */
export function executeWithHealing<R>(fn: HealingFunction<undefined, R>): Promise<HealingResult<Awaited<R>>>;
export function executeWithHealing<A, R>(
  fn: HealingFunction<A, R>,
  args?: A,
  options?: HealingOptions<A, Awaited<R>>,
): Promise<HealingResult<Awaited<R>>> {
  let pipeline: HealingPipeline;
  try {
    pipeline = pipelineForCurrentEnvironment();
  } catch (error) {
    return Promise.reject(error); // a bad SELF_HEALING_* value: misuse rejects, never throws synchronously
  }
  return pipeline.execute(fn, args as A, options);
}
