import * as api from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, sleep } from '../../src/index.js';
import { instrumentOpenTelemetry } from '../../src/otel/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A reader that collects on demand. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> { return Promise.resolve(); }
  protected override onShutdown(): Promise<void> { return Promise.resolve(); }
}

function setup() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const metric = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  };
  return { spans, tracerProvider, meterProvider, metric };
}

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('instrumentOpenTelemetry', () => {
  it('records a span per execution with an event per attempt and healing action', async () => {
    const { spans, tracerProvider, meterProvider } = setup();
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry: new CircuitBreakerRegistry({ clock }), retry: { minDelayMs: 100, jitter: 'none' } });
    const otel = instrumentOpenTelemetry(pipeline, { tracerProvider, meterProvider });
    stops.push(otel.stop);
    expect(otel.enabled).toBe(true);

    const pending = pipeline.execute(failing([networkError()], 'paid'), {});
    await clock.advance(100);
    await pending;

    const [span] = spans.getFinishedSpans();
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(span!.name).toBe('self-healing.execute');
    expect(span!.attributes).toMatchObject({
      'self_healing.pipeline': 'checkout', 'self_healing.circuit': 'payments', 'self_healing.status': 'ok', 'self_healing.attempts': 2, 'self_healing.healed': true,
    });
    expect(span!.status.code).toBe(api.SpanStatusCode.OK);
    expect(span!.events.map((e) => e.name)).toEqual(['self-healing.attempt', 'self-healing.retry', 'self-healing.attempt']);
    expect(span!.events[0]!.attributes).toMatchObject({ 'self_healing.attempt': 1, 'self_healing.outcome': 'error', 'self_healing.category': 'network' });
    expect(span!.events[1]!.attributes).toMatchObject({ 'self_healing.action': 'retry', 'self_healing.delay_ms': 100, 'self_healing.category': 'network' });
    // The span covers the execution, backoff included: 100 ms on the injected clock.
    const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
    expect(ms(span!.endTime) - ms(span!.startTime)).toBeCloseTo(100, 3);
  });

  it('marks a failed execution ERROR with its give_up reason, and keeps secrets out', async () => {
    const { spans, tracerProvider, meterProvider } = setup();
    const pipeline = new HealingPipeline({ name: 'p', retry: { maxAttempts: 1 } });
    stops.push(instrumentOpenTelemetry(pipeline, { tracerProvider, meterProvider }).stop);
    await pipeline.execute(failing([httpError(401, {}, 'rejected Authorization: Bearer abcdefghijklmnop')], 1), {});
    const [span] = spans.getFinishedSpans();
    expect(span!.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({ 'self_healing.status': 'error', 'self_healing.attempts': 1, 'self_healing.healed': false });
    expect(span!.status.message).toMatch(/^permanent/);
    expect(span!.events.map((e) => e.name)).toEqual(['self-healing.attempt', 'self-healing.give_up']);
    expect(JSON.stringify(span!.events)).not.toContain('abcdefghijklmnop');
  });

  it('puts the severity on the healing-events counter and on the attempt and action span events', async () => {
    const { spans, tracerProvider, meterProvider, metric } = setup();
    const pipeline = new HealingPipeline({ name: 'checkout', retry: { minDelayMs: 0, maxAttempts: 2 } });
    stops.push(instrumentOpenTelemetry(pipeline, { tracerProvider, meterProvider }).stop);
    await pipeline.execute(failing([httpError(429), httpError(401)], 1), {});
    const counter = (await metric('self_healing.healing.events')) as SumMetricData;
    const bySeverity = Object.fromEntries(counter.dataPoints.map((p) => [p.attributes['self_healing.action'], p.attributes['self_healing.severity']]));
    expect(bySeverity).toEqual({ retry: 'low', give_up: 'high' });
    const [span] = spans.getFinishedSpans();
    expect(span!.events.map((e) => [e.name, e.attributes?.['self_healing.severity']])).toEqual([
      ['self-healing.attempt', 'low'], ['self-healing.retry', 'low'], ['self-healing.attempt', 'high'], ['self-healing.give_up', 'high'],
    ]);
  });

  it('counts healing events and records attempt and execution durations with pipeline, circuit, category and action', async () => {
    const { spans, tracerProvider, meterProvider, metric } = setup();
    const clock = new ManualClock();
    const start = clock.now();
    const pipeline = new HealingPipeline({ name: 'checkout', circuitName: 'payments', clock, registry: new CircuitBreakerRegistry({ clock }), retry: { minDelayMs: 100, jitter: 'none', maxAttempts: 2 }, fallback: () => 'cached' });
    stops.push(instrumentOpenTelemetry(pipeline, { tracerProvider, meterProvider }).stop);
    // Attempts of known latencies on the injected clock: 30 ms and 50 ms (both 503), 100 ms of
    // backoff between them, then the fallback; then a call that answers in 20 ms.
    const latencies = [30, 50];
    let call = 0;
    const slowlyFailing = async () => {
      await sleep(clock, latencies[call++]!);
      throw httpError(503);
    };
    const first = pipeline.execute(slowlyFailing, {});
    await clock.advance(180);
    expect(await first).toMatchObject({ status: 'ok', result: 'cached', durationMs: 180 });
    const second = pipeline.execute(async () => { await sleep(clock, 20); return 1; }, {});
    await clock.advance(20);
    expect(await second).toMatchObject({ status: 'ok', result: 1, durationMs: 20 });

    const counter = (await metric('self_healing.healing.events')) as SumMetricData;
    expect(counter.dataPointType).toBe(DataPointType.SUM);
    const byAction = Object.fromEntries(counter.dataPoints.map((p) => [`${p.attributes['self_healing.action']}/${p.attributes['self_healing.category'] ?? '-'}`, p.value]));
    expect(byAction).toEqual({ 'retry/unavailable': 1, 'fallback/unavailable': 1 });
    expect(counter.dataPoints[0]!.attributes).toMatchObject({ 'self_healing.pipeline': 'checkout', 'self_healing.circuit': 'payments' });

    const attempts = (await metric('self_healing.attempt.duration')) as HistogramMetricData;
    expect(attempts.descriptor.unit).toBe('ms');
    const attemptCounts = Object.fromEntries(attempts.dataPoints.map((p) => [p.attributes['self_healing.outcome'], p.value.count]));
    expect(attemptCounts).toEqual({ error: 2, ok: 1 });
    // The recorded values, exactly: the two failed attempts took 30 and 50 ms, the good one 20 ms.
    const attemptValues = Object.fromEntries(attempts.dataPoints.map((p) => [p.attributes['self_healing.outcome'], { count: p.value.count, sum: p.value.sum, min: p.value.min, max: p.value.max }]));
    expect(attemptValues).toEqual({ error: { count: 2, sum: 80, min: 30, max: 50 }, ok: { count: 1, sum: 20, min: 20, max: 20 } });
    const executions = (await metric('self_healing.execution.duration')) as HistogramMetricData;
    expect(executions.descriptor.unit).toBe('ms');
    expect(executions.dataPoints.map((p) => [p.attributes['self_healing.status'], p.value.count])).toEqual([['ok', 2]]);
    // The executions took 180 ms (30 + 100 of backoff + 50) and 20 ms.
    const [execution] = executions.dataPoints;
    expect({ sum: execution!.value.sum, min: execution!.value.min, max: execution!.value.max }).toEqual({ sum: 200, min: 20, max: 180 });

    // The span events carry the times the clock read when they happened.
    const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
    const [healedSpan, plainSpan] = spans.getFinishedSpans();
    expect(ms(healedSpan!.startTime)).toBeCloseTo(start, 3);
    expect(ms(healedSpan!.endTime)).toBeCloseTo(start + 180, 3);
    expect(healedSpan!.events.map((e) => [e.name, ms(e.time) - start])).toEqual([
      ['self-healing.attempt', 30], ['self-healing.retry', 30], ['self-healing.attempt', 180], ['self-healing.fallback', 180],
    ]);
    expect(healedSpan!.events.filter((e) => e.name === 'self-healing.attempt').map((e) => e.attributes?.['self_healing.duration_ms'])).toEqual([30, 50]);
    expect(plainSpan!.events.map((e) => [e.name, ms(e.time) - start])).toEqual([['self-healing.attempt', 200]]);
  });

  it('uses the global providers of @opentelemetry/api by default', async () => {
    const { spans, tracerProvider, meterProvider } = setup();
    api.trace.setGlobalTracerProvider(tracerProvider);
    api.metrics.setGlobalMeterProvider(meterProvider);
    try {
      const pipeline = new HealingPipeline({ name: 'global' });
      const otel = instrumentOpenTelemetry(pipeline);
      stops.push(otel.stop);
      expect(otel.enabled).toBe(true);
      await pipeline.execute(async () => 1, {});
      expect(spans.getFinishedSpans().map((s) => s.attributes['self_healing.pipeline'])).toEqual(['global']);
    } finally {
      api.trace.disable();
      api.metrics.disable();
    }
  });

  it('stops recording after stop()', async () => {
    const { spans, tracerProvider, meterProvider } = setup();
    const pipeline = new HealingPipeline();
    instrumentOpenTelemetry(pipeline, { tracerProvider, meterProvider }).stop();
    await pipeline.execute(async () => 1, {});
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it('rejects something that is not a pipeline', () => {
    expect(() => instrumentOpenTelemetry({} as never)).toThrow(HealingConfigError);
  });
});
