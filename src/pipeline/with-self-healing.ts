import { HealingConfigError, HealingError } from '../errors.js';
import { HealingPipeline } from './healing-pipeline.js';
import type { HealingOptions } from './options.js';

type AsyncMethod<This, Args extends unknown[], R> = (this: This, ...args: Args) => Promise<R>;

/**
 * The decorator `withSelfHealing(options)` returns. It works both as a standard (TC39) method
 * decorator and under TypeScript's `experimentalDecorators`. `FallbackResult` is what the
 * options' fallbacks resolve (`never` without one): a method whose result type does not admit
 * it is a compile error on the decorator, reported as a property named "the fallback resolves a
 * type this method does not return" so the message names the mismatch. (The check is written out
 * in both signatures rather than named, to keep the main entry's type count down.)
 *
 * @example
 * ```ts
 * const healed: SelfHealingDecorator = withSelfHealing({ retry: { maxAttempts: 3 } });
 * const orEmpty: SelfHealingDecorator<string[]> = withSelfHealing({ fallback: () => [] as string[] });
 * ```
 */
export interface SelfHealingDecorator<FallbackResult = never> {
  <This, Args extends unknown[], R>(
    method: AsyncMethod<This, Args, R>,
    context: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>> & ([FallbackResult] extends [R] ? unknown : { 'the fallback resolves a type this method does not return': FallbackResult }),
  ): AsyncMethod<This, Args, R>;
  <R>(
    prototype: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<(...args: any[]) => Promise<R>> & ([FallbackResult] extends [R] ? unknown : { 'the fallback resolves a type this method does not return': FallbackResult }),
  ): PropertyDescriptor;
}

function heal<This, Args extends unknown[], R>(method: (this: This, ...args: Args) => R | Promise<R>, pipeline: HealingPipeline): AsyncMethod<This, Args, R> {
  if (typeof method !== 'function') throw new HealingConfigError('withSelfHealing', 'can only wrap a function or decorate a method');
  return async function healed(this: This, ...params: Args): Promise<R> {
    const self = this;
    const result = await pipeline.execute((args: Args) => method.apply(self, args), params);
    if (result.status === 'ok') return result.result as R;
    throw new HealingError(result);
  };
}

/**
 * Heals a class method (as a decorator) or a plain function. The method resolves its healed
 * value or rejects with a {@link HealingError} whose `result` is the {@link HealingResult}. For
 * methods, the args that reflection sees and repairs are the parameter list.
 *
 * @example
 * ```ts
 * class WeatherClient {
 *   @withSelfHealing({ circuitName: 'weather', retry: { maxAttempts: 4 } })
 *   async forecast(city: string): Promise<Forecast> {
 *     return (await fetch(`https://api.example.com/forecast/${city}`)).json();
 *   }
 * }
 *
 * const getRates = withSelfHealing(async (currency: string) => fetchRates(currency), { timeoutMs: 1_000 });
 * ```
 */
export function withSelfHealing<FallbackResult = never>(options?: HealingOptions<unknown[], FallbackResult>): SelfHealingDecorator<FallbackResult>;
/**
 * Wraps a plain function: the wrapper resolves the healed value or rejects with a
 * {@link HealingError}; the parameter list is the `args` a reflector sees.
 *
 * @example
 * ```ts
 * const getRates = withSelfHealing(async (currency: string) => fetchRates(currency), { timeoutMs: 1_000 });
 * const rates = await getRates('EUR');
 * ```
 */
export function withSelfHealing<Args extends unknown[], R>(
  fn: (...args: Args) => R | Promise<R>,
  options?: HealingOptions<Args, Awaited<R>>,
): (...args: Args) => Promise<Awaited<R>>;
export function withSelfHealing(
  fnOrOptions?: ((...args: unknown[]) => unknown) | HealingOptions,
  maybeOptions?: HealingOptions,
): unknown {
  if (typeof fnOrOptions === 'function') return heal(fnOrOptions, new HealingPipeline(maybeOptions));
  const pipeline = new HealingPipeline(fnOrOptions);
  return function decorate(target: unknown, context: unknown, descriptor?: PropertyDescriptor): unknown {
    if (descriptor !== undefined && typeof descriptor === 'object') {
      // experimentalDecorators: (prototype, key, descriptor)
      descriptor.value = heal(descriptor.value as (...args: unknown[]) => unknown, pipeline);
      return descriptor;
    }
    const kind = (context as { kind?: unknown } | undefined)?.kind;
    if (kind !== 'method') {
      throw new HealingConfigError('withSelfHealing', `decorates methods only, not a ${String(kind ?? typeof target)}`);
    }
    return heal(target as (...args: unknown[]) => unknown, pipeline);
  } as SelfHealingDecorator;
}
