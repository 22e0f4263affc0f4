import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import type { Assert, Same } from '../config/same-type.js';
import { hasMethods } from '../config/schema-helpers.js';
import { HealingConfigError } from '../errors.js';
import type { AttemptEvent, ActionEvent, OutcomeEvent } from '../events/pipeline-events.js';
import type { ObservablePipeline } from '../stats/healing-statistics.js';
import { loadOpenTelemetryApi, type OpenTelemetryApi, type OtelAttributes, type OtelMeterProvider, type OtelTracerProvider } from './otel-api.js';

/**
 * Options of {@link instrumentOpenTelemetry}.
 * @example
 * ```ts
 * const options: OpenTelemetryOptions = { tracerProvider, meterProvider };
 * ```
 */
export interface OpenTelemetryOptions {
  /** The `@opentelemetry/api` module. Default: loaded if the application installed it. */
  api?: OpenTelemetryApi;
  /** Default: the API's global tracer provider (`api.trace`). */
  tracerProvider?: OtelTracerProvider;
  /** Default: the API's global meter provider (`api.metrics`). */
  meterProvider?: OtelMeterProvider;
}

const isTracerProvider = hasMethods('getTracer');
const isMeterProvider = hasMethods('getMeter');

// Each object is checked for the methods called on it, so a wrong one is named here, not met as
// "getTracer is not a function" later, nor taken for a missing API (`enabled: false`).
const optionsSchema = z.strictObject({
  api: z.custom<OpenTelemetryApi>((value) => value !== null && typeof value === 'object' &&
    isTracerProvider((value as OpenTelemetryApi).trace) && isMeterProvider((value as OpenTelemetryApi).metrics),
  'expected the @opentelemetry/api module (import * as api from \'@opentelemetry/api\'), with trace.getTracer and metrics.getMeter').optional(),
  tracerProvider: z.custom<OtelTracerProvider>(isTracerProvider, 'expected a tracer provider, with getTracer(name) (the SDK\'s NodeTracerProvider, say)').optional(),
  meterProvider: z.custom<OtelMeterProvider>(isMeterProvider, 'expected a meter provider, with getMeter(name) (the SDK\'s MeterProvider, say)').optional(),
}, { error: 'expected { api?, tracerProvider?, meterProvider? }' });

// The interface keeps its field docs; this keeps it and the schema the same.
type _Check = Assert<Same<OpenTelemetryOptions, z.input<typeof optionsSchema>>>;

/**
 * What {@link instrumentOpenTelemetry} returns.
 * @example
 * ```ts
 * const otel: OpenTelemetryInstrumentation = instrumentOpenTelemetry(pipeline);
 * if (!otel.enabled) console.warn('install @opentelemetry/api for traces and metrics');
 * ```
 */
export interface OpenTelemetryInstrumentation {
  /** False when `@opentelemetry/api` is not installed: nothing was attached, nothing is recorded. */
  readonly enabled: boolean;
  /** Detaches from the pipeline. */
  stop(): void;
}

const SCOPE = 'self-healing';
const SPAN_KIND_INTERNAL = 0;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

interface PendingEvent {
  name: string;
  attributes: OtelAttributes;
  at: number;
}

/**
 * Traces and measures a pipeline with OpenTelemetry, if `@opentelemetry/api` (an optional peer)
 * is installed; without it this is a no-op that attaches nothing.
 *
 * - A span `self-healing.execute` per execution, from its start to its end, with an event per
 *   attempt (`self-healing.attempt`) and per healing action (`self-healing.retry`, `.fallback`, ...),
 *   status `ERROR` when the call failed. It is recorded when the execution ends.
 * - A counter `self_healing.healing.events` of healing actions, and histograms
 *   `self_healing.attempt.duration` and `self_healing.execution.duration` (ms).
 * - Attributes `self_healing.pipeline`, `self_healing.circuit`, `self_healing.category` and
 *   `self_healing.action`; `self_healing.severity` on the healing-events counter and on the
 *   attempt and action span events. Error messages are the redacted ones.
 *
 * @example
 * ```ts
 * import { HealingPipeline } from 'self-healing';
 * import { instrumentOpenTelemetry } from 'self-healing/otel';
 * const payments = new HealingPipeline({ name: 'payments', circuitName: 'stripe' });
 * instrumentOpenTelemetry(payments); // uses the global providers your OpenTelemetry SDK registered
 * ```
 * @throws {HealingConfigError} for something that is not a pipeline, or an option that is not
 * what it names (`instrumentOpenTelemetry.tracerProvider` without `getTracer`), or an unknown one.
 */
