import ts from 'typescript';

/**
 * Compiles a TypeScript module with the real compiler and evaluates it as CommonJS. Used where
 * the test runner's own transform differs from what users' `tsc` emits (decorators).
 * `imports` provides what the module `require`s.
 */
export function compileAndLoad(source: string, options: { experimentalDecorators?: boolean }, imports: Record<string, unknown>): Record<string, unknown> {
  const output = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: options.experimentalDecorators ?? false,
    },
    reportDiagnostics: true,
  });
  if (output.diagnostics?.length) throw new Error(ts.flattenDiagnosticMessageText(output.diagnostics[0]!.messageText, '\n'));
  const module = { exports: {} as Record<string, unknown> };
  const require = (name: string) => {
    if (!(name in imports)) throw new Error(`unexpected import ${name}`);
    return imports[name];
  };
  new Function('module', 'exports', 'require', output.outputText)(module, module.exports, require);
  return module.exports;
}
