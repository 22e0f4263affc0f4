import { createRequire } from 'node:module';

// The few shapes of `@opentelemetry/api` this library uses, declared here so the package's types
// never require the optional peer to be installed.

/**
 * Attribute values as OpenTelemetry takes them.
 * @example
 * ```ts
 * const attributes: OtelAttributes = { 'healing.pipeline': 'payments', 'healing.attempt': 2 };
 * ```
 */
export type OtelAttributes = Record<string, string | number | boolean>;

/**
 * A span, as `@opentelemetry/api` defines it (the part used here).
 * @example
 * ```ts
 * const span: OtelSpan = tracer.startSpan('payments');
 * span.end();
 * ```
 */
export interface OtelSpan {
  addEvent(name: string, attributes?: OtelAttributes, time?: number): unknown;
  setAttributes(attributes: OtelAttributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
}

/**
 * A tracer (the part used here).
 * @example
 * ```ts
 * const tracer: OtelTracer = trace.getTracer('self-healing');
 * ```
 */
export interface OtelTracer {
  startSpan(name: string, options?: { startTime?: number; attributes?: OtelAttributes; kind?: number }): OtelSpan;
}

/**
 * A meter (the part used here).
 * @example
 * ```ts
 * const meter: OtelMeter = metrics.getMeter('self-healing');
 * ```
 */
export interface OtelMeter {
  createCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: OtelAttributes): void };
  createHistogram(name: string, options?: { description?: string; unit?: string }): { record(value: number, attributes?: OtelAttributes): void };
}

/**
 * A tracer provider, e.g. the SDK's `NodeTracerProvider`.
 * @example
 * ```ts
 * const tracerProvider: OtelTracerProvider = new NodeTracerProvider();
 * ```
 */
export interface OtelTracerProvider {
  getTracer(name: string, version?: string): OtelTracer;
}

/**
 * A meter provider, e.g. the SDK's `MeterProvider`.
 * @example
 * ```ts
 * const meterProvider: OtelMeterProvider = new MeterProvider({ readers: [reader] });
 * ```
 */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

/**
 * The `@opentelemetry/api` module (the part used here).
 * @example
 * ```ts
 * import * as api from '@opentelemetry/api';
 * const otel: OpenTelemetryApi = api;
 * ```
 */
export interface OpenTelemetryApi {
  trace: OtelTracerProvider;
  metrics: OtelMeterProvider;
}

/** `@opentelemetry/api` if the application installed it, else `undefined`. */
export function loadOpenTelemetryApi(): OpenTelemetryApi | undefined {
  try {
    // Resolved from this package, as a peer must be; a missing peer is the normal no-op case.
    const api = createRequire(import.meta.url)('@opentelemetry/api') as Partial<OpenTelemetryApi>;
    return typeof api.trace?.getTracer === 'function' && typeof api.metrics?.getMeter === 'function' ? (api as OpenTelemetryApi) : undefined;
  } catch {
    return undefined;
  }
}
