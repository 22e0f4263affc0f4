import { AdaptiveHealing } from '../adaptive/adaptive-healing.js';
import { Bulkhead } from '../bulkhead/bulkhead.js';
import { bulkheadConfigSchema } from '../bulkhead/bulkhead-options.js';
import { retryBudgetConfigSchema } from '../budget/retry-budget-options.js';
import type { CircuitBreakerRegistry } from '../circuit/registry.js';
import type { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { configDifference } from '../core/config-difference.js';
import { setWithin } from '../core/bounded-map.js';
import { HealingConfigError } from '../errors.js';
import type { Fallback } from '../fallback/fallback-kinds.js';
import { dataValue } from '../core/guards.js';
import type { HealingOptions } from './options.js';

/*
 * Options given per call (`executeWithHealing(fn, args, options)`, `pipeline.execute`'s
 * overrides) are a new object in every call when written inline, so state tied to the object (a
 * bulkhead's slots, a retry budget's window, adaptive learning, a lastGood cache) would start
 * afresh each call and bound nothing. Such state is kept by name instead, in the registry, the
 * way breakers are: the first config seen for (kind, name) is the canonical one, and the
 * builders (resolveBulkhead, resolveRetryBudget, resolveFallbacks), which key their state by
 * config object, are handed that object. Inline and reused options then behave the same.
 */

interface Kept {
  readonly config: unknown;
  readonly value: unknown;
}

/**
 * How many (kind, name) states a registry keeps; past it the first kept is forgotten (a name seen
 * again then starts afresh). Per-tenant names would otherwise grow it for good.
 */
const MAX_KEPT = 10_000;

/** Per registry, so a test's own registry starts with none and the state lives as long as it. */
const keptByRegistry = new WeakMap<CircuitBreakerRegistry, Map<string, Kept>>();

/**
 * Swaps the stateful configs of `overrides` (the schema's copy of the call's options) in `merged`
 * for the canonical objects kept under `name`. Without a name, refuses them: there is nothing to
 * key the state by. `own` is the caller's object itself, asked only which objects it holds: the
 * pipeline's own configs given again share the pipeline's state.
 * @throws {HealingConfigError} naming the option, when there is no name or the name already has another config.
 */
export function keepStateByName(
  merged: HealingOptions, overrides: HealingOptions, own: HealingOptions, base: HealingOptions, given: HealingOptions, name: string | undefined,
  registry: CircuitBreakerRegistry,
): void {
  const kept = <T>(option: string, what: string, config: T, value?: () => T, schema?: z.ZodType, kind = option): T => {
    // A bad config gets the schema's precise message, never the refusal's or the conflict's.
    const check = schema === undefined ? undefined : () => parseWith(schema, config, option);
    const key = `${kind}\u0000${name}`;
    if (check !== undefined && (name === undefined || !keptByRegistry.get(registry)?.has(key))) check();
    if (name === undefined) {
      throw new HealingConfigError(option, `holds state across calls (${what}), which options given per call can keep only by name: ` +
        'add a circuitName (or name) to these options, or build a HealingPipeline with them once and reuse it');
    }
    return keep(registry, option, key, name, config, value, check);
  };
  const { bulkhead, retryBudget, fallback } = overrides;
  // The pipeline's own configs given again, as the objects its options were built from (`given`)
  // or as the schema's copies that key its state (`base`, as `{ ...pipeline.options }` gives
  // them): the pipeline's state. Asked of the caller's data properties only, never of a getter.
  const pipelines = (key: 'bulkhead' | 'retryBudget' | 'fallback'): boolean => {
    const value = dataValue(own, key);
    return value !== undefined && (value === given[key] || value === base[key]);
  };
  if (bulkhead !== undefined && pipelines('bulkhead')) merged.bulkhead = base.bulkhead;
  else if (bulkhead !== undefined && !(bulkhead instanceof Bulkhead)) {
    merged.bulkhead = kept('bulkhead', "a bulkhead's slots and queue", bulkhead, undefined, bulkheadConfigSchema);
  }
  if (retryBudget !== undefined && pipelines('retryBudget')) merged.retryBudget = base.retryBudget;
  else if (retryBudget !== undefined && isPipelineBudgetConfig(retryBudget)) {
    merged.retryBudget = kept('retryBudget', "a retry budget's window of calls", retryBudget, undefined, retryBudgetConfigSchema);
  }
  // `adaptive: true` again, over a pipeline that has it: the pipeline's own instance, which its overrides share.
  if (overrides.adaptive === true && base.adaptive instanceof AdaptiveHealing) merged.adaptive = base.adaptive;
  else if (overrides.adaptive === true) {
    merged.adaptive = kept<boolean | AdaptiveHealing>('adaptive', 'what adaptive healing learned', true, () => new AdaptiveHealing());
  }
  if (fallback !== undefined && pipelines('fallback')) merged.fallback = base.fallback;
  else if (fallback !== undefined && typeof fallback !== 'function') {
    const indexes = lastGoodIndexes(fallback);
    if (indexes.length > 0) {
      const list = (Array.isArray(fallback) ? [...fallback] : [fallback]) as Fallback[];
      for (const index of indexes) {
        const option = Array.isArray(fallback) ? `fallback.${index}` : 'fallback';
        // Kept by the fallback's own name, wherever it stands in the list: calls of one name
        // that list it among other fallbacks share its cache. An unnamed one has only its place.
        const entryName = (list[index] as { name?: unknown }).name;
        list[index] = kept(option, 'the results a lastGood fallback serves', list[index]!, undefined, undefined,
          typeof entryName === 'string' ? `lastGood\u0000${entryName}` : option);
      }
      merged.fallback = Array.isArray(fallback) ? list : list[0];
    }
  }
}

function keep<T>(
  registry: CircuitBreakerRegistry, option: string, key: string, name: string, config: T, value: (() => T) | undefined, check: (() => unknown) | undefined,
): T {
  let byKey = keptByRegistry.get(registry);
  if (byKey === undefined) keptByRegistry.set(registry, (byKey = new Map()));
  const found = byKey.get(key);
  if (found === undefined) {
    const made = value === undefined ? config : value();
    // Names can be per tenant: the oldest state is forgotten past MAX_KEPT, as idle breakers are.
    setWithin(byKey, key, { config, value: made }, MAX_KEPT);
    return made;
  }
  const difference = configDifference(found.config, config);
  if (difference !== undefined) {
    check?.();
    throw new HealingConfigError(option, `"${name}" already keeps its state with another config: ${difference}. ` +
      'Give every call of one name the same config, or another name for another config');
  }
  // Kept under this option's key, so made for this option: of its type.
  return found.value as T;
}

function hasState(value: unknown, method: string): boolean {
  return typeof (value as Record<string, unknown>)[method] === 'function';
}

/** A budget config keyed by its object: `scope: 'circuit'` budgets are kept by circuit name already. */
export function isPipelineBudgetConfig(option: NonNullable<HealingOptions['retryBudget']>): boolean {
  return !hasState(option, 'tryWithdraw') && (option as { scope?: string }).scope !== 'circuit';
}

/** The indexes of the `lastGood` entries of a `fallback` option (one entry or a list). */
export function lastGoodIndexes(fallback: NonNullable<HealingOptions['fallback']>): number[] {
  const list: ReadonlyArray<unknown> = Array.isArray(fallback) ? fallback : [fallback];
  const found: number[] = [];
  list.forEach((entry, index) => {
    if (entry !== null && typeof entry === 'object' && 'lastGood' in entry) found.push(index);
  });
  return found;
}
