// The public surface of self-healing: re-exports only. The main entry holds what a user composes
// (pipelines, strategies, breakers, fallbacks, reflectors, errors, statistics); integrations and
// store implementers live on subpaths: self-healing/fleet, /redis, /otel, /llm, /http, /opossum,
// /testing. Types a user never writes by name (event payload internals, union members, option
// bags of a constructor) stay reachable as the types of the members that use them.
export { executeWithHealing } from './pipeline/execute-with-healing.js';
export { HealingPipeline } from './pipeline/healing-pipeline.js';
export { executeBatch } from './pipeline/execute-batch.js';
export type { BatchOptions, BatchResult } from './batch/batch.js';
export { withSelfHealing, type SelfHealingDecorator } from './pipeline/with-self-healing.js';
export type { HealingResult, HealingAction, HealingActionKind, GiveUpReason } from './pipeline/healing-result.js';
export type { HealingStrategy, StrategyContext, StrategyAction, NextStrategy, Outcome } from './pipeline/strategy.js';
export { oneRecoveryPerKey } from './shared-recovery/one-recovery-per-key.js';
export { restart } from './recovery-strategies/restart.js';
export { reconfigure } from './recovery-strategies/reconfigure.js';
export { isolate } from './recovery-strategies/isolate.js';
export { escalate } from './recovery-strategies/escalate.js';
export { chooseByResults } from './recovery-strategies/choose-by-results.js';
export type { StrategyScore } from './recovery-strategies/strategy-scores.js';
export { SafetyPolicy, type Risk } from './safety/safety-policy.js';
export type { HealingOptions, AttemptContext, FallbackContext, HealingFunction, FallbackFunction } from './pipeline/options.js';
export type { RetryOptions } from './retry/retry-options.js';
export type { ProposalGuard, ArgsSchema } from './reflect/reflect-options.js';

export { ErrorClassifier } from './classify/error-classifier.js';
export type { Classification, ClassificationRule, Classifier, Disposition, ErrorMatcher } from './classify/classification.js';
export type { Severity } from './classify/severity.js';

export { CircuitBreaker, type CircuitState, type CircuitBreakerStats } from './circuit/circuit-breaker.js';
export type { CircuitControl } from './circuit/circuit-types.js';
export { CircuitBreakerRegistry, getCircuitBreaker, getDefaultRegistry } from './circuit/registry.js';
export type { CircuitBreakerConfig, CircuitPolicy } from './circuit/circuit-config.js';
export type { CircuitEvents, CircuitStateChange } from './circuit/circuit-events.js';
export type { RegistrySnapshot } from './circuit/snapshot.js';
export type { CircuitBreakerLike } from './circuit/circuit-breaker-like.js';

export type {
  Reflector, ReflectionRequest, ReflectionProposal, ReflectionTextProposal, ReflectionUsage, ReflectionSpend,
} from './reflect/reflector.js';
export { ruleReflector, type ReflectionRule } from './reflect/rule-reflector.js';
export { schemaReflector } from './reflect/schema-reflector.js';

export type { RollbackOptions } from './recover/rollback-options.js';
export type { TransactionStep, TransactionResult } from './recover/transaction.js';
export {
  NoLastGoodResultError, type Fallback, type FallbackProvider, type StaticFallback, type LastGoodFallback,
} from './fallback/fallback-kinds.js';
export type { HedgeOptions } from './hedge/hedge-options.js';
export { Bulkhead } from './bulkhead/bulkhead.js';
export type { BulkheadConfig } from './bulkhead/bulkhead-options.js';
export { BulkheadRejectedError, isBulkheadRejectedError } from './bulkhead/bulkhead-rejected-error.js';
export { GracefulDegradation } from './degrade/graceful-degradation.js';
export { DegradableFeature, type FeatureEvents } from './degrade/degradable-feature.js';
export type { FeatureConfig } from './degrade/feature-options.js';
export { AdaptiveHealing, type ActionStats } from './adaptive/adaptive-healing.js';
export type { AdaptiveConfig } from './adaptive/adaptive-options.js';
export { SlidingWindowRetryBudget, type RetryBudget } from './budget/retry-budget.js';
export type { HealingLogger } from './observe/logger.js';
export { systemClock, sleep, type Clock } from './clock.js';
export { refreshEnvironment } from './config/environment.js';
export {
  HealingConfigError, HealingError, CircuitOpenError, AttemptTimeoutError, NonErrorThrownError, RegistryFullError,
  isHealingConfigError, isHealingError, isCircuitOpenError, isAttemptTimeoutError,
} from './errors.js';

export type {
  PipelineEvents, PipelineEventName, AttemptEvent, ActionEvent, OutcomeEvent, EscalateEvent,
} from './events/pipeline-events.js';
export { HealingStatistics } from './stats/healing-statistics.js';
export type { StatisticsCounters, RecoveryStats, RecoveryRecord, StatisticsSnapshot } from './stats/statistics-types.js';
export { HealthMonitor, type HealthCheck, type HealthAlert, type SystemHealth, type CheckResult } from './health/health-monitor.js';
export type { HealthLevel } from './health/health-level.js';
export type { ComponentHealth, RecurringError } from './health/health-types.js';
