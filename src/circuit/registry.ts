import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { CircuitBreakerLike } from './circuit-breaker-like.js';
import { resolveCircuitBreakerConfig, type CircuitBreakerConfig } from './circuit-config.js';

const registryOptionsSchema = z.strictObject({
  clock: z.custom<Clock>(
    (value) => typeof (value as Clock | undefined)?.now === 'function' &&
      typeof (value as Clock).setTimeout === 'function' && typeof (value as Clock).clearTimeout === 'function',
    'expected a Clock with now(), setTimeout() and clearTimeout()',
  ).optional(),
});

/**
 * Options of {@link CircuitBreakerRegistry}.
 * @example
 * ```ts
 * const options: CircuitBreakerRegistryOptions = { clock: systemClock };
 * ```
 */
export interface CircuitBreakerRegistryOptions {
  /** The time source of every breaker in the registry. Default {@link systemClock}. */
  clock?: Clock;
}

/**
 * Named breakers, shared by everything that asks for the same name. `getCircuitBreaker` uses a
 * process-wide default registry; make your own to isolate tests or tenants.
 *
 * @example
 * ```ts
 * const registry = new CircuitBreakerRegistry();
 * const breaker = registry.get('search', { failureThreshold: 3 });
 * await executeWithHealing(search, { q: 'shoes' }, { circuitName: 'search', registry });
 * ```
 */
export class CircuitBreakerRegistry {
  /** The time source of every breaker in this registry. */
  readonly clock: Clock;
  private readonly breakers = new Map<string, CircuitBreakerLike>();

  constructor(options: CircuitBreakerRegistryOptions = {}) {
    this.clock = parseWith(registryOptionsSchema, options, 'registry').clock ?? systemClock;
  }

  /**
   * Returns the breaker named `name`, creating it with `config` if it does not exist yet. An
   * existing breaker keeps the config it was created with.
   */
  get(name: string, config?: CircuitBreakerConfig): CircuitBreaker {
    const existing = this.breakers.get(name);
    if (existing !== undefined) {
      if (!(existing instanceof CircuitBreaker)) {
        throw new HealingConfigError('circuitName', `"${name}" is a registered external breaker; use registry.find(name) to reach it`);
      }
      // A wrong config is an error whether or not the breaker exists yet.
      if (config !== undefined) resolveCircuitBreakerConfig(config);
      return existing;
    }
    if (typeof name !== 'string' || name.length === 0) {
      throw new HealingConfigError('circuitName', `expected a non-empty string, got ${JSON.stringify(name)}`);
    }
    const breaker = new CircuitBreaker(name, resolveCircuitBreakerConfig(config), this.clock);
    this.breakers.set(name, breaker);
    return breaker;
  }

  /**
   * Adds a breaker built elsewhere (e.g. an opossum adapter from `self-healing/opossum`) under its
   * `name`, so pipelines can use it through `circuitName`. A name can be taken only once.
   */
  register(breaker: CircuitBreakerLike): CircuitBreakerLike {
    const name = breaker?.name;
    if (typeof name !== 'string' || name.length === 0) {
      throw new HealingConfigError('breaker.name', 'a registered breaker needs a non-empty string name');
    }
    if (this.breakers.has(name)) throw new HealingConfigError('breaker.name', `a breaker named "${name}" already exists in this registry`);
    this.breakers.set(name, breaker);
    return breaker;
  }

  /** The breaker named `name`, native or registered, or `undefined`; never creates one. */
  find(name: string): CircuitBreakerLike | undefined {
    return this.breakers.get(name);
  }

  /** Whether a breaker named `name` exists. */
  has(name: string): boolean {
    return this.breakers.has(name);
  }

  /** Removes the breaker named `name`; the next `get` creates a fresh one. */
  delete(name: string): boolean {
    return this.breakers.delete(name);
  }

  /** Every breaker, in creation order. */
  all(): CircuitBreakerLike[] {
    return [...this.breakers.values()];
  }

  /** Closes every breaker. */
  resetAll(): void {
    for (const breaker of this.breakers.values()) breaker.reset();
  }
}

let defaultRegistry: CircuitBreakerRegistry | undefined;

/**
 * The process-wide registry that `getCircuitBreaker` and pipelines without a `registry` use.
 * @example
 * ```ts
 * getDefaultRegistry().resetAll();
 * ```
 */
export function getDefaultRegistry(): CircuitBreakerRegistry {
  return (defaultRegistry ??= new CircuitBreakerRegistry());
}

/**
 * The named breaker of the default registry, created with `config` on first use.
 *
 * @example
 * ```ts
 * const breaker = getCircuitBreaker('my_service');
 * if (breaker.canExecute()) {
 *   try { await callService(); breaker.recordSuccess(); } catch (error) { breaker.recordFailure(error); }
 * }
 * ```
 */
export function getCircuitBreaker(name: string, config?: CircuitBreakerConfig): CircuitBreaker {
  return getDefaultRegistry().get(name, config);
}
