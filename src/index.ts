// The public surface of self-healing: re-exports only.
export { executeWithHealing } from './pipeline/execute-with-healing.js';
export { HealingPipeline } from './pipeline/healing-pipeline.js';
export { executeBatch } from './batch/execute-batch.js';
export type { BatchOptions, BatchResult, BatchTotals } from './batch/batch.js';
export { withSelfHealing, type SelfHealingDecorator } from './pipeline/with-self-healing.js';
export type { HealingResult, HealingAction, HealingActionKind, GiveUpReason } from './pipeline/healing-result.js';
export type {
  HealingOptions, RetryOptions, Jitter, AttemptContext, FallbackContext, HealingFunction, FallbackFunction,
} from './pipeline/options.js';

export { ErrorClassifier, type ErrorClassifierOptions } from './classify/error-classifier.js';
export type { Classification, ClassificationRule, Classifier, Disposition, ErrorMatcher } from './classify/classification.js';
export { parseRetryAfter } from './classify/retry-after.js';

export { CircuitBreaker, type CircuitState, type CircuitBreakerStats, type CircuitControl } from './circuit/circuit-breaker.js';
export {
  CircuitBreakerRegistry, getCircuitBreaker, getDefaultRegistry,
  type CircuitBreakerRegistryOptions, type RegistryEvents, type RegistryMembershipEvent,
} from './circuit/registry.js';
export type {
  CircuitBreakerConfig, CircuitPolicy, ConsecutivePolicy, CountWindowPolicy, TimeWindowPolicy,
} from './circuit/circuit-config.js';
export type { CircuitEvents, CircuitStateChange, CircuitRejection, TransitionReason } from './circuit/circuit-events.js';
export type { RegistrySnapshot } from './circuit/snapshot.js';
export type { CircuitBreakerLike } from './circuit/circuit-breaker-like.js';

export type { RollbackOptions, CompensateFunction } from './recover/rollback-options.js';
export type {
  TransactionStep, TransactionOptions, TransactionResult, CompensationFailure,
} from './recover/transaction.js';
export {
  NoLastGoodResultError, type Fallback, type FallbackProvider, type StaticFallback, type LastGoodFallback,
} from './fallback/fallback-kinds.js';
export type { HedgeOptions } from './hedge/hedge-options.js';
export { Bulkhead, type BulkheadConfig } from './bulkhead/bulkhead.js';
export { BulkheadRejectedError, isBulkheadRejectedError, type BulkheadRejection } from './bulkhead/bulkhead-rejected-error.js';
export { GracefulDegradation } from './degrade/graceful-degradation.js';
export { DegradableFeature, type FeatureConfig, type FeatureChange, type FeatureEvents } from './degrade/degradable-feature.js';
export {
  AdaptiveHealing, type AdaptiveConfig, type AdaptiveAction, type AdaptiveEvents, type ActionStats, type Escalation,
} from './adaptive/adaptive-healing.js';
export { SlidingWindowRetryBudget, type RetryBudget, type RetryBudgetConfig } from './budget/retry-budget.js';
export type { Reflector, ReflectionRequest, ReflectionProposal, ReflectionHistoryEntry } from './reflect/reflector.js';
export { backoffDelay, type BackoffPolicy } from './retry/backoff.js';
export { readEnvironment, type EnvironmentSettings } from './config/environment.js';
export type { HealingLogger } from './observe/logger.js';
export { redactMessage } from './observe/redact.js';
export { systemClock, sleep, type Clock } from './clock.js';
export {
  HealingConfigError, HealingError, CircuitOpenError, AttemptTimeoutError, NonErrorThrownError, RegistryFullError,
  isHealingConfigError, isHealingError, isCircuitOpenError, isAttemptTimeoutError,
} from './errors.js';
