// Runs the Quick start snippet of docs/opossum.md as written (imports pointed at this checkout),
// and checks the output its comment promises.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { afterEach, expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
let dir: string | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function quickStart(): string {
  const markdown = readFileSync(join(root, 'docs', 'opossum.md'), 'utf8');
  const section = markdown.slice(markdown.indexOf('## Quick start'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('no ```ts block under "## Quick start" in docs/opossum.md');
  return match[1]!;
}

it('the Quick start snippet of docs/opossum.md runs and prints what it says', async () => {
  const snippet = quickStart();
  const expected = /\/\/ (ok .*)\n/.exec(snippet)?.[1];
  expect(expected).toBeDefined();
  const source = snippet
    .replace(`from 'opossum'`, `from ${JSON.stringify(pathToFileURL(require.resolve('opossum')).href)}`)
    .replace(`from 'self-healing/opossum'`, `from ${JSON.stringify(pathToFileURL(join(root, 'src', 'opossum', 'index.ts')).href)}`)
    .replace(`from 'self-healing'`, `from ${JSON.stringify(pathToFileURL(join(root, 'src', 'index.ts')).href)}`);
  dir = mkdtempSync(join(tmpdir(), 'self-healing-docs-'));
  const file = join(dir, 'quick-start.ts');
  writeFileSync(file, source);
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
    lines.push(values.map((value) => (typeof value === 'string' ? value : inspect(value))).join(' '));
  });
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  await import(pathToFileURL(file).href);
  expect(lines).toEqual([expected]);
});
