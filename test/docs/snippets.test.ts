/**
 * Every code block of README.md and docs/*.md, one test each, named `<file>:<line>`: TypeScript
 * and JavaScript blocks are type-checked (strict, as a user's project would) and, unless marked
 * `<!-- snippet: typecheck -->` (they need a live service), run offline; output their comments
 * promise is checked. test/docs/snippets/extract.ts describes the markers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { documentedFiles, extractSnippets, type Snippet } from './snippets/extract.js';
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

for (const snippet of snippets.filter((s) => s.mode === 'skip')) it.skip(`${snippet.name} (skipped: ${snippet.note})`, () => {});