export function instrumentOpenTelemetry(pipeline: ObservablePipeline, options: OpenTelemetryOptions = {}): OpenTelemetryInstrumentation {
  if (typeof pipeline?.on !== 'function') throw new HealingConfigError('pipeline', 'expected a HealingPipeline (something with on(event, listener))');
  const given = parseWith(optionsSchema, options, 'instrumentOpenTelemetry');
  const api = given.api ?? loadOpenTelemetryApi();
  const tracerProvider = given.tracerProvider ?? api?.trace;
  const meterProvider = given.meterProvider ?? api?.metrics;
  if (tracerProvider === undefined || meterProvider === undefined) return { enabled: false, stop: () => {} };

  const tracer = tracerProvider.getTracer(SCOPE);
  const meter = meterProvider.getMeter(SCOPE);
  const healingEvents = meter.createCounter('self_healing.healing.events', { description: 'Healing actions taken (retry, reflect, fallback, timeout, circuit_open, give_up, ...)', unit: '{action}' });
  const attemptDuration = meter.createHistogram('self_healing.attempt.duration', { description: 'Duration of each call of the healed function', unit: 'ms' });
  const executionDuration = meter.createHistogram('self_healing.execution.duration', { description: 'Duration of each execution, waits included', unit: 'ms' });
  /** Span events of the executions in flight, by execution id, until their span is recorded. */
  const pending = new Map<number, PendingEvent[]>();

  const buffer = (executionId: number, event: PendingEvent) => {
    let events = pending.get(executionId);
    if (events === undefined) pending.set(executionId, (events = []));
    events.push(event);
  };

  const onAttempt = (event: AttemptEvent) => {
    const attributes = withCircuit({ 'self_healing.pipeline': event.pipeline, 'self_healing.outcome': event.ok ? 'ok' : 'error' }, event.circuit);
    if (event.category !== undefined) attributes['self_healing.category'] = event.category;
    attemptDuration.record(event.durationMs, attributes);
    const spanAttributes: OtelAttributes = { 'self_healing.attempt': event.attempt, 'self_healing.outcome': attributes['self_healing.outcome']!, 'self_healing.duration_ms': event.durationMs };
    if (event.category !== undefined) spanAttributes['self_healing.category'] = event.category;
    if (event.severity !== undefined) spanAttributes['self_healing.severity'] = event.severity;
    if (event.error !== undefined) spanAttributes['self_healing.error'] = event.error;
    buffer(event.executionId, { name: 'self-healing.attempt', attributes: spanAttributes, at: event.at });
  };

  const onAction = ({ action, pipeline: name, circuit, executionId, at }: ActionEvent) => {
    const attributes = withCircuit({ 'self_healing.pipeline': name, 'self_healing.action': action.kind }, circuit);
    if (action.category !== undefined) attributes['self_healing.category'] = action.category;
    if (action.severity !== undefined) attributes['self_healing.severity'] = action.severity;
    healingEvents.add(1, attributes);
    const spanAttributes: OtelAttributes = { 'self_healing.action': action.kind, 'self_healing.attempt': action.attempt, 'self_healing.detail': action.detail };
    for (const key of ['category', 'severity', 'reason', 'error'] as const) if (action[key] !== undefined) spanAttributes[`self_healing.${key}`] = action[key]!;
    if (action.delayMs !== undefined) spanAttributes['self_healing.delay_ms'] = action.delayMs;
    buffer(executionId, { name: `self-healing.${action.kind}`, attributes: spanAttributes, at });
  };

  const onOutcome = ({ result, pipeline: name, circuit, executionId, startedAt, at }: OutcomeEvent) => {
    const attributes = withCircuit({ 'self_healing.pipeline': name, 'self_healing.status': result.status }, circuit);
    executionDuration.record(result.durationMs, attributes);
    const span = tracer.startSpan('self-healing.execute', {
      startTime: startedAt,
      kind: SPAN_KIND_INTERNAL,
      attributes: { ...attributes, 'self_healing.attempts': result.attempts, 'self_healing.healed': result.healed },
    });
    for (const event of pending.get(executionId) ?? []) span.addEvent(event.name, event.attributes, event.at);
    pending.delete(executionId);
    const last = result.healingActions.at(-1);
    if (result.status === 'ok') span.setStatus({ code: STATUS_OK });
    else span.setStatus({ code: STATUS_ERROR, message: last?.detail ?? 'failed' });
    span.end(at);
  };

  const offs = [
    pipeline.on('attempt', onAttempt),
    pipeline.on('action', onAction),
    pipeline.on('success', onOutcome),
    pipeline.on('failure', onOutcome),
  ];
  return {
    enabled: true,
    stop: () => {
      for (const off of offs) off();
      pending.clear();
    },
  };
}

function withCircuit(attributes: OtelAttributes, circuit: string | undefined): OtelAttributes {
  if (circuit !== undefined) attributes['self_healing.circuit'] = circuit;
  return attributes;
}
