/**
 * `self-healing/fleet`: circuit breakers and retry budgets shared by every process of a service,
 * and the `StateStore` contract they keep their state in. `MemoryStateStore` shares within one
 * process (and runs a "fleet" in tests); `createRedisStateStore` from `self-healing/redis` shares
 * across processes. Implement `StateStore` to keep the state anywhere else. Re-exports only.
 *
 * @example
 * ```ts
 * import { HealingPipeline, CircuitBreakerRegistry } from 'self-healing';
 * import { SharedCircuitBreaker } from 'self-healing/fleet';
 * import { createRedisStateStore } from 'self-healing/redis';
 *
 * const registry = new CircuitBreakerRegistry();
 * registry.register(new SharedCircuitBreaker('payments', { store: createRedisStateStore({ client: redis }) }));
 * const pipeline = new HealingPipeline({ circuitName: 'payments', registry });
 * ```
 * @module self-healing/fleet
 */
export {
  SharedCircuitBreaker, type SharedCircuitEvents, type SharedCircuitBreakerStats, type StoreAvailabilityChange,
} from './shared-circuit-breaker.js';
export type { SharedCircuitBreakerOptions } from './shared-breaker-config.js';
export { MemoryStateStore } from './memory-state-store.js';
export { SharedRetryBudget, type SharedRetryBudgetOptions, type SharedRetryBudgetStats } from './shared-retry-budget.js';
export type {
  StateStore, WindowSpec, WindowTotals, SharedCircuitState, StateTransition, StoredState, CompareAndSetResult,
} from './state-store.js';
