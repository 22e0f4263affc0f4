/** Runs the "An async budget" snippet of docs/reflection.md as written (imports pointed at this checkout). */
import { expect, it } from 'vitest';
import { printedByComment, runSnippet, snippetUnder } from '../helpers/doc-snippet.js';

it('the async budget snippet runs and prints what its comment says', async () => {
  const snippet = snippetUnder('reflection.md', '### An async budget');
  const expected = printedByComment(snippet);
  expect(expected).toBe('ok');
  expect(await runSnippet(snippet, 'async-budget')).toEqual([expected]);
});
