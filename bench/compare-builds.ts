/**
 * `npm run bench:compare -- <git revision>`: the same scenarios on two builds of this library in
 * one process, rounds interleaved, so "no worse than before" is a measured ratio and not two runs
 * on two days. It builds <revision> (default: 077bc1e, the last commit before the pipeline of
 * composable strategies) in a temporary git worktree, builds the working tree, and times:
 * the happy path, a refusal by an open circuit, and a healed call (one 503, then success, zero
 * delays), through HealingPipeline.execute and executeWithHealing with one reused options object,
 * and the happy path through executeWithHealing with an options literal written in the call.
 * Ratios below 1 mean the working tree is faster.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { check, measure } from './harness.js';
import { callWithLiteral } from './scenarios/inline-literal.mjs';
import { readSettings } from './settings.js';
import type { Candidate } from './types.js';

type Library = typeof import('../src/index.js');

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const revision = args.find((arg) => !arg.startsWith('--')) ?? '077bc1e';
const settings = readSettings(args.filter((arg) => arg.startsWith('--')));

function build(dir: string): void {
  execFileSync('npx', ['tsup', '--silent'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function load(dir: string): Promise<Library> {
  return import(pathToFileURL(join(dir, 'dist/index.js')).href) as Promise<Library>;
}

const transient = (): Error => Object.assign(new Error('Service Unavailable'), { status: 503 });

/** The three paths on one build, named `<path> <label>`. */
function candidatesOf(lib: Library, label: string): Candidate[] {
  const ok = async (): Promise<number> => 1;
  const registry = new lib.CircuitBreakerRegistry();
  const happy = new lib.HealingPipeline({ circuitName: 'happy', registry, retry: { maxAttempts: 3 }, fallback: () => 0 });
  const reused = { circuitName: 'happy-ewh', registry, retry: { maxAttempts: 3 }, fallback: () => 0 };
  // `recoveryTimeoutMs` is read by both builds (a deprecated alias of breakDurationMs today).
  const open = registry.get('open', { failureThreshold: 5, recoveryTimeoutMs: 3_600_000 } as never);
  for (let i = 0; i < 5; i++) open.recordFailure(new Error('down'));
  const refusing = new lib.HealingPipeline({ circuitName: 'open', registry, retry: { maxAttempts: 1 } });
  const healing = new lib.HealingPipeline({ circuitName: 'healed', registry, retry: { maxAttempts: 3, minDelayMs: 0, maxDelayMs: 0 } });
  const healingOptions = { circuitName: 'healed-ewh', registry, retry: { maxAttempts: 3, minDelayMs: 0, maxDelayMs: 0 } };
  const flaky = () => {
    let calls = 0;
    return async (): Promise<number> => {
      if (calls++ === 0) throw transient();
      return 1;
    };
  };
  return [
    { id: `happy ${label}`, label: `happy path, pipeline.execute (${label})`, run: () => happy.execute(ok, undefined) },
    { id: `happy-ewh ${label}`, label: `happy path, executeWithHealing, reused options (${label})`, run: () => lib.executeWithHealing(ok, undefined, reused) },
    {
      id: `happy-literal ${label}`,
      label: `happy path, executeWithHealing, options literal (${label})`,
      // From a .mjs file: tsx would wrap the literal's arrow function in a keepNames __name() call.
      run: () => callWithLiteral(lib.executeWithHealing, ok, registry),
    },
    { id: `refusal ${label}`, label: `refusal by an open circuit (${label})`, run: () => refusing.execute(ok, undefined) },
    { id: `healed ${label}`, label: `healed call, pipeline.execute (${label})`, run: () => healing.execute(flaky(), undefined) },
    { id: `healed-ewh ${label}`, label: `healed call, executeWithHealing, reused options (${label})`, run: () => lib.executeWithHealing(flaky(), undefined, healingOptions) },
  ];
}

async function selfCheck(lib: Library, label: string): Promise<void> {
  const [happy, , literal, refusal, healed] = candidatesOf(lib, label);
  const h = (await happy!.run()) as { status: string; attempts: number };
  check(h.status === 'ok' && h.attempts === 1, `${label}: the happy path did not succeed first time`);
  const l = (await literal!.run()) as { status: string; attempts: number };
  check(l.status === 'ok' && l.attempts === 1, `${label}: the options literal did not succeed first time`);
  const r = (await refusal!.run()) as { status: string; attempts: number };
  check(r.status === 'error' && r.attempts === 0, `${label}: the open circuit did not refuse`);
  const d = (await healed!.run()) as { status: string; attempts: number; healed: boolean };
  check(d.status === 'ok' && d.attempts === 2 && d.healed, `${label}: the healed call did not heal in 2 attempts`);
}

const baselineDir = mkdtempSync(join(tmpdir(), 'self-healing-baseline-'));
try {
  execFileSync('git', ['worktree', 'add', '--detach', '--force', baselineDir, revision], { cwd: root, stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(baselineDir, 'node_modules'));
  build(baselineDir);
  build(root);
  const before = await load(baselineDir);
  const now = await load(root);
  await selfCheck(before, 'before');
  await selfCheck(now, 'now');
  const beforeCandidates = candidatesOf(before, 'before');
  const nowCandidates = candidatesOf(now, 'now');
  const rows = await measure(beforeCandidates.flatMap((candidate, i) => [candidate, nowCandidates[i]!]), settings);
  const byId = new Map(rows.map((row) => [row.id, row]));
  console.log(`\nworking tree vs ${revision} (${settings.rounds} interleaved rounds, median ns/op; < 1 is faster now)\n`);
  console.log('| path | before (ns/op) | now (ns/op) | now / before |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const candidate of nowCandidates) {
    const path = candidate.id.replace(/ now$/, '');
    const was = byId.get(`${path} before`)!.value;
    const is = byId.get(candidate.id)!.value;
    console.log(`| ${candidate.label.replace(/ \(now\)$/, '')} | ${was.toFixed(0)} | ${is.toFixed(0)} | ${(is / was).toFixed(2)}x |`);
  }
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', baselineDir], { cwd: root, stdio: 'ignore' });
  if (existsSync(baselineDir)) rmSync(baselineDir, { recursive: true, force: true });
}
