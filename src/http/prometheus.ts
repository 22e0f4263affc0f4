import { LEVELS } from '../health/health-level.js';
import type { HandlerMonitor, HandlerRegistry, HandlerStatistics } from './handler.js';

type Labels = Record<string, string>;

/** Builds Prometheus text exposition format (0.0.4): one HELP and TYPE per family, then its samples. */
class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Labels, number]>): void {
    if (samples.length === 0) return;
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** Label values escape backslash, double quote and line feed, as the format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const QUANTILES = [['p50', '0.5'], ['p90', '0.9'], ['p95', '0.95'], ['p99', '0.99']] as const;
const STATES = [['CLOSED', 'closed'], ['OPEN', 'open'], ['HALF_OPEN', 'half_open']] as const;

/**
 * Every breaker of `registry`, and the statistics and health given, as Prometheus text.
 * Metric names start with `self_healing_`.
 */
export function renderPrometheus(sources: { registry: HandlerRegistry; statistics?: HandlerStatistics | undefined; monitor?: HandlerMonitor | undefined }): string {
  const out = new Exposition();
  const circuits = sources.registry.stats() as Array<Partial<Record<'name' | 'state', string> & Record<'successes' | 'failures' | 'rejections', number>>>;
  const named = circuits.filter((c): c is typeof c & { name: string; state: string } => typeof c.name === 'string' && typeof c.state === 'string');
  out.family('self_healing_circuit_state', 'gauge', 'Circuit breaker state: 1 for the current state, 0 for the others.',
    named.flatMap((c) => STATES.map(([state, label]): [Labels, number] => [{ circuit: c.name, state: label }, c.state === state ? 1 : 0])));
  for (const [field, help] of [['successes', 'Successes recorded by the breaker.'], ['failures', 'Failures recorded by the breaker.'], ['rejections', 'Calls the breaker refused.']] as const) {
    out.family(`self_healing_circuit_${field}_total`, 'counter', help,
      named.filter((c) => typeof c[field] === 'number').map((c) => [{ circuit: c.name }, c[field]!]));
  }

  if (sources.statistics !== undefined) {
    const { pipelines } = sources.statistics.stats();
    const rows = Object.entries(pipelines);
    for (const [field, help] of [['calls', 'Executions.'], ['successes', 'Executions that ended ok.'], ['failures', 'Executions that ended in error.'], ['healed', 'Executions that succeeded after healing.']] as const) {
      out.family(`self_healing_pipeline_${field}_total`, 'counter', help, rows.map(([pipeline, stats]) => [{ pipeline }, stats[field]]));
    }
    out.family('self_healing_pipeline_average_attempts', 'gauge', 'Mean calls of the primary function per execution.',
      rows.filter(([, stats]) => stats.averageAttempts !== null).map(([pipeline, stats]) => [{ pipeline }, stats.averageAttempts!]));
    out.family('self_healing_pipeline_average_duration_ms', 'gauge', 'Mean execution duration, waits included, in ms.',
      rows.filter(([, stats]) => stats.averageDurationMs !== null).map(([pipeline, stats]) => [{ pipeline }, stats.averageDurationMs!]));
    out.family('self_healing_pipeline_recoveries_total', 'counter', 'Executions that took a healing action of this kind.',
      rows.flatMap(([pipeline, stats]) => Object.entries(stats.recoveries).map(([action, r]): [Labels, number] => [{ pipeline, action }, r!.total])));
    out.family('self_healing_pipeline_recoveries_successful_total', 'counter', 'Of those, executions that ended ok.',
      rows.flatMap(([pipeline, stats]) => Object.entries(stats.recoveries).map(([action, r]): [Labels, number] => [{ pipeline, action }, r!.successful])));
    out.family('self_healing_pipeline_errors_total', 'counter', 'Failed attempts and refusals by error category.',
      rows.flatMap(([pipeline, stats]) => Object.entries(stats.errorsByCategory).map(([category, n]): [Labels, number] => [{ pipeline, category }, n])));
    // A statistics object of your own (HandlerStatistics) may predate severity: then the family is empty.
    out.family('self_healing_pipeline_errors_by_severity_total', 'counter', 'Failed attempts and refusals by severity.',
      rows.flatMap(([pipeline, stats]) => Object.entries(stats.errorsBySeverity ?? {}).map(([severity, n]): [Labels, number] => [{ pipeline, severity }, n])));
  }

  if (sources.monitor !== undefined) {
    const health = sources.monitor.systemHealth();
    out.family('self_healing_system_health', 'gauge', 'System health: 1 for the current level, 0 for the others.',
      LEVELS.map((level) => [{ level }, health.level === level ? 1 : 0]));
    out.family('self_healing_component_health', 'gauge', 'Component health: 1 for the current level, 0 for the others.',
      health.components.flatMap((c) => LEVELS.map((level): [Labels, number] => [{ component: c.name, level }, c.level === level ? 1 : 0])));
    out.family('self_healing_component_error_rate', 'gauge', 'Failed calls / calls in the window (0..1).',
      health.components.map((c) => [{ component: c.name }, c.errorRate]));
    out.family('self_healing_component_window_calls', 'gauge', 'Calls in the window.',
      health.components.map((c) => [{ component: c.name }, c.calls]));
    out.family('self_healing_component_latency_ms', 'gauge', 'Latency percentiles of the calls in the window, in ms.',
      health.components.flatMap((c) => QUANTILES
        .filter(([p]) => c.latency[p] !== null)
        .map(([p, quantile]): [Labels, number] => [{ component: c.name, quantile }, c.latency[p]!])));
  }
  return out.toString();
}
