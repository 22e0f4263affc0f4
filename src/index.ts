// The public surface of self-healing: re-exports only.
export { executeWithHealing } from './pipeline/execute-with-healing.js';
export { HealingPipeline } from './pipeline/healing-pipeline.js';
export { executeBatch } from './pipeline/execute-batch.js';
export type { BatchOptions, BatchResult, BatchTotals } from './batch/batch.js';
export { withSelfHealing, type SelfHealingDecorator } from './pipeline/with-self-healing.js';
export type { HealingResult, HealingAction, HealingActionKind, GiveUpReason } from './pipeline/healing-result.js';
export type { HealingStrategy, StrategyContext, StrategyAction, NextStrategy, Outcome } from './pipeline/strategy.js';
export type {
  HealingOptions, RetryOptions, Jitter, AttemptContext, FallbackContext, HealingFunction, FallbackFunction, ArgsSchema, ProposalGuard,
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

export {
  SharedCircuitBreaker, type SharedCircuitEvents, type SharedCircuitBreakerStats, type StoreAvailabilityChange,
} from './fleet/shared-circuit-breaker.js';
export type { SharedCircuitBreakerOptions } from './fleet/shared-breaker-config.js';
export { MemoryStateStore } from './fleet/memory-state-store.js';
export { SharedRetryBudget, type SharedRetryBudgetOptions, type SharedRetryBudgetStats } from './fleet/shared-retry-budget.js';
export type {
  StateStore, WindowSpec, WindowTotals, SharedCircuitState, StateTransition, StoredState, CompareAndSetResult,
} from './fleet/state-store.js';

export type {
  Reflector, ReflectionRequest, ReflectionProposal, ReflectionTextProposal, ReflectionHistoryEntry, RedactedReflectionView,
  ReflectionUsage, ReflectionSpend,
} from './reflect/reflector.js';
export type { ProposalRejection } from './reflect/check-proposal.js';
export { ruleReflector, type ReflectionRule } from './reflect/rule-reflector.js';
export { schemaReflector, type SchemaReflectorOptions } from './reflect/schema-reflector.js';
export { createLLMReflector, type LLMReflectorOptions } from './reflect/llm/create-llm-reflector.js';
export {
  openAICompatible, LLMRequestError, type OpenAICompatibleOptions, type StructuredOutput,
} from './reflect/llm/openai-compatible.js';
export type { LLMRetryOptions } from './reflect/llm/http-retry.js';
export type { ChatMessage, CompleteFunction, CompleteOptions, CompletionResult } from './reflect/llm/chat.js';
export { parseProposalText, type ParsedProposalText } from './reflect/secure-json.js';

export type { RollbackOptions, CompensateFunction } from './recover/rollback-options.js';
export type {
  TransactionStep, TransactionOptions, TransactionResult, CompensationFailure,
} from './recover/transaction.js';
export {
  NoLastGoodResultError, type Fallback, type FallbackProvider, type StaticFallback, type LastGoodFallback,
} from './fallback/fallback-kinds.js';
export type { HedgeOptions } from './hedge/hedge-options.js';
export { Bulkhead, type BulkheadConfig, type Admission } from './bulkhead/bulkhead.js';
export { BulkheadRejectedError, isBulkheadRejectedError, type BulkheadRejection } from './bulkhead/bulkhead-rejected-error.js';
export { GracefulDegradation } from './degrade/graceful-degradation.js';
export { DegradableFeature, type FeatureConfig, type FeatureChange, type FeatureEvents } from './degrade/degradable-feature.js';
export {
  AdaptiveHealing, type AdaptiveConfig, type AdaptiveAction, type AdaptiveEvents, type ActionStats, type Escalation,
} from './adaptive/adaptive-healing.js';
export { SlidingWindowRetryBudget, type RetryBudget, type RetryBudgetConfig } from './budget/retry-budget.js';
export { backoffDelay, type BackoffPolicy } from './retry/backoff.js';
export { readEnvironment, type EnvironmentSettings } from './config/environment.js';
export type { HealingLogger } from './observe/logger.js';
export { redactMessage } from './observe/redact.js';
export type { RedactionOptions } from './observe/redaction.js';
export { systemClock, sleep, type Clock } from './clock.js';
export {
  HealingConfigError, HealingError, CircuitOpenError, AttemptTimeoutError, NonErrorThrownError, RegistryFullError,
  isHealingConfigError, isHealingError, isCircuitOpenError, isAttemptTimeoutError,
} from './errors.js';

export type {
  PipelineEvents, PipelineEventName, PipelineEventBase, AttemptEvent, ActionEvent, OutcomeEvent, EscalateEvent,
} from './events/pipeline-events.js';
export {
  HealingStatistics, type HealingStatisticsOptions, type ObservablePipeline, type StatisticsLabels,
} from './stats/healing-statistics.js';
export type { HealingStats, RecoveryStats, RecoveryRecord, StatisticsSnapshot } from './stats/healing-stats.js';
export {
  HealthMonitor, type HealthMonitorOptions, type HealthCheck, type HealthAlert, type ComponentHealth, type SystemHealth, type CheckResult,
} from './health/health-monitor.js';
export type { HealthLevel, HealthThresholds } from './health/health-level.js';
export type { LatencyPercentiles } from './health/sample-window.js';
export {
  instrumentOpenTelemetry, type OpenTelemetryOptions, type OpenTelemetryInstrumentation,
} from './otel/instrument-open-telemetry.js';
export type {
  OpenTelemetryApi, OtelTracerProvider, OtelMeterProvider, OtelTracer, OtelMeter, OtelSpan, OtelAttributes,
} from './otel/otel-api.js';
