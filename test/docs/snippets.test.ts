/**
 * Every code block of README.md and docs/*.md, one test each, named `<file>:<line>`: TypeScript
 * and JavaScript blocks are type-checked (strict, as a user's project would) and, unless marked
 * `<!-- snippet: typecheck -->` (they need a live service), run offline; output their comments
 * promise is checked. test/docs/snippets/extract.ts describes the markers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentedFiles, extractSnippets, root, type Snippet } from './snippets/extract.js';
import { printedByComments, runSnippet } from './snippets/run.js';
import { typecheckSnippets } from './snippets/typecheck.js';

const snippets = documentedFiles().flatMap((file) => extractSnippets(file));
const checked = snippets.filter((snippet) => snippet.mode !== 'skip');
let errors: Map<Snippet, string[]>;

beforeAll(() => {
  errors = typecheckSnippets(checked);
}, 60_000);

describe('runs (and type-checks)', () => {
  for (const snippet of snippets.filter((s) => s.mode === 'run')) {
    it(snippet.name, async () => {
      expect(errors.get(snippet)).toEqual([]);
      const printed = await runSnippet(snippet);
      const promised = printedByComments(snippet.code);
      // Each promised line, in order, among what it printed.
      let from = 0;
      for (const line of promised) {
        const at = printed.indexOf(line, from);
        expect(at, `prints ${JSON.stringify(line)}; it printed ${JSON.stringify(printed)}`).toBeGreaterThanOrEqual(0);
        from = at + 1;
      }
    });
  }
});

describe('type-checks (needs a live service)', () => {
  for (const snippet of snippets.filter((s) => s.mode === 'typecheck')) {
    it(snippet.name, () => {
      expect(errors.get(snippet)).toEqual([]);
    });
  }
});

describe('the extraction', () => {
  it('finds every TypeScript and JavaScript block of the docs', () => {
    const fences = documentedFiles().flatMap((file) => readFileSync(join(root, file), 'utf8').match(/^\s*```(ts|typescript|js|javascript)\b/gm) ?? []);
    expect(snippets.length).toBe(fences.length);
    expect(snippets.length).toBeGreaterThan(60);
  });

  it.each([
    ['a block without a language', '```\nx\n```', /without a language/],
    ['an unknown mode', '<!-- snippet: execute -->\n```ts\nx\n```', /unknown snippet mode "execute"/],
    ['a skip without a reason', '<!-- snippet: skip -->\n```ts\nx\n```', /needs a reason/],
    ['a marker above a block that never runs', '<!-- snippet: typecheck -->\n```json\n{}\n```', /never executed/],
    ['continues with nothing before it', '<!-- snippet: run continues -->\n```ts\nx\n```', /no code block before it/],
    ['an unclosed block', 'text\n```ts\nx', /never closed/],
  ])('refuses %s, naming the line', (_name, markdown, message) => {
    expect(() => extractSnippets('docs/x.md', markdown)).toThrow(message);
    expect(() => extractSnippets('docs/x.md', markdown)).toThrow(/^docs\/x\.md:\d+: /);
  });

  it('reads the mode, the note, what a block continues and where it is checked', () => {
    const [first, second, third] = extractSnippets('docs/x.md', [
      '```ts', 'const a = 1;', '```', '',
      '<!-- snippet: typecheck continues needs Redis -->', '', '```typescript', 'a;', '```',
      '<!-- snippet: typecheck at src/x/y.ts -->', '```js', 'b;', '```',
    ].join('\n'));
    expect(first).toMatchObject({ name: 'docs/x.md:1', mode: 'run', note: '', language: 'ts', code: 'const a = 1;' });
    expect(second).toMatchObject({ name: 'docs/x.md:7', mode: 'typecheck', note: 'needs Redis', previous: first, code: 'a;' });
    expect(third).toMatchObject({ name: 'docs/x.md:11', mode: 'typecheck', at: 'src/x/y.ts', language: 'js' });
  });
});

for (const snippet of snippets.filter((s) => s.mode === 'skip')) it.skip(`${snippet.name} (skipped: ${snippet.note})`, () => {});
