#!/usr/bin/env node
/**
 * Draws docs/benchmarks.svg from bench/results.json (written by `npm run bench -- --json`):
 * one panel per scenario, a bar per library, on a log scale so a 100 ns bar and a 1 ms bar both
 * read. `npm run bench:chart`. No dependencies: the SVG is written by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const resultsFile = fileURLToPath(new URL('../bench/results.json', import.meta.url));
const chartFile = fileURLToPath(new URL('../docs/benchmarks.svg', import.meta.url));

/** The panels: which scenario, which rows, and what a bar shows. */
const PANELS = [
  { scenario: 'happy', title: 'Happy path: overhead per call over a bare await (ns, lower is better)', overhead: true,
    rows: ['ours', 'cockatiel', 'opossum', 'p-retry'] },
  { scenario: 'failure', title: 'One transient failure, then success: overhead per call (ns)', overhead: true,
    rows: ['ours', 'cockatiel', 'p-retry'] },
  { scenario: 'open', title: 'Refusing a call on an open breaker (ns per refused call)', overhead: false,
    rows: ['ours', 'cockatiel', 'opossum'] },
  { scenario: 'throughput', title: '10,000 concurrent executions, 30 % transient failures (ns per execution)', overhead: false,
    rows: ['bare', 'by-hand', 'ours', 'p-retry', 'cockatiel'] },
  { scenario: 'memory', title: 'Heap per idle named breaker (bytes)', overhead: false,
    rows: ['ours', 'cockatiel', 'opossum'] },
];

const NAMES = { ours: 'self-healing', cockatiel: 'cockatiel', opossum: 'opossum', 'p-retry': 'p-retry', bare: 'bare call', 'by-hand': 'hand-written loop' };
const COLOURS = { ours: '#1f7a4d', cockatiel: '#8a8f98', opossum: '#a3a8b0', 'p-retry': '#b8bcc3', bare: '#d0d3d8', 'by-hand': '#c4c8ce' };

const WIDTH = 880;
const LABEL_WIDTH = 150;
const BAR_HEIGHT = 20;
const GAP = 6;
const PANEL_TOP = 30;
const PANEL_BOTTOM = 18;

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const format = (value, unit) => {
  const rounded = value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
  return `${rounded} ${unit}`;
};

function panelBars(results, panel) {
  const scenario = results.scenarios.find((s) => s.id === panel.scenario);
  if (!scenario) return undefined;
  const bare = scenario.rows.find((r) => r.id === scenario.baselineId)?.value ?? 0;
  const bars = [];
  for (const id of panel.rows) {
    const row = scenario.rows.find((r) => r.id === id);
    if (!row) continue;
    const value = panel.overhead ? row.value - bare : row.value;
    bars.push({ id, value: Math.max(value, 0.1) });
  }
  return { bars, unit: scenario.unit === 'B/breaker' ? 'B' : 'ns' };
}

function drawPanel(panel, data, top) {
  const { bars, unit } = data;
  const max = Math.max(...bars.map((b) => b.value));
  const min = Math.min(...bars.map((b) => b.value));
  // Log scale from a decade below the smallest bar to the largest, so every bar has some length.
  const low = Math.log10(min) - 1;
  const high = Math.log10(max);
  const plotWidth = WIDTH - LABEL_WIDTH - 130;
  const length = (value) => Math.max(2, ((Math.log10(value) - low) / (high - low)) * plotWidth);
  const parts = [`<text x="0" y="${top + 16}" class="title">${escape(panel.title)}</text>`];
  bars.forEach((bar, index) => {
    const y = top + PANEL_TOP + index * (BAR_HEIGHT + GAP);
    const w = length(bar.value);
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" class="label${bar.id === 'ours' ? ' ours' : ''}" text-anchor="end">${escape(NAMES[bar.id] ?? bar.id)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" rx="3" fill="${COLOURS[bar.id] ?? '#999'}"/>`,
      `<text x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + 15}" class="value${bar.id === 'ours' ? ' ours' : ''}">${escape(format(bar.value, unit))}</text>`,
    );
  });
  const height = PANEL_TOP + bars.length * (BAR_HEIGHT + GAP) + PANEL_BOTTOM;
  return { svg: parts.join('\n'), height };
}

export function renderChart(results) {
  const panels = [];
  let top = 44;
  for (const panel of PANELS) {
    const data = panelBars(results, panel);
    if (!data || data.bars.length === 0) continue;
    const drawn = drawPanel(panel, data, top);
    panels.push(drawn.svg);
    top += drawn.height;
  }
  const { meta } = results;
  const subtitle = `${meta.mode} run, ${meta.date.slice(0, 10)}, Node ${meta.node}, ${meta.cpu} x${meta.cpus}; log scale`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" viewBox="0 0 ${WIDTH} ${top + 10}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.title{font-size:14px;font-weight:600;fill:#222}.label{font-size:13px;fill:#444}.value{font-size:12px;fill:#555}.ours{font-weight:700;fill:#1f7a4d}.sub{font-size:12px;fill:#777}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="0" y="18" class="title" font-size="16">self-healing vs cockatiel, opossum and p-retry</text>`,
    `<text x="0" y="34" class="sub">${escape(subtitle)}</text>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  writeFileSync(chartFile, renderChart(results));
  console.log(`Wrote ${chartFile}`);
}
