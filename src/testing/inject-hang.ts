import { z } from 'zod';
import type { AttemptContext, HealingFunction } from '../pipeline/options.js';
import { chaosOptionsShape, injectionDecider, parseChaosOptions, type ChaosFunction, type ChaosOptions } from './chaos-options.js';

const hangOptionsSchema = z.strictObject(chaosOptionsShape) as unknown as z.ZodType<ChaosOptions>;

/**
 * Wraps `fn` so that a share (`rate`) of its calls never answer: they settle only when the
 * attempt's signal aborts (the pipeline's `timeoutMs`, or the caller's `signal`), rejecting with
 * its reason. Proves that a pipeline without a timeout would wait forever, and one with a
 * timeout moves on. A hung call holds no timer, so it never keeps a process alive.
 *
 * @example
 * ```ts
 * import { injectHang } from 'self-healing/testing';
 * const stuck = injectHang(getUser, { rate: 1 });
 * const result = await executeWithHealing(stuck, { id: '1' }, { timeoutMs: 50, retry: { maxAttempts: 1 } });
 * expect(result.error.name).toBe('AttemptTimeoutError');
 * ```
 * @throws {HealingConfigError} when `fn` is not a function or an option is invalid.
 */
export function injectHang<A, R>(fn: HealingFunction<A, R>, options: ChaosOptions = {}): ChaosFunction<A, R> {
  const parsed = parseChaosOptions(hangOptionsSchema, fn, options, 'injectHang');
  const decider = injectionDecider(parsed);
  const wrapped = async (args: A, ctx: AttemptContext): Promise<Awaited<R>> => {
    if (decider.shouldInject()) return untilAborted(ctx?.signal);
    return await fn(args, ctx);
  };
  return Object.assign(wrapped, { stats: decider.stats as Readonly<typeof decider.stats> });
}

function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal === undefined) return;
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
