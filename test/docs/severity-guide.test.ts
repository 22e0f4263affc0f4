/** The "Severity" table of docs/retry-and-classification.md against the code (its snippet runs in snippets.test.ts). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEFAULT_SEVERITIES } from '../../src/classify/severity.js';

it('the severity table in the guide lists exactly the built-in table', () => {
  const guide = readFileSync(new URL('../../docs/retry-and-classification.md', import.meta.url), 'utf8');
  const start = guide.indexOf('\n## Severity\n');
  const table = guide.slice(start, guide.indexOf('```ts', start));
  const documented: Record<string, string> = {};
  for (const [, severity, categories] of table.matchAll(/^\| `(low|medium|high|critical)` \| ([^|]+) \|/gm)) {
    // Only the named built-in categories: what follows the ';' ("`unknown`, `custom` and any category of your own") is the fallback.
    for (const [, category] of categories!.split(';')[0]!.matchAll(/`([a-z_]+)`/g)) documented[category!] = severity!;
  }
  expect(documented).toEqual({ ...DEFAULT_SEVERITIES });
});
