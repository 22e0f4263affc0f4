/**
 * Type-checks snippets with the TypeScript compiler, as a user's strict project would: the
 * repository's tsconfig.json (strict, NodeNext, ES modules), `self-healing` and its subpaths
 * mapped to src/. One program for all snippets (each its own module) keeps it to a few seconds.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';
import { root, type Snippet } from './extract.js';
import { ENTRY_FILES, moduleSource } from './scope.js';

/** Where type-checked snippets pretend to live (nothing is written there). */
const CHECK_DIR = join(root, '.scratch', 'snippets', 'check');

/** The path a snippet is checked at, and the specifier rewrite for its helper imports. */
function placement(snippet: Snippet): { path: string; specifierOf: (specifier: string) => string } {
  const extension = snippet.language === 'js' ? 'js' : 'ts';
  if (snippet.at === undefined) {
    return { path: join(CHECK_DIR, `${snippet.file.replace(/[/.]/g, '-')}-${snippet.line}.${extension}`), specifierOf: (s) => s };
  }
  const path = join(root, snippet.at);
  const fromThere = relative(join(path, '..'), join(CHECK_DIR));
  return { path, specifierOf: (s) => (s.startsWith('.') ? `${fromThere}/${s}` : s) };
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(file, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, file);
  return {
    ...parsed.options,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    paths: Object.fromEntries(ENTRY_FILES.map(([specifier, path]) => [specifier, [path]])),
  };
}

/**
 * Each snippet's compile errors, as `<file>:<line>:<column> TS<code> <message>` with the line in
 * the Markdown file. A snippet that continues another reports errors in its own lines only.
 */
export function typecheckSnippets(snippets: readonly Snippet[]): Map<Snippet, string[]> {
  const options = compilerOptions();
  const files = new Map<string, { snippet: Snippet; source: string; firstLine: number; prefix: number }>();
  for (const snippet of snippets) {
    const { path, specifierOf } = placement(snippet);
    const mode = snippet.mode === 'run' ? 'run' : 'typecheck';
    files.set(path, { snippet, ...moduleSource(snippet, mode, specifierOf) });
  }
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.source ?? readFile.call(host, name);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const virtual = files.get(name);
    return virtual ? ts.createSourceFile(name, virtual.source, languageVersion, true) : getSourceFile.call(host, name, languageVersion, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, formatHost));

  const errors = new Map<Snippet, string[]>();
  for (const [path, { snippet, firstLine, prefix }] of files) {
    const source = program.getSourceFile(path)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    errors.set(snippet, diagnostics.flatMap((diagnostic) => {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      if (line < firstLine) return [];
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const column = line === 0 ? character - prefix + 1 : character + 1;
      return [`${snippet.file}:${snippet.line + 1 + line - firstLine}:${column} TS${diagnostic.code} ${message}`];
    }));
  }
  return errors;
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};
