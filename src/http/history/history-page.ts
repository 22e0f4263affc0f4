// The status page's history part: sparklines of GET /history, drawn as inline SVG by the page's
// own nonce'd script (no library, no font, nothing fetched but the JSON routes). Kept apart from
// status-page.ts so each file stays small; status-page.ts splices these strings in.

/** CSS of the history part. */
export const HISTORY_STYLE = `
  .spark { display: flex; align-items: center; gap: .5rem; }
  .spark svg { display: block; background: #fafbfc; border: 1px solid #eceef2; border-radius: 4px; }
  .spark .value { min-width: 4.2rem; text-align: right; font-variant-numeric: tabular-nums; font-size: .85rem; }
  .line-rate { fill: none; stroke: #c0392b; stroke-width: 1.5; }
  .area-rate { fill: rgba(192,57,43,.12); }
  .line-calls { fill: none; stroke: #2a6fdb; stroke-width: 1.5; }
  .area-calls { fill: rgba(42,111,219,.10); }
  .line-healed { fill: none; stroke: #1f8a4c; stroke-width: 1.5; }
  .area-healed { fill: rgba(31,138,76,.12); }
  .marker-OPEN { stroke: #9b1c1c; stroke-width: 2; }
  .marker-HALF_OPEN { stroke: #c79100; stroke-width: 1.5; stroke-dasharray: 3 2; }
  .marker-CLOSED { stroke: #17692b; stroke-width: 1.5; stroke-dasharray: 2 2; }
  .legend { display: flex; gap: 1rem; font-size: .8rem; color: #5a6272; margin: -.35rem 0 .6rem; flex-wrap: wrap; }
  .legend i { display: inline-block; width: .8rem; height: 0; border-top: 2px solid; margin-right: .3rem; vertical-align: middle; }
  .legend .k-rate { border-color: #c0392b; } .legend .k-calls { border-color: #2a6fdb; } .legend .k-healed { border-color: #1f8a4c; }
  .legend .k-open { border-color: #9b1c1c; } .legend .k-half { border-color: #c79100; border-top-style: dashed; } .legend .k-closed { border-color: #17692b; border-top-style: dashed; }
  .saved { font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
  .summary { display: flex; gap: 2.5rem; align-items: baseline; flex-wrap: wrap; }
  .summary .label { color: #5a6272; font-size: .85rem; display: block; }
  button.more { margin-top: .6rem; font: inherit; font-size: .85rem; padding: .25rem .75rem; border: 1px solid #c9ced8; border-radius: 6px; background: #fff; cursor: pointer; }
`;

/** HTML of the history part (filled by the script). */
export const HISTORY_SECTIONS = `
  <section id="history-summary"><h2>Healing, last <span class="window">…</span></h2>
    <div class="summary"><div><span class="label">share of troubled calls healing saved</span><span class="saved" id="saved">–</span></div>
    <div><span class="label">calls</span><span class="saved" id="total-calls">–</span></div>
    <div><span class="label">failed</span><span class="saved" id="total-errors">–</span></div>
    <div><span class="label">refused by a breaker</span><span class="saved" id="total-refusals">–</span></div></div>
  </section>
  <section><h2>Circuits over time <span class="detail">(worst first)</span></h2>
    <div class="legend"><span><i class="k-rate"></i>error rate</span><span><i class="k-calls"></i>calls per bucket</span><span><i class="k-open"></i>opened</span><span><i class="k-half"></i>half-open</span><span><i class="k-closed"></i>closed</span></div>
    <table><thead><tr><th>circuit</th><th>state</th><th>error rate</th><th>calls</th><th class="num">refused</th><th class="num">saved</th></tr></thead>
    <tbody id="history-circuits"></tbody></table><button class="more" id="more-circuits" data-more="circuits" hidden></button>
  </section>
  <section><h2>Pipelines over time <span class="detail">(worst first)</span></h2>
    <div class="legend"><span><i class="k-rate"></i>error rate</span><span><i class="k-calls"></i>calls per bucket</span><span><i class="k-healed"></i>healed per bucket</span></div>
    <table><thead><tr><th>pipeline</th><th>error rate</th><th>calls</th><th>healed</th><th class="num">refused</th><th class="num">saved</th></tr></thead>
    <tbody id="history-pipelines"></tbody></table><button class="more" id="more-pipelines" data-more="pipelines" hidden></button>
  </section>
  <section><h2>Components</h2>
    <table><thead><tr><th>component</th><th>health</th><th class="num">error rate</th><th class="num">calls in window</th><th class="num">p50 latency</th><th class="num">p99 latency</th></tr></thead>
    <tbody id="history-components"></tbody></table>
  </section>
`;

