/**
 * Issue 18 point 7: a decorator's fallback is checked against the decorated method's result type,
 * under standard (TC39) decorators and under `experimentalDecorators`. The real compiler checks a
 * module that imports this checkout's src, as a user's `tsc` would.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
/** Parsed lib and src files, shared by the programs of both decorator modes (parsing is most of the cost). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** The type errors tsc reports for each module in `sources` (placed in this folder, so `../../src/index.js` resolves). */
function typeErrors(sources: Record<string, string>, experimentalDecorators: boolean): Record<string, string[]> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, noEmit: true, skipLibCheck: true, types: ['node'], experimentalDecorators,
  };
  const files = new Map(Object.entries(sources).map(([name, source]) => [join(here, `__${name}.ts`), source]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, version, ...rest) => {
    const source = files.get(name);
    if (source !== undefined) return ts.createSourceFile(name, source, version);
    if (!parsed.has(name)) parsed.set(name, getSourceFile.call(host, name, version, ...rest));
    return parsed.get(name);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const errors: Record<string, string[]> = {};
  for (const name of files.keys()) {
    errors[name.slice(here.length + 3, -3)] = ts.getPreEmitDiagnostics(program, program.getSourceFile(name))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return errors;
}

const module = (method: string) => `
import { withSelfHealing } from '../../src/index.js';
export class Catalog {
${method}
}
`;

const sources = {
  fitting: module(`
  @withSelfHealing({ fallback: () => [] as string[] })
  async titles(): Promise<string[]> { return ['a']; }
  @withSelfHealing({ fallback: { name: 'none', value: null } })
  async maybe(): Promise<string | null> { return 'a'; }
  @withSelfHealing({ retry: { maxAttempts: 2 } })
  async count(): Promise<number> { return 3; }`),
  mistypedFunction: module(`
  @withSelfHealing({ fallback: () => 0 })
  async titles(): Promise<string[]> { return ['a']; }`),
  mistypedValue: module(`
  @withSelfHealing({ fallback: { name: 'zero', value: 0 } })
  async titles(): Promise<string[]> { return ['a']; }`),
};

describe.each([false, true])("a decorator's fallback against the method (experimentalDecorators: %s)", (experimentalDecorators) => {
  it("accepts a fallback of the method's result type and any method without one; refuses a fallback of another type, naming the mismatch", () => {
    const errors = typeErrors(sources, experimentalDecorators);
    expect(errors.fitting).toEqual([]);
    for (const mistyped of [errors.mistypedFunction, errors.mistypedValue]) {
      expect(mistyped).toHaveLength(1);
      expect(mistyped![0]).toContain('the fallback resolves a type this method does not return');
    }
  }, 60_000);
});
