#!/usr/bin/env node
// Proves that the package as published works for its users:
//
//   1. build (npm run build) and pack the tarball, as `npm publish` would
//   2. lint it: publint --strict and attw (are the types wrong?), every problem fails
//   3. the tarball holds only dist/, package.json, LICENSE, README.md and CHANGELOG.md, and every
//      file that package.json points at (main, module, types, exports)
//   4. install the tarball into copies of the consumer projects in test/consumers/ and use it:
//      ESM and CJS smoke tests on this Node (24 under npm scripts) and on the lowest Node that
//      `engines` allows; TypeScript consumers (node16, bundler, standard and legacy decorators)
//      type-checked with tsc against the shipped .d.ts/.d.cts, then run. The `self-healing/opossum`
//      and `self-healing/redis` subpaths are imported from ESM, CJS and TypeScript (with their
//      optional peers opossum and ioredis, and without them); the `self-healing/testing` subpath
//      from ESM, CJS and TypeScript (node16 ESM and CJS, bundler); the `self-healing/http` subpath
//      serves the main entry's registry from ESM, CJS and TypeScript; the `self-healing/tools`
//      subpath heals a tool from ESM, CJS and TypeScript (bundler)
//   5. the first hour: in a new directory, `npm init -y`, install the tarball, paste the README's
//      first example into index.mjs and run it (its fetch fails offline: it must still end with
//      its status line, exit 0 and print nothing on stderr)
//
// Prints one line per check and a summary; exits 1 if any check failed. Temp dirs are removed.
// Usage: npm run check:package [-- --verbose]   (--verbose prints every command's output)

