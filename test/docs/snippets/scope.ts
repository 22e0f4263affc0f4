/**
 * What a snippet may use without importing it. Docs show the imports once and then fragments,
 * so a name a snippet uses but neither imports nor declares is imported for it, from:
 * 1. the package's entries ('self-healing', 'self-healing/testing', ...), main entry first;
 * 2. test-api.ts: `it`, `test`, `describe`, `expect` (snippets written as tests);
 * 3. helpers.ts: offline stand-ins a runnable snippet may use (getUser, clock, registry, alert...);
 * 4. placeholders.d.ts, for type-checked snippets only: the user's own services (db, charge...),
 *    declared, never implemented, so a snippet that uses one cannot be marked runnable.
 * The imports are put in front of the snippet's first line, so its line numbers do not move.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ENTRIES } from '../../../tsup.config.js';
import { root, type Snippet } from './extract.js';

interface ImportSource {
  /** The specifier as a snippet file in `.scratch/snippets/<dir>/` writes it. */
  readonly specifier: string;
  readonly values: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
}

/** Snippet files live two folders below .scratch, so the helpers are three levels up. */
const HERE = '../../../test/docs/snippets';

/** `self-healing` and `self-healing/<name>` for each entry of tsup.config.ts, with its source file. */
export const ENTRY_FILES: ReadonlyArray<readonly [specifier: string, file: string]> = Object.entries(ENTRIES)
  .map(([name, file]) => [name === 'index' ? 'self-healing' : `self-healing/${name}`, join(root, file)] as const);

let sources: { run: ImportSource[]; typecheck: ImportSource[] } | undefined;

function importSources() {
  if (sources !== undefined) return sources;
  const entries = ENTRY_FILES.map(([specifier, file]) => ({ specifier, ...exportsOf(file) }));
  const local = (name: string, file: string) => ({ specifier: `${HERE}/${name}.js`, ...exportsOf(join(import.meta.dirname, file)) });
  const shared = [...entries, local('test-api', 'test-api.ts'), local('helpers', 'helpers.ts')];
  sources = { run: shared, typecheck: [...shared, local('placeholders', 'placeholders.d.ts')] };
  return sources;
}

/** The names a module exports, split into values and type-only names, read from its syntax. */
function exportsOf(file: string): { values: Set<string>; types: Set<string> } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const values = new Set<string>();
  const types = new Set<string>();
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (statement.exportClause === undefined || !ts.isNamedExports(statement.exportClause)) {
        throw new Error(`${file}: export * cannot be read here; the entries re-export names one by one`);
      }
      for (const element of statement.exportClause.elements) {
        (statement.isTypeOnly || element.isTypeOnly ? types : values).add(element.name.text);
      }
    } else if (exported(statement)) {
      if (ts.isVariableStatement(statement)) for (const name of declaredNames(statement)) values.add(name);
      else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) values.add(statement.name.text);
      else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))) types.add(statement.name.text);
    }
  }
  return { values, types };
}

/** The names a top-level statement declares. */
function declaredNames(statement: ts.Statement): string[] {
  const names: string[] = [];
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.push(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  if (ts.isVariableStatement(statement)) for (const declaration of statement.declarationList.declarations) bind(declaration.name);
  else if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    if (clause.name) names.push(clause.name.text);
    if (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings)) names.push(clause.namedBindings.name.text);
    else if (clause.namedBindings) for (const element of clause.namedBindings.elements) names.push(element.name.text);
  } else if (ts.isImportEqualsDeclaration(statement)) names.push(statement.name.text);
  else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
    || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && statement.name
    && ts.isIdentifier(statement.name)) names.push(statement.name.text);
  return names;
}

/** Every identifier in `code`, and the names its top-level statements declare. */
function namesIn(code: string): { used: Set<string>; declared: Set<string> } {
  const source = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true);
  const used = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { used, declared: new Set(source.statements.flatMap(declaredNames)) };
}

/** The snippet's code with what came before it on the page when it `continues`, and where its own lines start. */
export function withPrevious(snippet: Snippet): { code: string; firstLine: number } {
  if (snippet.previous === undefined) return { code: snippet.code, firstLine: 0 };
  const before = withPrevious(snippet.previous).code;
  return { code: `${before}\n${snippet.code}`, firstLine: before.split('\n').length };
}

/**
 * The snippet as a module: the imports of what it uses without declaring (the first `prefix`
 * characters of its first line), then its code, after what it continues (its own lines start at
 * `firstLine`). `mode` picks the sources: a runnable snippet has no placeholders. `specifierOf`
 * rewrites the helpers' relative specifiers (a snippet checked `at` a path of the repository
 * sits elsewhere).
 */
export function moduleSource(snippet: Snippet, mode: 'run' | 'typecheck', specifierOf = (s: string) => s): { source: string; firstLine: number; prefix: number } {
  const { code, firstLine } = withPrevious(snippet);
  const { used, declared } = namesIn(code);
  const taken = new Set(declared);
  const statements: string[] = [];
  for (const from of importSources()[mode]) {
    const values = [...used].filter((name) => from.values.has(name) && !taken.has(name));
    const types = [...used].filter((name) => from.types.has(name) && !from.values.has(name) && !taken.has(name));
    for (const name of [...values, ...types]) taken.add(name);
    const specifier = JSON.stringify(specifierOf(from.specifier));
    if (values.length > 0) statements.push(`import { ${values.join(', ')} } from ${specifier};`);
    if (types.length > 0) statements.push(`import type { ${types.join(', ')} } from ${specifier};`);
  }
  const imports = statements.length > 0 ? `${statements.join(' ')} ` : '';
  return { source: `${imports}${code}`, firstLine, prefix: imports.length };
}