/** Script of the history part: defines renderHistory(history), called by the page's refresh. */
export const HISTORY_SCRIPT = `
const SVG_NS = "http://www.w3.org/2000/svg";
let lastHistory;
function svgEl(name, attrs) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}
function percent(x) { return x === null || x === undefined ? "–" : (x * 100).toFixed(x === 0 || x === 1 ? 0 : 1) + " %"; }
function spark(kind, values, max, history, markers, label) {
  const W = 160, H = 34, P = 2;
  const svg = svgEl("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" });
  svg.dataset.series = kind;
  const n = values.length;
  const x = (i) => P + (n <= 1 ? 0 : (i * (W - 2 * P)) / (n - 1));
  const y = (v) => H - P - ((v ?? 0) / (max || 1)) * (H - 2 * P);
  const points = values.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1));
  svg.dataset.values = values.map((v) => (v === null ? "" : String(Math.round(v * 1000) / 1000))).join(" ");
  svg.append(svgEl("polygon", { class: "area-" + kind, points: P + "," + (H - P) + " " + points.join(" ") + " " + (W - P) + "," + (H - P) }));
  svg.append(svgEl("polyline", { class: "line-" + kind, points: points.join(" ") }));
  for (const m of markers || []) {
    // On the same scale as the points (point i is the start of bucket i), clamped to the last one.
    const mx = Math.max(P, Math.min(W - P, x((m.at - history.start) / history.bucketMs)));
    const line = svgEl("line", { class: "marker marker-" + m.to, x1: mx.toFixed(1), x2: mx.toFixed(1), y1: 0, y2: H });
    line.dataset.to = m.to;
    const title = svgEl("title", {});
    title.textContent = m.from + " → " + m.to + " (" + m.reason + ") at " + new Date(m.at).toLocaleTimeString();
    line.append(title);
    svg.append(line);
  }
  const wrap = document.createElement("div");
  wrap.className = "spark";
  const value = document.createElement("span");
  value.className = "value";
  value.textContent = label;
  wrap.append(svg, value);
  const td = document.createElement("td");
  td.append(wrap);
  return td;
}
function lastRate(e) {
  for (let i = e.series.errorRate.length - 1; i >= 0; i--) if (e.series.errorRate[i] !== null) return e.series.errorRate[i];
  return null;
}
function historyRow(e, history, isCircuit) {
  const tr = document.createElement("tr");
  tr.dataset[isCircuit ? "historyCircuit" : "historyPipeline"] = e.name;
  const maxCalls = Math.max(1, ...e.series.calls);
  tr.append(cell(e.name));
  if (isCircuit) {
    const state = document.createElement("td");
    if (e.state) state.append(badge(e.state)); else state.textContent = "–";
    tr.append(state);
  }
  tr.append(spark("rate", e.series.errorRate, 1, history, e.markers, percent(lastRate(e)) + " now"));
  tr.append(spark("calls", e.series.calls, maxCalls, history, e.markers, e.totals.calls + " total"));
  if (!isCircuit) tr.append(spark("healed", e.series.healed, maxCalls, history, e.markers, e.totals.healed + " total"));
  tr.append(cell(String(e.totals.refusals), "num"), cell(percent(e.savedShare), "num saved-share"));
  return tr;
}
function renderEntries(kind, entries, history) {
  const body = $("history-" + kind);
  if (entries.length === 0) { $("more-" + kind).hidden = true; return emptyRow(body, 6, "no activity in the window"); }
  paged(kind, entries, body, (e) => historyRow(e, history, kind === "circuits"));
}
rerender.circuits = rerender.pipelines = () => { if (lastHistory) renderHistory(lastHistory); };
function renderHistory(history) {
  if (history === undefined) {
    for (const kind of ["circuits", "pipelines", "components"]) emptyRow($("history-" + kind), 6, "history is not enabled: pass history: new HealingHistory() to createHealingHandler");
    return;
  }
  lastHistory = history;
  const minutes = (history.bucketMs * history.buckets) / 60000;
  for (const el of document.querySelectorAll(".window")) el.textContent = (minutes >= 1 ? Math.round(minutes * 10) / 10 + " min" : Math.round(minutes * 60) + " s") + " (" + history.buckets + " buckets of " + history.bucketMs / 1000 + " s)";
  const sum = (key) => history.pipelines.reduce((a, e) => a + e.totals[key], 0);
  const needed = sum("failedFirst"), healed = sum("healed");
  $("saved").textContent = needed === 0 ? "–" : percent(healed / needed) + " (" + healed + " of " + needed + ")";
  $("total-calls").textContent = String(sum("calls"));
  $("total-errors").textContent = String(sum("errors"));
  $("total-refusals").textContent = String(sum("refusals"));
  renderEntries("circuits", history.circuits, history);
  renderEntries("pipelines", history.pipelines, history);
  const body = $("history-components");
  if (history.components.length === 0) return emptyRow(body, 6, "no components (pass a monitor to createHealingHandler)");
  const ms = (v) => (v === null ? "–" : (v < 10 ? v.toFixed(1) : Math.round(v)) + " ms");
  body.replaceChildren(...history.components.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.component = c.name;
    const level = document.createElement("td");
    level.append(badge(c.level));
    tr.append(cell(c.name), level, cell(percent(c.errorRate), "num"), cell(String(c.calls), "num"), cell(ms(c.p50), "num"), cell(ms(c.p99), "num"));
    return tr;
  }));
}
`;
