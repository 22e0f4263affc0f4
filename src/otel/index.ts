/**
 * `self-healing/otel`: OpenTelemetry spans and metrics for a pipeline's executions, through the
 * optional peer `@opentelemetry/api` (without it, instrumentation is a no-op). The `Otel*` shapes
 * are the few parts of that API the instrumentation uses, so a test can pass its own provider.
 * Re-exports only.
 *
 * @example
 * ```ts
 * import { HealingPipeline } from 'self-healing';
 * import { instrumentOpenTelemetry } from 'self-healing/otel';
 *
 * const pipeline = new HealingPipeline({ name: 'payments' });
 * const instrumentation = instrumentOpenTelemetry(pipeline);
 * // ... on shutdown:
 * instrumentation.stop();
 * ```
 * @module self-healing/otel
 */
export {
  instrumentOpenTelemetry, type OpenTelemetryOptions, type OpenTelemetryInstrumentation,
} from './instrument-open-telemetry.js';
export type { ObservablePipeline } from '../stats/healing-statistics.js';
export type {
  OpenTelemetryApi, OtelTracerProvider, OtelMeterProvider, OtelTracer, OtelMeter, OtelSpan, OtelAttributes,
} from './otel-api.js';
