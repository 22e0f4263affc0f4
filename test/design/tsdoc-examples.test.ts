// Every export of every entry has TSDoc with an example (the project's standard): a user who
// hovers over a name, or reads the API docs, sees how it is called.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ENTRIES } from '../../tsup.config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the public API', () => {
  it('has an @example in the TSDoc of every export of every entry', () => {
    const files = Object.values(ENTRIES).map((entry) => `${root}${entry}`);
    const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    let exports = 0;
    for (const [entry, file] of Object.entries(ENTRIES)) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(`${root}${file}`)!)!;
      for (const exported of checker.getExportsOfModule(module)) {
        exports++;
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const documented = (symbol.declarations ?? []).some((declaration) => ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'));
        if (!documented) missing.push(`${entry}: ${exported.name}`);
      }
    }
    expect(exports).toBeGreaterThan(150); // the check saw the API, not an empty program
    expect(missing).toEqual([]);
  });
});
