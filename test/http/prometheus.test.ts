import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealingHandler, type HandlerStatistics } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, HealthMonitor } from '../../src/index.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { callTaking } from '../helpers/timed-call.js';
import { serve } from './serve.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** `# HELP` and `# TYPE` lines of a family, then its samples. */
function family(name: string, type: 'counter' | 'gauge', help: string, samples: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map((s) => `${name}${s}`)];
}

describe('GET /metrics', () => {
  it('serves every breaker, pipeline and health family with the exact values of the scenario, in text a real parser reads', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    // A double quote, a literal backslash followed by `n`, a lone backslash and a real line feed:
    // a writer that does not escape the backslash would turn `\n` into a line feed.
    const circuit = 'pay"ments\\n\\eu\nwest';
    const escaped = String.raw`pay\"ments\\n\\eu\nwest`;
    registry.get(circuit, { failureThreshold: 3 });
    registry.get('edge', { failureThreshold: 1 });
    const statistics = new HealingStatistics();
    const monitor = new HealthMonitor({ clock });
    const checkout = new HealingPipeline({ name: 'checkout', circuitName: circuit, registry, clock, retry: { maxAttempts: 2, minDelayMs: 0 } });
    const edge = new HealingPipeline({ name: 'edge', circuitName: 'edge', registry, clock, retry: { maxAttempts: 1 } });
    statistics.track(checkout);
    statistics.track(edge);
    monitor.track(checkout);

    const call = (pipeline: HealingPipeline, latencyMs: number, errors?: unknown[]) => callTaking(clock, pipeline, latencyMs, errors);
    await call(checkout, 30, [networkError()]); // healed by a retry: 2 attempts, 60 ms
    await call(checkout, 40, [httpError(503)]); // healed by a retry: 2 attempts, 80 ms
    await call(edge, 10, [httpError(500)]); // 1 attempt, 10 ms; the failure opens the breaker
    for (let n = 0; n < 7; n++) await call(edge, 10); // refused: 0 attempts, 0 ms
    for (let ms = 1; ms <= 100; ms++) monitor.record('db', { ok: true, durationMs: ms });

    const server = await serve(createHealingHandler({ registry, statistics, monitor }));
    close = server.close;
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();

    // One raw sample line, escaping and all.
    expect(text.split('\n')).toContain(String.raw`self_healing_circuit_failures_total{circuit="pay\"ments\\n\\eu\nwest"} 2`);

    const c = (extra = '') => `{circuit="${escaped}"${extra}}`;
    const levels = (labels: string, current: string) =>
      ['healthy', 'degraded', 'unhealthy', 'critical'].map((level) => `{${labels}level="${level}"} ${level === current ? 1 : 0}`);
    const severities = (pipeline: string, [low, medium, high, critical]: number[]) =>
      [['low', low], ['medium', medium], ['high', high], ['critical', critical]].map(([s, n]) => `{pipeline="${pipeline}",severity="${s}"} ${n}`);
    expect(text.split('\n')).toEqual([
      ...family('self_healing_circuit_state', 'gauge', 'Circuit breaker state: 1 for the current state, 0 for the others.', [
        `${c(',state="closed"')} 1`, `${c(',state="open"')} 0`, `${c(',state="half_open"')} 0`,
        '{circuit="edge",state="closed"} 0', '{circuit="edge",state="open"} 1', '{circuit="edge",state="half_open"} 0',
      ]),
      ...family('self_healing_circuit_successes_total', 'counter', 'Successes recorded by the breaker.', [`${c()} 2`, '{circuit="edge"} 0']),
      ...family('self_healing_circuit_failures_total', 'counter', 'Failures recorded by the breaker.', [`${c()} 2`, '{circuit="edge"} 1']),
      ...family('self_healing_circuit_rejections_total', 'counter', 'Calls the breaker refused.', [`${c()} 0`, '{circuit="edge"} 7']),
      ...family('self_healing_pipeline_calls_total', 'counter', 'Executions.', ['{pipeline="checkout"} 2', '{pipeline="edge"} 8']),
      ...family('self_healing_pipeline_successes_total', 'counter', 'Executions that ended ok.', ['{pipeline="checkout"} 2', '{pipeline="edge"} 0']),
      ...family('self_healing_pipeline_failures_total', 'counter', 'Executions that ended in error.', ['{pipeline="checkout"} 0', '{pipeline="edge"} 8']),
      ...family('self_healing_pipeline_healed_total', 'counter', 'Executions that succeeded after healing.', ['{pipeline="checkout"} 2', '{pipeline="edge"} 0']),
      // checkout: (2 + 2) / 2; edge: 1 attempt over 8 executions.
      ...family('self_healing_pipeline_average_attempts', 'gauge', 'Mean calls of the primary function per execution.', ['{pipeline="checkout"} 2', '{pipeline="edge"} 0.125']),
      // checkout: (60 + 80) / 2; edge: 10 ms over 8 executions.
      ...family('self_healing_pipeline_average_duration_ms', 'gauge', 'Mean execution duration, waits included, in ms.', ['{pipeline="checkout"} 70', '{pipeline="edge"} 1.25']),
      ...family('self_healing_pipeline_recoveries_total', 'counter', 'Executions that took a healing action of this kind.', ['{pipeline="checkout",action="retry"} 2']),
      ...family('self_healing_pipeline_recoveries_successful_total', 'counter', 'Of those, executions that ended ok.', ['{pipeline="checkout",action="retry"} 2']),
      ...family('self_healing_pipeline_errors_total', 'counter', 'Failed attempts and refusals by error category.', [
        '{pipeline="checkout",category="network"} 1', '{pipeline="checkout",category="unavailable"} 1',
        '{pipeline="edge",category="server_error"} 1', '{pipeline="edge",category="circuit_open"} 7',
      ]),
      // ECONNRESET is low, a 503 or 500 medium, a refusal low.
      ...family('self_healing_pipeline_errors_by_severity_total', 'counter', 'Failed attempts and refusals by severity.', [
        ...severities('checkout', [1, 1, 0, 0]), ...severities('edge', [7, 1, 0, 0]),
      ]),
      ...family('self_healing_system_health', 'gauge', 'System health: 1 for the current level, 0 for the others.', levels('', 'healthy')),
      ...family('self_healing_component_health', 'gauge', 'Component health: 1 for the current level, 0 for the others.', [
        ...levels('component="checkout",', 'healthy'), ...levels('component="db",', 'healthy'),
      ]),
      ...family('self_healing_component_error_rate', 'gauge', 'Failed calls / calls in the window (0..1).', ['{component="checkout"} 0', '{component="db"} 0']),
      ...family('self_healing_component_window_calls', 'gauge', 'Calls in the window.', ['{component="checkout"} 2', '{component="db"} 100']),
      // Nearest rank: checkout's executions took 60 and 80 ms; db's calls 1..100 ms.
      ...family('self_healing_component_latency_ms', 'gauge', 'Latency percentiles of the calls in the window, in ms.', [
        '{component="checkout",quantile="0.5"} 60', '{component="checkout",quantile="0.9"} 80',
        '{component="checkout",quantile="0.95"} 80', '{component="checkout",quantile="0.99"} 80',
        '{component="db",quantile="0.5"} 50', '{component="db",quantile="0.9"} 90',
        '{component="db",quantile="0.95"} 95', '{component="db",quantile="0.99"} 99',
      ]),
      '', // the text ends with a line feed
    ]);

    // A real parser reads it back: the types, and the label value exactly as given.
    const families = parsePrometheusTextFormat(text);
    expect(families.find((f) => f.name === 'self_healing_circuit_state')?.type).toBe('GAUGE');
    expect(families.find((f) => f.name === 'self_healing_pipeline_calls_total')?.type).toBe('COUNTER');
    const failures = families.find((f) => f.name === 'self_healing_circuit_failures_total')!.metrics;
    expect(failures.map((m) => [m.labels?.circuit, m.value])).toEqual([[circuit, '2'], ['edge', '1']]);
  });

  it('writes infinite and NaN values as +Inf, -Inf and NaN', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const real = new HealingStatistics();
    const pipeline = new HealingPipeline({ name: 'p', registry, clock, retry: { maxAttempts: 1 } });
    real.track(pipeline);
    await pipeline.execute(async () => 'ok', {});
    // A statistics object of the user's own (HandlerStatistics) may hold any number.
    const statistics: HandlerStatistics = {
      stats: () => {
        const stats = real.stats();
        return { ...stats, pipelines: { inf: { ...stats.pipelines.p!, averageDurationMs: Infinity, averageAttempts: -Infinity }, nan: { ...stats.pipelines.p!, averageDurationMs: Number.NaN } } };
      },
      recentRecoveries: () => real.recentRecoveries(),
    };
    const response = await createHealingHandler({ registry, statistics })(new Request('http://localhost/metrics'));
    const lines = (await response.text()).split('\n');
    expect(lines).toContain('self_healing_pipeline_average_duration_ms{pipeline="inf"} +Inf');
    expect(lines).toContain('self_healing_pipeline_average_attempts{pipeline="inf"} -Inf');
    expect(lines).toContain('self_healing_pipeline_average_duration_ms{pipeline="nan"} NaN');
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
