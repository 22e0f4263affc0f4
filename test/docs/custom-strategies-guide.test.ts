/** Runs the "One recovery per key" snippet of docs/custom-strategies.md as written. */
import { expect, it } from 'vitest';
import { printedByComment, runSnippet, snippetUnder } from '../helpers/doc-snippet.js';

it('the one-recovery-per-key snippet runs and prints what its comment says', async () => {
  const snippet = snippetUnder('custom-strategies.md', '## One recovery per key');
  const expected = printedByComment(snippet);
  expect(expected).toBe('99 ok, 1 restart, last: user left');
  expect(await runSnippet(snippet, 'one-recovery-per-key')).toEqual([expected]);
});
