import type { Row, ScenarioResult, TargetCheck } from './types.js';

function table(header: readonly string[], lines: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]) =>
    cells.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

const fixed = (value: number, digits: number) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const amount = (value: number) => fixed(value, value < 100 ? 1 : 0);
const ratio = (value: number) => (Number.isFinite(value) ? `${fixed(value, 2)}x` : '-');

/** The columns comparing a row with the bare call and with cockatiel. */
function comparisons(scenario: ScenarioResult, r: Row): string[] {
  const bare = scenario.rows.find((x) => x.id === scenario.baselineId);
  const reference = scenario.rows.find((x) => x.id === scenario.referenceId);
  if (scenario.unit === 'B/breaker') return [reference ? ratio(r.value / reference.value) : '-'];
  if (scenario.unit === 'B') return [];
  if (bare === undefined) return [];
  if (r.sync || r.id === bare.id) return [r.sync ? 'sync' : '1.00x', '-', '-'];
  const overhead = r.value - bare.value;
  const referenceOverhead = reference ? reference.value - bare.value : NaN;
  return [ratio(r.value / bare.value), amount(overhead), ratio(overhead / referenceOverhead)];
}

/** One scenario as a text table: median, spread of the rounds, and the ratios. */
export function formatScenario(scenario: ScenarioResult): string {
  const unit = scenario.unit;
  const header = ['candidate', unit, 'min..max'];
  if (unit === 'B/breaker') header.push('x cockatiel', 'count', 'note');
  else if (unit === 'B') header.push('count', 'note');
  else if (scenario.baselineId !== undefined) header.push('x bare', 'overhead ns', 'overhead x cockatiel');
  const lines = scenario.rows.map((r) => {
    const cells = [r.label, amount(r.value), `${amount(r.min)}..${amount(r.max)}`, ...comparisons(scenario, r)];
    if (unit === 'B/breaker' || unit === 'B') cells.push(r.count.toLocaleString('en-US'), r.note ?? '');
    return cells;
  });
  const right = new Set(header.map((_, i) => i).filter((i) => i > 0 && header[i] !== 'note'));
  const notes = (scenario.notes ?? []).map((n) => `  * ${n}`);
  return [`\n${scenario.title}`, table(header, lines, right), ...notes].join('\n');
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  const lines = checks.map((c) => [
    c.met ? 'MET' : 'MISSED',
    c.name,
    `${c.unit === 'x' ? fixed(c.actual, 2) : Math.round(c.actual)} ${c.unit} ${c.comparison} ${c.limit} ${c.unit}`,
    c.detail,
  ]);
  return ['\nTargets', table(['', 'target', 'measured vs limit', 'detail'], lines, new Set())].join('\n');
}
