/**
 * The code blocks of README.md and docs/*.md (not docs/api/, which TypeDoc generates), each with
 * how the snippet test treats it. An HTML comment on the line just above a block (invisible on
 * GitHub and npm) says how; without one, a TypeScript or JavaScript block is run:
 *
 *     <!-- snippet: typecheck needs a Redis server -->   type-checked only (a live service)
 *     <!-- snippet: typecheck continues -->              type-checked after the page's previous block
 *     <!-- snippet: run continues -->                    run after the page's previous block
 *     <!-- snippet: skip a type signature excerpt -->    neither; the reason is required
 *     <!-- snippet: typecheck at src/x/y.ts -->          checked as the file src/x/y.ts (relative imports)
 *
 * Shell, JSON, YAML and text blocks are never executed; a block without a language is refused,
 * so each block says what it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type SnippetMode = 'run' | 'typecheck' | 'skip';

export interface Snippet {
  /** The Markdown file, relative to the repository root: `README.md`, `docs/fleet.md`. */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** `<file>:<line>`: the test's name. */
  readonly name: string;
  readonly mode: SnippetMode;
  /** The words after the mode (a skip's reason, why a block is only type-checked). */
  readonly note: string;
  /** The page's previous code block, when this one continues it (its declarations are in scope). */
  readonly previous?: Snippet;
  /** Where the snippet is checked as a file, for relative imports; undefined: a scratch file. */
  readonly at?: string;
  readonly language: 'ts' | 'js';
  readonly code: string;
}

const CODE_LANGUAGES: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };
const NOT_EXECUTED = new Set(['sh', 'bash', 'shell', 'console', 'json', 'jsonc', 'yaml', 'yml', 'text', 'txt', 'diff', 'html', 'promql']);
const MARKER = /^<!--\s*snippet:\s*(.*?)\s*-->$/;

export const root = join(import.meta.dirname, '..', '..', '..');

/** README.md and every docs/*.md, in a stable order. */
export function documentedFiles(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** Every code block of `file` (relative to the root) that is run, type-checked or skipped. */
export function extractSnippets(file: string, markdown = readFileSync(join(root, file), 'utf8')): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  const fail = (line: number, message: string): never => {
    throw new Error(`${file}:${line}: ${message}`);
  };
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[index]!);
    if (open === null) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const language = info.trim().split(/\s+/)[0]!.toLowerCase();
    const line = index + 1;
    const body: string[] = [];
    for (index++; index < lines.length && !lines[index]!.startsWith(`${indent}${fence}`); index++) {
      body.push(lines[index]!.startsWith(indent) ? lines[index]!.slice(indent.length) : lines[index]!);
    }
    if (index === lines.length) fail(line, 'the code block is never closed');
    const marker = markerAbove(lines, line - 1);
    if (language === '') fail(line, 'a code block without a language: write ```ts, ```sh, ```json or ```text');
    const codeLanguage = CODE_LANGUAGES[language];
    if (codeLanguage === undefined) {
      if (!NOT_EXECUTED.has(language)) fail(line, `unknown code block language "${language}": add it to extract.ts, run or not`);
      if (marker !== undefined) fail(line, `a snippet marker above a ${language} block, which is never executed`);
      continue;
    }
    const [mode = 'run', ...words] = (marker ?? '').split(/\s+/).filter(Boolean);
    if (mode !== 'run' && mode !== 'typecheck' && mode !== 'skip') fail(line, `unknown snippet mode "${mode}": run, typecheck or skip`);
    const continues = words[0] === 'continues';
    if (continues) words.shift();
    let at: string | undefined;
    if (words[0] === 'at') {
      at = words[1] ?? fail(line, '"at" needs a path, e.g. at src/classify/families/ledger.ts');
      words.splice(0, 2);
    }
    const note = words.join(' ');
    if (mode === 'skip' && note === '') fail(line, 'a skipped snippet needs a reason: <!-- snippet: skip why -->');
    const previous = continues ? (snippets.at(-1) ?? fail(line, '"continues", but no code block before it on the page')) : undefined;
    snippets.push({
      file, line, name: `${file}:${line}`, mode: mode as SnippetMode, note, language: codeLanguage, code: body.join('\n'),
      ...(previous === undefined ? {} : { previous }), ...(at === undefined ? {} : { at }),
    });
  }
  return snippets;
}

/** The marker on the nearest non-blank line above the fence at `fenceIndex`, if that line is one. */
function markerAbove(lines: string[], fenceIndex: number): string | undefined {
  let index = fenceIndex - 1;
  while (index >= 0 && lines[index]!.trim() === '') index--;
  const match = index >= 0 ? MARKER.exec(lines[index]!.trim()) : null;
  return match?.[1];
}
