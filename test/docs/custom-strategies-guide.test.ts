/** Runs the "One recovery per key" snippet of docs/custom-strategies.md as written (imports pointed at this checkout). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The first ```ts block under `heading` in docs/custom-strategies.md. */
function snippetUnder(heading: string): string {
  const markdown = readFileSync(join(root, 'docs', 'custom-strategies.md'), 'utf8');
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`no "${heading}" in docs/custom-strategies.md`);
  const match = /```ts\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (match === null) throw new Error(`no \`\`\`ts block under "${heading}" in docs/custom-strategies.md`);
  return match[1]!;
}

it('the one-recovery-per-key snippet runs and prints what its comment says', async () => {
  const snippet = snippetUnder('## One recovery per key');
  const expected = /console\.log\(.*\); \/\/ '(.*)'\n/.exec(snippet)?.[1];
  expect(expected).toBe('99 ok, 1 restart, last: user left');
  const source = snippet.replace(`from 'self-healing'`, `from ${JSON.stringify(pathToFileURL(join(root, 'src', 'index.ts')).href)}`);
  dir = mkdtempSync(join(tmpdir(), 'self-healing-docs-'));
  const file = join(dir, 'one-recovery-per-key.ts');
  writeFileSync(file, source);
  const lines: unknown[] = [];
  vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void lines.push(...values));
  await import(pathToFileURL(file).href);
  expect(lines).toEqual([expected]);
});