import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const consumersDir = join(root, 'test', 'consumers');
const verbose = process.argv.includes('--verbose');
const COMMAND_TIMEOUT_MS = 90_000;
const started = Date.now();

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
/** The version installed here, so the consumers' installs hit the npm cache (--prefer-offline). */
function rootVersion(name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** @type {{ name: string, ok: boolean, ms: number, note?: string }[]} */
const results = [];
let work;

// The children must not inherit `npm run`'s npm_* variables (npm_config_local_prefix and the
// like): a nested `npm install` in a consumer dir must behave as it would for a user.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
childEnv.NO_COLOR = '1';
// Warnings are part of what a consumer must not see, so none may be silenced.
delete childEnv.NODE_NO_WARNINGS;
delete childEnv.NODE_OPTIONS;

/** The commands running now, ended if this script is interrupted. */
const children = new Set();
let interrupted = false;

/** Runs a command; resolves { code, stdout, stderr, ms } and never rejects. */
function run(command, args, { cwd = root, timeoutMs = COMMAND_TIMEOUT_MS } = {}) {
  const t0 = Date.now();
  if (interrupted) return Promise.resolve({ code: -1, stdout: '', stderr: 'interrupted', ms: 0 });
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      stderr += `\n[check-package] timed out after ${timeoutMs} ms: ${command} ${args.join(' ')}`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      children.delete(child);
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}\n${error.message}`, ms: Date.now() - t0 });
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr: stripNpmNoise(stderr), ms: Date.now() - t0 });
    });
  });
}

/** npm's warning about this machine's user config is not about the package. */
function stripNpmNoise(text) {
  return text.split('\n').filter((line) => !/^npm warn Unknown user config "nodedir"/.test(line)).join('\n').trim();
}

const npm = (args, options) => run('npm', args, options);
const bin = (name) => join(root, 'node_modules', '.bin', name);

function indent(text, lines = 60) {
  const all = text.trim().split('\n');
  const shown = all.length > lines ? [`... (${all.length - lines} lines above cut)`, ...all.slice(-lines)] : all;
  return shown.map((line) => `    | ${line}`).join('\n');
}

/** Records a check; prints its line, and on failure (or --verbose) the output that explains it. */
function report(name, ok, ms, { note, output } = {}) {
  results.push({ name, ok, ms, note });
  const time = `${(ms / 1000).toFixed(1)}s`.padStart(6);
  console.log(`${ok ? 'PASS' : 'FAIL'} ${time}  ${name}${note ? `  (${note})` : ''}`);
  if ((!ok || verbose) && output?.trim()) console.log(indent(output));
}

function outputOf(result) {
  return [result.stdout, result.stderr].filter((part) => part.trim()).join('\n');
}

/** A tiny limiter: at most `size` heavy steps (installs, tsc) at once on a 2-core machine. */
function limiter(size) {
  let active = 0;
  const queue = [];
  const next = () => {
    if (active >= size || queue.length === 0) return;
    active++;
    const { task, resolve } = queue.shift();
    task().then(resolve).finally(() => { active--; next(); });
  };
  return (task) => new Promise((resolve) => { queue.push({ task, resolve }); next(); });
}
const heavy = limiter(3);

// ---------------------------------------------------------------------------------------------
// Tarball contents

/** Every file path package.json points at: main, module, types and the leaves of exports. */
function pointedFiles() {
  const paths = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (!value.includes('*')) paths.add(value.replace(/^\.\//, ''));
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  for (const field of ['main', 'module', 'types', 'typings', 'exports']) visit(pkg[field]);
  return [...paths];
}

const ALLOWED = [/^dist\//, /^package\.json$/, /^LICENSE$/, /^README\.md$/, /^CHANGELOG\.md$/];
const OPTIONAL_DOCS = ['README.md', 'CHANGELOG.md'];

async function checkContents() {
  const result = await npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
  if (result.code !== 0) return report('tarball contents (npm pack --dry-run)', false, result.ms, { output: outputOf(result) });
  let files;
  try {
    files = JSON.parse(result.stdout)[0].files.map((file) => file.path);
  } catch (error) {
    return report('tarball contents (npm pack --dry-run)', false, result.ms, { output: `cannot parse npm pack --json: ${error.message}\n${result.stdout}` });
  }
  const problems = [];
  const unexpected = files.filter((path) => !ALLOWED.some((pattern) => pattern.test(path)));
  // An allow-list, so src/, test/, bench/, examples/ or anything new is caught.
  if (unexpected.length > 0) problems.push(`unexpected files (only dist/, package.json, LICENSE, README.md, CHANGELOG.md belong):\n  ${unexpected.join('\n  ')}`);
  const required = ['package.json', 'LICENSE', ...pointedFiles()];
  const missing = required.filter((path) => !files.includes(path));
  if (missing.length > 0) problems.push(`missing files that package.json points at or users need:\n  ${missing.join('\n  ')}`);
  // Source maps point at ../src, which is not shipped: they must embed the sources to be usable.
  for (const map of files.filter((path) => path.endsWith('.map'))) {
    try {
      const parsed = JSON.parse(await readFile(join(root, map), 'utf8'));
      if (!Array.isArray(parsed.sourcesContent) || parsed.sourcesContent.length !== parsed.sources.length) {
        problems.push(`${map} has no sourcesContent, so it points at src/ files that are not in the package`);
      }
    } catch (error) {
      problems.push(`${map}: ${error.message}`);
    }
  }
  const absentDocs = OPTIONAL_DOCS.filter((path) => !files.includes(path));
  const note = (files.length <= 12 ? `${files.length} files: ${files.join(', ')}` : `${files.length} files`) +
    (absentDocs.length > 0 ? `; not yet written: ${absentDocs.join(', ')}` : '');
  report('tarball contents (npm pack --dry-run --json)', problems.length === 0, result.ms, { note, output: problems.join('\n') });
}

// ---------------------------------------------------------------------------------------------
// Lint

async function lint(tarball) {
  const checks = [
    // --strict turns warnings into errors; suggestions fail too (only "All good!" passes).
    ['publint --strict', () => run(bin('publint'), ['run', tarball, '--strict'])],
    // Default "strict" profile: node10, node16 (from CJS and ESM) and bundler must all resolve
    // correctly typed. No rule is ignored; add --ignore-rules only with a written reason here.
    ['attw (are the types wrong?)', () => run(bin('attw'), [tarball, '--no-color', '--format', 'table'])],
  ];
  await Promise.all(checks.map(async ([name, command]) => {
    const result = await heavy(command);
    const ok = result.code === 0 && (name !== 'publint --strict' || result.stdout.includes('All good!'));
    report(name, ok, result.ms, { output: outputOf(result) });
  }));
}

// ---------------------------------------------------------------------------------------------
// Node binaries

/** The lowest Node version `engines.node` (">=X.Y[.Z]") allows, as an exact version. */
function enginesFloor() {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(pkg.engines?.node ?? '').trim());
  return match ? `${match[1]}.${match[2] ?? 0}.${match[3] ?? 0}` : undefined;
}

/** Installs the engines-floor Node from the npm registry (package node-<platform>-<arch>). */
async function installOldNode() {
  const version = enginesFloor();
  if (version === undefined) {
    report('install lowest engines Node', false, 0, { output: `cannot read a ">=X.Y" floor from engines.node: ${JSON.stringify(pkg.engines?.node)}` });
    return undefined;
  }
  const name = `node-${process.platform}-${process.arch}`;
  if (!['linux', 'darwin'].includes(process.platform)) {
    report(`Node ${version}`, true, 0, { note: `skipped: no ${name} binary layout known` });
    return undefined;
  }
  const dir = join(work, 'node-old');
  await mkdir(dir, { recursive: true });
  const result = await heavy(() => npm(['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
    '--prefer-offline', '--loglevel=error', `${name}@${version}`]));
  const nodeBin = join(dir, 'node_modules', name, 'bin', 'node');
  const check = result.code === 0 ? await run(nodeBin, ['--version']) : result;
  const ok = check.code === 0 && check.stdout.trim() === `v${version}`;
  report(`install Node ${version} (lowest engines allows: ${pkg.engines.node})`, ok, result.ms, { output: outputOf(check) });
  return ok ? { bin: nodeBin, version: `v${version}` } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Consumers

/**
 * How to check each consumer. `ts` ones get typescript and @types/node and are compiled with
 * `tsc -p tsconfig.json` into out/: that run reports exactly what `tsc --noEmit` would (every
 * consumer has skipLibCheck false, so the shipped .d.ts/.d.cts are checked too) and emits only
 * when it passes, so type-checking and compiling cost one tsc run. Then the `run` files are run
 * with Node, and with the engines-floor Node where `oldNode` is set.
 *
 * `deps` are installed next to the tarball, at the version installed here: the optional peer
 * opossum (and @types/opossum for a TypeScript user who has it) for the consumers that use
 * `self-healing/opossum` with opossum, and the optional peer ioredis for those that use
 * `self-healing/redis` with a real client. ts-bundler uses the subpaths without any of them,
 * proving that they load and type-check when the optional peers are absent. ts-node16 also gets
 * the optional peer @opentelemetry/api, which both builds must find; the others prove its absence
 * is a no-op.
 */
const CONSUMERS = {
  'esm': { run: ['index.mjs'], oldNode: true, deps: ['opossum', 'ioredis'] },
  'cjs': { run: ['index.cjs'], oldNode: true, deps: ['opossum', 'ioredis'] },
  'ts-node16': { ts: true, run: ['out/index.js', 'out/require.cjs'], deps: ['opossum', '@types/opossum', 'ioredis', '@opentelemetry/api'] },
  'ts-bundler': { ts: true, run: ['out/index.js'] },
  'ts-decorators': { ts: true, run: ['out/index.js'] },
  'ts-legacy-decorators': { ts: true, run: ['out/index.js'] },
};

async function checkConsumer(name, tarball, oldNodePromise) {
  const spec = CONSUMERS[name];
  const dir = join(work, 'consumers', name);
  await cp(join(consumersDir, name), dir, { recursive: true, filter: (src) => !/[\\/](node_modules|out)$/.test(src) });

  const deps = [tarball];
  if (spec.ts) deps.push(`typescript@${rootVersion('typescript') ?? '6'}`, `@types/node@${rootVersion('@types/node') ?? '24'}`);
  for (const dep of spec.deps ?? []) deps.push(rootVersion(dep) ? `${dep}@${rootVersion(dep)}` : dep);
  const install = await heavy(() => npm(['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline',
    '--loglevel=error', ...deps], { cwd: dir }));
  report(`${name}: npm install ${['<tarball>', ...deps.slice(1)].join(' ')}`, install.code === 0, install.ms, { output: outputOf(install) });
  if (install.code !== 0) return;

  if (spec.ts) {
    const tsc = await heavy(() => run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir }));
    const version = rootVersion('typescript');
    report(`${name}: tsc -p tsconfig.json (TypeScript ${version})`, tsc.code === 0, tsc.ms, { output: outputOf(tsc) });
    if (tsc.code !== 0) return;
  }

  const runWith = async (node, label) => {
    for (const file of spec.run) {
      // 20 s is ample for these few-ms programs; a timer leaked by the library would hold the
      // process open and be killed here.
      const result = await run(node, [file], { cwd: dir, timeoutMs: 20_000 });
      // A consumer proves itself by its `ok ...` line: a process that exits 0 without it (say the
      // event loop emptied while a promise was pending) has not shown that the call healed.
      const okLine = result.stdout.split('\n').find((line) => line.startsWith('ok '));
      const ok = result.code === 0 && okLine !== undefined && result.stderr === '';
      const output = [outputOf(result), `exit code ${result.code}`, okLine ? '' : 'no "ok ..." line printed',
        result.stderr ? 'stderr must be empty (no warnings)' : '']
        .filter(Boolean).join('\n');
      report(`${name}: node ${file} on ${label}`, ok, result.ms, { note: okLine?.slice(3), output: ok ? result.stdout : output });
    }
  };
  await runWith(process.execPath, `Node ${process.version}`);
  if (spec.oldNode) {
    const oldNode = await oldNodePromise;
    if (oldNode) await runWith(oldNode.bin, `Node ${oldNode.version}`);
  }
}

/** The README's first code block, pasted as a new user would into a fresh `npm init -y` project. */
async function checkReadmeFirstExample(tarball) {
  const dir = join(work, 'first-hour');
  await mkdir(dir, { recursive: true });
  const init = await npm(['init', '-y', '--loglevel=error'], { cwd: dir });
  report('first hour: npm init -y', init.code === 0, init.ms, { output: outputOf(init) });
  if (init.code !== 0) return;
  const install = await heavy(() => npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: dir }));
  report('first hour: npm install <tarball>', install.code === 0, install.ms, { output: outputOf(install) });
  if (install.code !== 0) return;
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const first = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (first === undefined) return report('first hour: the README has a first ts example', false, 0);
  await writeFile(join(dir, 'index.mjs'), first);
  const result = await run(process.execPath, ['index.mjs'], { cwd: dir, timeoutMs: 30_000 });
  // Its last line is `console.log(result.status, result.attempts, ...)`: ok or error, then the attempts.
  const statusLine = result.stdout.split('\n').find((line) => /^(ok|error) \d+ /.test(line));
  const ok = result.code === 0 && statusLine !== undefined && result.stderr === '';
  report('first hour: node index.mjs (the README\'s first example)', ok, result.ms, { note: statusLine, output: ok ? result.stdout : [outputOf(result), `exit code ${result.code}`].join('\n') });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  console.log(`check-package: ${pkg.name}@${pkg.version} on Node ${process.version}`);
  work = await mkdtemp(join(tmpdir(), 'self-healing-check-package-'));

  const build = await npm(['run', 'build']);
  report('npm run build', build.code === 0, build.ms, { output: outputOf(build) });
  if (build.code !== 0) return;

  const [, pack] = await Promise.all([
    checkContents(),
    npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work]),
  ]);
  let tarball;
  try {
    const info = JSON.parse(pack.stdout)[0];
    tarball = join(work, info.filename);
    report('npm pack', pack.code === 0, pack.ms, { note: `${info.filename}, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked` });
  } catch {
    report('npm pack', false, pack.ms, { output: outputOf(pack) });
    return;
  }

  const present = new Set(await readdir(consumersDir));
  const missingConsumers = Object.keys(CONSUMERS).filter((name) => !present.has(name));
  if (missingConsumers.length > 0) report('consumer projects present', false, 0, { output: `missing in test/consumers/: ${missingConsumers.join(', ')}` });

  const oldNode = installOldNode();
  await Promise.all([
    lint(tarball),
    checkReadmeFirstExample(tarball),
    oldNode,
    ...Object.keys(CONSUMERS).filter((name) => present.has(name)).map((name) => checkConsumer(name, tarball, oldNode)),
  ]);
}

// Ctrl-C or a CI kill ends the commands this script started, then removes the temp dir.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.log(`\ncheck-package: interrupted by ${signal}; cleaning up`);
    for (const child of children) child.kill('SIGKILL');
    setTimeout(() => {
      if (work) rmSync(work, { recursive: true, force: true, maxRetries: 3 });
      process.exit(130);
    }, 200);
  });
}

let crashed;
try {
  await main();
} catch (error) {
  crashed = error;
  report('check-package itself', false, 0, { output: error?.stack ?? String(error) });
} finally {
  if (work) await rm(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log('');
if (failed.length === 0 && !crashed) {
  console.log(`check-package took ${seconds}s; every check passed`);
} else {
  console.log(`check-package took ${seconds}s; failed:`);
  for (const result of failed) console.log(`  FAIL ${result.name}`);
  process.exitCode = 1;
}
console.log(`check-package: ${results.length - failed.length} passed, ${failed.length} failed`);
