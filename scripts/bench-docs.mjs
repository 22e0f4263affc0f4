#!/usr/bin/env node
/**
 * Writes the figures of bench/results.json (from `npm run bench -- --json`) into docs/benchmarks.md,
 * between the `<!-- results:start -->` and `<!-- results:end -->` markers, and redraws
 * docs/benchmarks.svg: the record is made from the run, never typed by hand. `npm run bench:docs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderChart } from './bench-chart.mjs';

const resultsFile = fileURLToPath(new URL('../bench/results.json', import.meta.url));
const docFile = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const chartFile = fileURLToPath(new URL('../docs/benchmarks.svg', import.meta.url));
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

const fixed = (value, digits) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const amount = (value) => fixed(value, Math.abs(value) < 100 ? 1 : 0);
const ratio = (value) => (Number.isFinite(value) ? `${fixed(value, 2)}x` : '-');
const cell = (text) => String(text).replace(/\|/g, '\\|');

function scenarioTable(scenario) {
  const bare = scenario.rows.find((r) => r.id === scenario.baselineId);
  const reference = scenario.rows.find((r) => r.id === scenario.referenceId);
  const unit = scenario.unit;
  const timed = unit === 'ns/op' || unit === 'ms';
  const header = ['candidate', unit, 'min..max'];
  if (unit === 'B/breaker') header.push('x cockatiel', 'count');
  else if (unit === 'B') header.push('count');
  else if (bare) header.push('x bare', 'overhead', reference && reference !== bare ? 'overhead x cockatiel' : '');
  const lines = scenario.rows.map((r) => {
    const cells = [cell(r.label), amount(r.value), `${amount(r.min)}..${amount(r.max)}`];
    if (unit === 'B/breaker') cells.push(reference ? ratio(r.value / reference.value) : '-', r.count.toLocaleString('en-US'));
    else if (unit === 'B') cells.push(r.count.toLocaleString('en-US'));
    else if (timed && bare) {
      const overhead = r.value - bare.value;
      if (r.sync || r.id === bare.id) cells.push(r.sync ? 'sync' : '1.00x', '-', '');
      else cells.push(ratio(r.value / bare.value), amount(overhead), reference && reference !== bare ? ratio(overhead / (reference.value - bare.value)) : '');
    }
    return cells;
  });
  const used = header.map((h, i) => h !== '' || lines.some((l) => l[i])).map(Boolean);
  const keep = (cells) => cells.filter((_, i) => used[i]);
  const align = keep(header).map((_, i) => (i === 0 ? '---' : '---:'));
  const notes = (scenario.notes ?? []).map((n) => `- ${n}`);
  return [`### ${scenario.title}`, '', `| ${keep(header).join(' | ')} |`, `| ${align.join(' | ')} |`,
    ...lines.map((l) => `| ${keep(l).join(' | ')} |`), '', ...notes, ''].join('\n');
}

function targetsTable(targets) {
  const lines = targets.map((t) => {
    const measured = t.unit === 'x' ? `${fixed(t.actual, 2)}x` : `${amount(t.actual)} ${t.unit}`;
    const limit = `${t.comparison === '<=' ? '≤' : '<'} ${t.unit === 'x' ? `${t.limit}x` : `${t.limit.toLocaleString('en-US')} ${t.unit}`}`;
    return `| ${cell(t.name)} | ${limit} | ${t.met ? measured : `**${measured}**`} | ${t.met ? 'met' : '**missed**'} | ${cell(t.detail)} |`;
  });
  return ['### Targets', '', '| target | limit | measured | verdict | detail |', '|---|---|---|---|---|', ...lines, ''].join('\n');
}

export function renderResults(results) {
  const { meta } = results;
  return [
    START,
    `Run: ${meta.date.slice(0, 16).replace('T', ' ')} UTC, ${meta.mode} mode, Node ${meta.node} (V8 ${meta.v8}), ${meta.cpu} x${meta.cpus}, ${meta.platform}; ` +
      `1-minute load average ${meta.loadAverageBefore.toFixed(2)} before, ${meta.loadAverageAfter.toFixed(2)} after. ` +
      'Written by `npm run bench:docs` from `bench/results.json`.',
    '',
    '![Benchmark chart: self-healing against cockatiel, opossum and p-retry](benchmarks.svg)',
    '',
    ...results.scenarios.map(scenarioTable),
    targetsTable(results.targets),
    END,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const doc = readFileSync(docFile, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`docs/benchmarks.md has no ${START} ... ${END} section`);
  writeFileSync(docFile, doc.slice(0, start) + renderResults(results) + doc.slice(end + END.length));
  writeFileSync(chartFile, renderChart(results));
  console.log(`Wrote the results section of ${docFile} and ${chartFile}`);
}
