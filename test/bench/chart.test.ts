import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { renderChart } from '../../scripts/bench-chart.mjs';

const results = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8'));

describe('the benchmark chart', () => {
  it('draws one panel per recorded scenario with a labelled bar per library, as well-formed SVG', () => {
    const svg: string = renderChart(results);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const title of ['Happy path', 'One transient failure', 'Refusing a call', 'Heap per idle named breaker']) expect(svg).toContain(title);
    const happy = results.scenarios.find((s: { id: string }) => s.id === 'happy');
    const bare = happy.rows.find((r: { id: string }) => r.id === 'bare').value;
    const ours = happy.rows.find((r: { id: string }) => r.id === 'ours').value;
    expect(svg).toContain(`>${Math.round(ours - bare)} ns<`);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    // Every opened element is closed: a crude but real well-formedness check for this flat SVG.
    expect((svg.match(/<text /g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length);
  });
});

describe('the benchmark record', () => {
  it('renders every scenario and every target of results.json between the markers', async () => {
    // @ts-expect-error -- a plain .mjs script without type declarations
    const { renderResults } = await import('../../scripts/bench-docs.mjs');
    const markdown: string = renderResults(results);
    expect(markdown.startsWith('<!-- results:start -->')).toBe(true);
    expect(markdown.endsWith('<!-- results:end -->')).toBe(true);
    for (const scenario of results.scenarios) expect(markdown).toContain(`### ${scenario.title}`);
    for (const target of results.targets) expect(markdown).toContain(`| ${target.name.replace(/\|/g, '\\|')} |`);
    expect(markdown).not.toMatch(/NaN|undefined/);
  });
});
