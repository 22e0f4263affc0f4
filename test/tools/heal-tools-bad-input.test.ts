/**
 * healTools refuses, naming the tool, what it cannot heal: a map it would return empty (a Map),
 * tools it would drop (getters of the map's class), and a tool whose execute is no function
 * (returned unhealed, its calls would fail). Nothing here calls a tool.
 */
import { describe, expect, it } from 'vitest';
import { healTools } from '../../src/tools/index.js';
import { configError } from '../helpers/config-error.js';

const search = { description: 'Web search', execute: async (args: { q: string }) => ({ hits: [args.q] }) };

describe('healTools: what it cannot heal', () => {
  it('refuses a Map (its tools are entries, not properties) and points to Object.fromEntries', () => {
    const error = configError(() => healTools(new Map([['search', search]]) as never));
    expect(error.option).toBe('tools');
    expect(error.message).toMatch(/got a Map; pass Object\.fromEntries\(map\)/);
    expect(Object.keys(healTools(Object.fromEntries(new Map([['search', search]]))))).toEqual(['search']);
  });

  it('refuses a tool the map only inherits (a getter of its class), naming it; heals a class instance\'s own tools', () => {
    class Inherited {
      get search() { return search; }
      describe() { return 'not a tool: a method'; }
    }
    const error = configError(() => healTools(new Inherited() as never));
    expect(error.option).toBe('tools.search');
    expect(error.message).toMatch(/inherited/);
    class Own {
      search = search;
      describe() { return 'not a tool: a method'; }
    }
    expect(Object.keys(healTools(new Own() as never))).toEqual(['search']);
  });

  it('refuses a tool whose execute is not a function, naming it; a tool without execute is returned as it is', () => {
    for (const execute of [5, 'run', null, {}]) {
      const error = configError(() => healTools({ search: { description: 'Web search', execute } } as never));
      expect(error.option).toBe('tools.search.execute');
      expect(error.message).toMatch(/expected a function execute\(args, options\)/);
    }
    const listed = { description: 'Run by the provider' };
    expect(healTools({ listed }).listed).toBe(listed);
  });

  it('refuses per-tool options given as an array', () => {
    expect(configError(() => healTools({ search }, { tools: [] as never })).option).toBe('tools');
  });
});
