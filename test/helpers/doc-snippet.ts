/** Runs a guide's ```ts snippet as written, its `self-healing` imports pointed at this checkout. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first ```ts block under `heading` in `docs/<doc>`. */
export function snippetUnder(doc: string, heading: string): string {
  const markdown = readFileSync(join(root, 'docs', doc), 'utf8');
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`no "${heading}" in docs/${doc}`);
  const match = /```ts\n([\s\S]*?)```/.exec(markdown.slice(start));
  if (match === null) throw new Error(`no \`\`\`ts block under "${heading}" in docs/${doc}`);
  return match[1]!;
}

/** What the snippet's `console.log(...); // '...'` comment says it prints. */
export function printedByComment(snippet: string): string | undefined {
  return /console\.log\(.*\); \/\/ '(.*)'\n/.exec(snippet)?.[1];
}

/** Imports the snippet as a module from a temporary file; resolves what it printed with `console.log`. */
export async function runSnippet(snippet: string, name: string): Promise<unknown[]> {
  const source = snippet.replace(`from 'self-healing'`, `from ${JSON.stringify(pathToFileURL(join(root, 'src', 'index.ts')).href)}`);
  const dir = mkdtempSync(join(tmpdir(), 'self-healing-docs-'));
  const lines: unknown[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void lines.push(...values));
  try {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, source);
    await import(pathToFileURL(file).href);
    return lines;
  } finally {
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
}
