import { HISTORY_SCRIPT, HISTORY_SECTIONS, HISTORY_STYLE } from './history/history-page.js';

/**
 * The status page: one self-contained HTML document (inline style and script, no build step, no
 * external requests). It reads the JSON routes of the same handler and re-renders every
 * `refreshMs`. Every value from the server goes in through `textContent`, never as HTML, so a
 * circuit or pipeline name cannot inject markup. The nonce ties the inline code to the response's
 * Content-Security-Policy.
 */
export function statusPage(options: { basePath: string; refreshMs: number; nonce: string; history?: boolean; stats?: boolean }): string {
  const config = JSON.stringify({ base: options.basePath, refreshMs: options.refreshMs, history: options.history === true, stats: options.stats === true }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>self-healing status</title>
<style nonce="${options.nonce}">
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; background: #f5f6f8; color: #1d2330; }
  header { display: flex; align-items: baseline; gap: 1rem; padding: 1rem 1.5rem; background: #1d2330; color: #fff; }
  header h1 { font-size: 1.15rem; margin: 0; font-weight: 600; }
  header .updated { margin-left: auto; font-size: .85rem; opacity: .75; }
  main { padding: 1rem 1.5rem; display: grid; gap: 1.25rem; }
  section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 1rem 1.25rem; min-width: 0; overflow-x: auto; }
  h2 { font-size: 1rem; margin: 0 0 .75rem; }
  table { width: 100%; border-collapse: collapse; font-size: .9rem; }
  th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #eceef2; vertical-align: top; }
  th { font-weight: 600; color: #5a6272; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .badge { display: inline-block; padding: .1rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; }
  .CLOSED, .healthy, .ok { background: #dff5e3; color: #17692b; }
  .HALF_OPEN, .degraded { background: #fff2cc; color: #7a5b00; }
  .OPEN, .unhealthy, .critical, .error { background: #fde0e0; color: #9b1c1c; }
  .empty { color: #8a91a0; font-style: italic; }
  .detail { color: #5a6272; font-size: .82rem; }
  #problem { color: #9b1c1c; }
${HISTORY_STYLE}
</style>
</head>
<body>
<header><h1>self-healing status</h1><span id="system" class="badge">…</span><span id="problem"></span><span class="updated" id="updated">loading…</span></header>
<main>
${HISTORY_SECTIONS}
  <section><h2>Circuits now <span class="detail">(worst first)</span></h2>
    <table><thead><tr><th>circuit</th><th>state</th><th class="num">error rate</th><th class="num">successes</th><th class="num">failures</th><th class="num">rejected</th></tr></thead>
    <tbody id="circuits"></tbody></table><button class="more" id="more-now" data-more="now" hidden></button>
  </section>
  <section id="strategies-section" hidden><h2>Recovery strategies by error category <span class="detail">(what chooseByResults learned)</span></h2>
    <table><thead><tr><th>pipeline</th><th>category</th><th>strategy</th><th class="num">tries</th><th class="num">success rate</th><th class="num">mean recovery</th></tr></thead>
    <tbody id="strategies"></tbody></table>
  </section>
  <section><h2>Recent healing actions</h2>
    <table><thead><tr><th>time</th><th>pipeline</th><th>circuit</th><th>outcome</th><th>actions</th></tr></thead>
    <tbody id="recoveries"></tbody></table>
  </section>
</main>
<script nonce="${options.nonce}">
"use strict";
const config = ${config};
const $ = (id) => document.getElementById(id);

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}
function badge(text) {
  const span = document.createElement("span");
  span.className = "badge " + text;
  span.textContent = text;
  return span;
}
function emptyRow(body, columns, text) {
  const tr = document.createElement("tr");
  const td = cell(text, "empty");
  td.colSpan = columns;
  tr.append(td);
  body.replaceChildren(tr);
}
// Long tables (hundreds of circuits) show the worst PAGE_SIZE rows and a button for the rest;
// which tables are expanded survives the refreshes.
const PAGE_SIZE = 15;
const expanded = {};
const rerender = {};
function paged(kind, items, body, row) {
  const more = $("more-" + kind);
  body.replaceChildren(...(expanded[kind] ? items : items.slice(0, PAGE_SIZE)).map(row));
  more.hidden = items.length <= PAGE_SIZE;
  more.textContent = expanded[kind] ? "show the worst " + PAGE_SIZE + " only" : "show all " + items.length + " (" + (items.length - PAGE_SIZE) + " more)";
}
document.addEventListener("click", (event) => {
  const kind = event.target instanceof HTMLElement ? event.target.dataset.more : undefined;
  if (kind === undefined) return;
  expanded[kind] = !expanded[kind];
  if (rerender[kind]) rerender[kind]();
});
async function getJson(path) {
  const response = await fetch(config.base + path, { headers: { accept: "application/json" }, cache: "no-store" });
  if (response.status === 404) return undefined;
  if (!response.ok && response.status !== 503) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}
function errorRate(c) {
  const w = c.window || { calls: 0, failures: 0 };
  if (w.calls > 0) return w.failures / w.calls;
  const total = (c.successes || 0) + (c.failures || 0);
  return total > 0 ? (c.failures || 0) / total : 0;
}
const STATE_RANK = { OPEN: 2, HALF_OPEN: 1 };
let lastCircuits;
function renderCircuits(circuits) {
  const body = $("circuits");
  lastCircuits = circuits;
  if (circuits.length === 0) { $("more-now").hidden = true; return emptyRow(body, 6, "no circuits yet"); }
  const worstFirst = [...circuits].sort((a, b) => (STATE_RANK[b.state] || 0) - (STATE_RANK[a.state] || 0)
    || errorRate(b) - errorRate(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  paged("now", worstFirst, body, (c) => {
    const tr = document.createElement("tr");
    tr.dataset.circuit = c.name;
    const state = document.createElement("td");
    state.dataset.state = c.state;
    state.append(badge(c.state));
    // A breaker ramping up after a recovery admits only this share of calls for now.
    if (c.rampPercent !== null && c.rampPercent !== undefined) {
      const ramp = badge("ramping " + c.rampPercent + " %");
      ramp.className = "badge HALF_OPEN ramp";
      ramp.dataset.ramp = String(c.rampPercent);
      state.append(" ", ramp);
    }
    tr.append(cell(c.name), state, cell((errorRate(c) * 100).toFixed(1) + " %", "num"),
      cell(String(c.successes ?? "-"), "num"), cell(String(c.failures ?? "-"), "num"), cell(String(c.rejections ?? "-"), "num"));
    return tr;
  });
}
rerender.now = () => { if (lastCircuits) renderCircuits(lastCircuits); };
function renderRecoveries(recoveries) {
  const body = $("recoveries");
  if (recoveries === undefined) return emptyRow(body, 5, "statistics are not enabled on this endpoint");
  if (recoveries.length === 0) return emptyRow(body, 5, "no healing actions yet");
  body.replaceChildren(...recoveries.map((r) => {
    const tr = document.createElement("tr");
    const outcome = document.createElement("td");
    outcome.append(badge(r.status));
    const actions = document.createElement("td");
    for (const a of r.actions) {
      const line = document.createElement("div");
      line.textContent = a.kind + " (attempt " + a.attempt + ")";
      const detail = document.createElement("div");
      detail.className = "detail";
      detail.textContent = a.detail;
      actions.append(line, detail);
    }
    tr.append(cell(new Date(r.at).toLocaleTimeString()), cell(r.pipeline), cell(r.circuit ?? "-"), outcome, actions);
    return tr;
  }));
}
function renderStrategies(stats) {
  const rows = [];
  for (const [pipeline, counters] of Object.entries((stats && stats.pipelines) || {})) {
    for (const s of counters.strategies || []) rows.push({ pipeline, ...s });
  }
  $("strategies-section").hidden = rows.length === 0;
  // Best first within each pipeline and category: the order chooseByResults tries them in.
  rows.sort((a, b) => (a.pipeline < b.pipeline ? -1 : a.pipeline > b.pipeline ? 1 : 0) || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0) || b.successRate - a.successRate);
  $("strategies").replaceChildren(...rows.map((s) => {
    const tr = document.createElement("tr");
    tr.dataset.strategy = s.pipeline + "/" + s.category + "/" + s.strategy;
    tr.append(cell(s.pipeline), cell(s.category), cell(s.strategy), cell(String(s.tries), "num"),
      cell((s.successRate * 100).toFixed(0) + " %", "num"), cell(Math.round(s.meanRecoveryMs) + " ms", "num"));
    return tr;
  }));
}
${HISTORY_SCRIPT}
async function refresh() {
  try {
    const [circuits, recoveries, health, history, stats] = await Promise.all([getJson("/circuits"), getJson("/recoveries"), getJson("/health"),
      config.history ? getJson("/history") : undefined, config.stats ? getJson("/stats") : undefined]);
    renderCircuits(circuits || []);
    renderStrategies(stats);
    renderHistory(history);
    renderRecoveries(recoveries);
    const system = $("system");
    system.className = "badge " + health.level;
    system.textContent = health.level;
    $("problem").textContent = "";
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    $("problem").textContent = "could not refresh: " + error.message;
  } finally {
    setTimeout(refresh, config.refreshMs);
  }
}
refresh();
</script>
</body>
</html>
`;
}
