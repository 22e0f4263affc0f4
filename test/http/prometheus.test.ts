import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealingHandler } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, HealthMonitor } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { serve } from './serve.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function sample(families: ReturnType<typeof parsePrometheusTextFormat>, name: string, labels: Record<string, string>) {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found === undefined ? undefined : Number(found.value);
}

describe('GET /metrics', () => {
  it('serves Prometheus text that a real parser reads, with breaker, pipeline and health families', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('pay"ments\\eu\nwest', { failureThreshold: 3 }); // a name that needs escaping
    const statistics = new HealingStatistics();
    const monitor = new HealthMonitor({ clock });
    const pipeline = new HealingPipeline({ name: 'checkout', circuitName: 'pay"ments\\eu\nwest', registry, retry: { maxAttempts: 2, minDelayMs: 0 } });
    statistics.track(pipeline);
    monitor.track(pipeline);
    await pipeline.execute(failing([networkError()], 'ok'), {}); // healed by a retry
    await pipeline.execute(failing([httpError(503)], 'ok'), {}); // healed by a retry
    for (let ms = 1; ms <= 10; ms++) monitor.record('db', { ok: true, durationMs: ms * 10 });

    const server = await serve(createHealingHandler({ registry, statistics, monitor }));
    close = server.close;
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const families = parsePrometheusTextFormat(text);
    const circuit = 'pay"ments\\eu\nwest';

    expect(families.find((f) => f.name === 'self_healing_circuit_state')?.type).toBe('GAUGE');
    expect(sample(families, 'self_healing_circuit_state', { circuit, state: 'closed' })).toBe(1);
    expect(sample(families, 'self_healing_circuit_state', { circuit, state: 'open' })).toBe(0);
    expect(families.find((f) => f.name === 'self_healing_circuit_state')!.metrics.filter((m) => m.labels?.circuit === circuit)).toHaveLength(3);
    expect(sample(families, 'self_healing_circuit_failures_total', { circuit })).toBe(2);
    expect(families.find((f) => f.name === 'self_healing_pipeline_calls_total')?.type).toBe('COUNTER');
    expect(sample(families, 'self_healing_pipeline_calls_total', { pipeline: 'checkout' })).toBe(2);
    expect(sample(families, 'self_healing_pipeline_recoveries_total', { pipeline: 'checkout', action: 'retry' })).toBe(2);
    expect(sample(families, 'self_healing_pipeline_errors_total', { pipeline: 'checkout', category: 'network' })).toBe(1);
    expect(sample(families, 'self_healing_pipeline_errors_by_severity_total', { pipeline: 'checkout', severity: 'low' })).toBe(1);    // ECONNRESET
    expect(sample(families, 'self_healing_pipeline_errors_by_severity_total', { pipeline: 'checkout', severity: 'medium' })).toBe(1); // the 503
    expect(sample(families, 'self_healing_pipeline_errors_by_severity_total', { pipeline: 'checkout', severity: 'critical' })).toBe(0);
    expect(sample(families, 'self_healing_component_latency_ms', { component: 'db', quantile: '0.5' })).toBe(50);
    expect(sample(families, 'self_healing_component_health', { component: 'db', level: 'healthy' })).toBe(1);
    expect(sample(families, 'self_healing_system_health', { level: monitor.systemHealth().level })).toBe(1);
    // Every line is a comment or a sample; families are not repeated.
    const names = text.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('serves only the breaker families when given no statistics or monitor', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('a');
    const response = await createHealingHandler({ registry })(new Request('http://localhost/metrics'));
    const families = parsePrometheusTextFormat(await response.text());
    expect(families.map((f) => f.name)).toEqual([
      'self_healing_circuit_state', 'self_healing_circuit_successes_total', 'self_healing_circuit_failures_total', 'self_healing_circuit_rejections_total',
    ]);
  });
});
