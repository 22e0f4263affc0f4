import { z } from 'zod';
import { clockSchema, sleep, systemClock, type Clock } from '../clock.js';
import { MAX_MS } from '../config/schema-helpers.js';
import type { AttemptContext, HealingFunction } from '../pipeline/options.js';
import { chaosOptionsShape, injectionDecider, parseChaosOptions, type ChaosFunction, type ChaosOptions } from './chaos-options.js';

/**
 * Options of {@link injectLatency}.
 *
 * @example
 * ```ts
 * const options: LatencyOptions = { latencyMs: 2_000, rate: 0.1, seed: 3, clock: manualClock };
 * ```
 */
export interface LatencyOptions extends ChaosOptions {
  /** The delay added before an injected call, in ms: a number, or a function called per injection. */
  latencyMs: number | (() => number);
  /** Where the delay is waited. Default: the real clock. Pass the clock you give the pipeline. */
  clock?: Clock;
}

const latencyOptionsSchema = z.strictObject({
  ...chaosOptionsShape,
  latencyMs: z.union([z.number().min(0).max(MAX_MS), z.custom<() => number>((value) => typeof value === 'function', 'expected a number of ms or a function returning one')]),
  clock: clockSchema.optional(),
}) as unknown as z.ZodType<LatencyOptions>;

/**
 * Wraps `fn` so that a share (`rate`) of its calls wait `latencyMs` before calling it, like
 * Polly's chaos latency strategy. The wait honours the attempt's signal: when the pipeline's
 * `timeoutMs` passes (or the caller aborts) the call rejects with the signal's reason and `fn`
 * is never called, as a well-behaved slow client would.
 *
 * @example
 * ```ts
 * import { injectLatency } from 'self-healing/testing';
 * const slow = injectLatency(getUser, { latencyMs: 5_000, rate: 0.5, seed: 1, clock });
 * const result = await executeWithHealing(slow, { id: '1' }, { timeoutMs: 1_000, clock });
 * ```
 * @throws {HealingConfigError} when `fn` is not a function or an option is invalid.
 */
export function injectLatency<A, R>(fn: HealingFunction<A, R>, options: LatencyOptions): ChaosFunction<A, R> {
  const parsed = parseChaosOptions(latencyOptionsSchema, fn, options, 'injectLatency');
  const decider = injectionDecider(parsed);
  const clock = parsed.clock ?? systemClock;
  const { latencyMs } = parsed;
  const wrapped = async (args: A, ctx: AttemptContext): Promise<Awaited<R>> => {
    if (decider.shouldInject()) {
      const signal = ctx?.signal;
      const ms = typeof latencyMs === 'function' ? latencyMs() : latencyMs;
      // What a latency function returns is cut to what a timer can wait (about 24.8 days): past
      // that a platform timer fires at once, and sleep refuses it.
      if (!(await sleep(clock, Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_MS) : 0, signal))) throw signal!.reason;
    }
    return await fn(args, ctx);
  };
  return Object.assign(wrapped, { stats: decider.stats as Readonly<typeof decider.stats> });
}
