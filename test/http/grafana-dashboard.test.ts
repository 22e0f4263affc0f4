// docs/grafana-dashboard.json against a real scrape of GET /metrics: every metric name its
// queries read is one the endpoint exports, every exported family is charted, and it imports
// anywhere (the data source is an input, never a uid of ours).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealingHandler } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, HealthMonitor } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { serve } from './serve.js';

interface Target { expr?: string; refId?: string; datasource?: unknown }
interface Panel { id: number; type: string; title: string; datasource?: unknown; targets?: Target[]; gridPos: { x: number; y: number; w: number; h: number } }
interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  schemaVersion: number;
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; datasource?: unknown; definition?: string; query?: string | { query: string } }> };
}

const INPUT = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/**
 * The metric names a PromQL expression reads: the identifiers left once strings, label
 * matchers, ranges and grouping clauses are taken out, that are neither functions nor keywords.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w.$:])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)].map((m) => m[1]!);
  return names.filter((name) => !KEYWORDS.has(name.toLowerCase()));
}

/** Every expression of the dashboard, with where it is: panel targets and variable queries. */
function queries(dashboard: Dashboard): Array<{ where: string; names: string[] }> {
  const out = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => ({ where: `panel "${panel.title}" ${t.refId}`, names: metricNames(t.expr ?? '') })));
  for (const variable of dashboard.templating.list) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query ?? '';
    // label_values(metric{...}, label): only the first argument is a metric.
    const metric = /^label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(query)?.[1];
    out.push({ where: `variable $${variable.name}`, names: metric === undefined ? metricNames(query) : [metric] });
  }
  return out;
}

/** The names a query reads that the scrape does not export, as "name (where)". */
function unexported(dashboard: Dashboard, exported: Set<string>): string[] {
  return queries(dashboard).flatMap(({ where, names }) => names.filter((n) => !exported.has(n)).map((n) => `${n} (${where})`));
}

/** The series names of an exposition: each sample line's name, so a histogram gives its _bucket, _sum and _count. */
function exportedNames(text: string): Set<string> {
  return new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => /^[a-zA-Z_:][\w:]*/.exec(line)![0]));
}

const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as Dashboard;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Serves an endpoint whose every family has samples: retries that heal, failures, an open breaker, a refusal, component latency. */
async function scrape(): Promise<string> {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  registry.get('payments', { failureThreshold: 2 });
  const statistics = new HealingStatistics();
  const monitor = new HealthMonitor({ clock });
  const checkout = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry, clock, retry: { maxAttempts: 2, minDelayMs: 0 } });
  statistics.track(checkout);
  monitor.track(checkout);
  await checkout.execute(failing([networkError()], 'ok'), {}); // healed by a retry
  await checkout.execute(failing([httpError(503), httpError(503)], 'never'), {}); // fails, opens the breaker
  await checkout.execute(async () => 'refused', {}); // refused by the open breaker
  expect(registry.get('payments').state).toBe('OPEN');
  for (let ms = 1; ms <= 10; ms++) monitor.record('db', { ok: ms !== 10, durationMs: ms * 10 });

  const server = await serve(createHealingHandler({ registry, statistics, monitor }));
  close = server.close;
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('docs/grafana-dashboard.json', () => {
  it('reads only metric names that GET /metrics exports, and charts every family it exports', async () => {
    const text = await scrape();
    const exported = exportedNames(text);
    // All 19 families of src/http/prometheus.ts have samples in this scrape, so none goes unchecked.
    const families = text.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]!);
    expect(families).toHaveLength(19);
    expect(exported).toEqual(new Set(families));
    expect(unexported(dashboard, exported)).toEqual([]);
    const used = new Set(queries(dashboard).flatMap((q) => q.names));
    expect([...exported].filter((name) => !used.has(name))).toEqual([]);
  });

  it('finds a misspelt metric name, in a panel or a variable', async () => {
    const exported = exportedNames(await scrape());
    const broken = structuredClone(dashboard);
    const panel = broken.panels.find((p) => p.targets?.[0]?.expr?.includes('self_healing_circuit_rejections_total'))!;
    panel.targets![0]!.expr = panel.targets![0]!.expr!.replace('self_healing_circuit_rejections_total', 'self_healing_circuit_rejected_total');
    broken.templating.list[0]!.query = { query: 'label_values(self_healing_circuit_states, job)' };
    expect(unexported(broken, exported)).toEqual([
      `self_healing_circuit_rejected_total (panel "${panel.title}" A)`,
      'self_healing_circuit_states (variable $job)',
    ]);
  });

  it('tells metric names from functions, keywords, labels, strings and ranges in a query', () => {
    expect(metricNames('sum by (circuit) (rate(a_total{circuit=~"$circuit", x="b_total"}[$__rate_interval])) / on (job) group_left b:rule or 2 * c offset 5m > bool 1e-9'))
      .toEqual(['a_total', 'b:rule', 'c']);
  });

  it('imports anywhere: a Prometheus data source input, used by every panel, variable and query', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const charts = dashboard.panels.filter((p) => p.type !== 'row');
    expect(charts.length).toBeGreaterThanOrEqual(10);
    for (const panel of charts) {
      expect(['timeseries', 'stat', 'state-timeline'], panel.title).toContain(panel.type);
      expect(panel.datasource, panel.title).toEqual(INPUT);
      expect(panel.targets!.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) {
        expect(target.datasource, panel.title).toEqual(INPUT);
        expect(target.expr?.trim(), panel.title).toBeTruthy();
      }
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    for (const variable of dashboard.templating.list) expect(variable.datasource, variable.name).toEqual(INPUT);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    // No data source but the input: an exported dashboard with a uid of ours would not import elsewhere.
    const uids = [...JSON.stringify(dashboard).matchAll(/"uid":"([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(uids)).toEqual(new Set(['${DS_PROMETHEUS}', '-- Grafana --', dashboard.uid]));
  });
});
