import { z } from 'zod';
import { recogniseOtherCopies } from '../errors.js';
import type { AttemptContext, HealingFunction } from '../pipeline/options.js';
import { chaosOptionsShape, injectionDecider, parseChaosOptions, type ChaosFunction, type ChaosOptions } from './chaos-options.js';

/**
 * The error {@link injectFault} throws when no `error` is given. It carries no HTTP status or
 * code, so the default classifier treats it as an unknown, transient failure.
 *
 * @example
 * ```ts
 * if (result.status === 'error' && result.error instanceof InjectedFaultError) console.log('chaos won');
 * ```
 */
export class InjectedFaultError extends Error {
  readonly code = 'ERR_INJECTED_FAULT';
  override readonly name = 'InjectedFaultError';

  constructor(message = 'self-healing/testing: injected fault') {
    super(message);
  }
}
recogniseOtherCopies(InjectedFaultError, 'ERR_INJECTED_FAULT');

/**
 * Options of {@link injectFault}.
 *
 * @example
 * ```ts
 * const options: FaultOptions = { rate: 0.3, seed: 1, error: () => Object.assign(new Error('busy'), { status: 503 }) };
 * ```
 */
export interface FaultOptions extends ChaosOptions {
  /**
   * What an injected call throws: a value (thrown as is, every time) or a function called per
   * injection that returns it (a fresh error each time). Default: a new {@link InjectedFaultError}.
   */
  error?: unknown;
}

const faultOptionsSchema = z.strictObject({ ...chaosOptionsShape, error: z.unknown().optional() }) as unknown as z.ZodType<FaultOptions>;

/**
 * Wraps `fn` so that a share (`rate`) of its calls fail with `error` instead of calling it, like
 * Polly's chaos fault strategy. Use it to prove that your pipeline heals the failures you expect.
 *
 * @example
 * ```ts
 * import { injectFault } from 'self-healing/testing';
 * const flaky = injectFault(getUser, { rate: 0.3, seed: 42, error: () => Object.assign(new Error('busy'), { status: 503 }) });
 * const result = await executeWithHealing(flaky, { id: '1' }, { retry: { maxAttempts: 5, minDelayMs: 0 } });
 * expect(result.status).toBe('ok');
 * ```
 * @throws {HealingConfigError} when `fn` is not a function or an option is invalid.
 */
export function injectFault<A, R>(fn: HealingFunction<A, R>, options: FaultOptions = {}): ChaosFunction<A, R> {
  const parsed = parseChaosOptions(faultOptionsSchema, fn, options, 'injectFault');
  const decider = injectionDecider(parsed);
  const { error } = parsed;
  const makeError = typeof error === 'function' ? (error as () => unknown) : error === undefined ? () => new InjectedFaultError() : () => error;
  const wrapped = async (args: A, ctx: AttemptContext): Promise<Awaited<R>> => {
    if (decider.shouldInject()) throw makeError();
    return await fn(args, ctx);
  };
  return Object.assign(wrapped, { stats: decider.stats as Readonly<typeof decider.stats> });
}
