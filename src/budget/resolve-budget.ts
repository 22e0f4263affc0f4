import type { CircuitBreakerRegistry } from '../circuit/registry.js';
import type { Clock } from '../clock.js';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import { SlidingWindowRetryBudget, type RetryBudget } from './retry-budget.js';
import { retryBudgetConfigSchema, type RetryBudgetConfig } from './retry-budget-options.js';

/** Budgets built from a config object: one per object, so a pipeline's overrides share its budget. */
const pipelineBudgets = new WeakMap<object, RetryBudget>();
/** Per-circuit budgets live as long as their registry. */
const circuitBudgets = new WeakMap<CircuitBreakerRegistry, Map<string, RetryBudget>>();

/**
 * The budget an execution draws from: the user's own {@link RetryBudget}, or the built-in one
 * for a config, made once per config object (`scope: 'pipeline'`) or per circuit (`'circuit'`).
 */
export function resolveRetryBudget(
  option: RetryBudgetConfig | RetryBudget | undefined,
  circuitName: string | undefined,
  registry: CircuitBreakerRegistry,
  clock: Clock,
): RetryBudget | undefined {
  if (option === undefined) return undefined;
  if (typeof (option as RetryBudget).tryWithdraw === 'function') {
    if (typeof (option as RetryBudget).deposit !== 'function') throw new HealingConfigError('retryBudget.deposit', 'expected a function: a RetryBudget needs tryWithdraw() and deposit()');
    return option as RetryBudget;
  }
  const config = parseWith(retryBudgetConfigSchema, option, 'retryBudget');
  const settings = { ratio: config.ratio, minRetries: config.minRetries, windowMs: config.windowMs };
  if (config.scope === 'circuit') {
    if (circuitName === undefined) {
      throw new HealingConfigError('retryBudget.scope', "'circuit' needs a circuitName to key the budget by; set circuitName or use scope 'pipeline'");
    }
    let byName = circuitBudgets.get(registry);
    if (byName === undefined) circuitBudgets.set(registry, (byName = new Map()));
    let budget = byName.get(circuitName);
    if (budget === undefined) byName.set(circuitName, (budget = new SlidingWindowRetryBudget(settings, clock)));
    return budget;
  }
  let budget = pipelineBudgets.get(option);
  if (budget === undefined) pipelineBudgets.set(option, (budget = new SlidingWindowRetryBudget(settings, clock)));
  return budget;
}
