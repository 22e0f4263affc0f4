/**
 * healTools keeps the tools' types: the map it returns is the map it was given, AI SDK tools
 * stay AI SDK tools (generateText accepts them and types their results), and the per-tool
 * options are checked against each tool's name, args and result. Checked by the typecheck.
 */
import { tool, type ToolSet } from 'ai';
import { expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { healTools } from '../../src/tools/index.js';

const tools = {
  search: tool({
    description: 'Search the web',
    inputSchema: z.object({ query: z.string() }),
    execute: async ({ query }) => ({ hits: [query] }),
  }),
  // No execute: the client hands the call back to the caller (or a human).
  confirm: tool({ description: 'Ask the user to confirm', inputSchema: z.object({ question: z.string() }) }),
};

it('returns the map with the same type, AI SDK tools included', () => {
  const healed = healTools(tools, { retry: { maxAttempts: 3 }, tools: { search: { fallback: () => ({ hits: [] }) } } });
  expectTypeOf(healed).toEqualTypeOf<typeof tools>();
  expectTypeOf(healed).toExtend<ToolSet>();
  expectTypeOf(healed.search.execute).parameter(0).toEqualTypeOf<{ query: string }>();
  expect(healed.confirm).toBe(tools.confirm);
});

it('checks the per-tool options against each tool', () => {
  // @ts-expect-error: no tool is called "serch"
  expect(() => healTools(tools, { tools: { serch: { retry: { maxAttempts: 2 } } } })).toThrow(/did you mean search/);
  // @ts-expect-error: search's fallback must resolve what search resolves ({ hits: string[] })
  healTools(tools, { tools: { search: { fallback: () => 42 } } });
  // @ts-expect-error: search's args have no "q"
  healTools(tools, { tools: { search: { fallback: ({ q }) => ({ hits: [q] }) } } });
  healTools(tools, { tools: { search: { fallback: ({ query }) => ({ hits: [query] }) } } });
});

it('takes only maps of tools', () => {
  // @ts-expect-error: execute must be a function
  expect(() => healTools({ search: { execute: 42 } })).toThrow(/tools\.search\.execute/); // refused at run time too: it cannot be healed
  // @ts-expect-error: a map of tools, not one tool
  expect(() => healTools(tools.search)).toThrow(/tools\.description/);
});
