// `npm run bench:instructions`: machine instructions per call of each happy-path row, counted by
// valgrind (callgrind), and each row's overhead over the bare call as a ratio of cockatiel's; then
// the instructions of one `classify` by message pattern, of a message seen again and of new ones.
//
// A timed benchmark on a shared VM moves by 10–20 % from run to run; an instruction count does
// not. Under `--predictable` (one thread, a fixed GC schedule) V8 runs the same instructions for
// the same program every time, so two builds, or two versions of one function, compare to the
// instruction. Each row runs twice, with N and 2N measured calls after the same warm-up, and the
// difference is divided by N, so start-up, warm-up and compilation cancel out.
//
// An instruction is not a nanosecond (a cache miss costs many, a fused compare none), so the
// timed ratios of `npm run bench` stay the record; this is the instrument for finding where the
// instructions of a path go, and for checking that a change removes some. Needs valgrind
// (Debian: `apt-get install valgrind`) and a build (`npx tsup`).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const row = fileURLToPath(new URL('./row.mjs', import.meta.url));
const classifyRow = fileURLToPath(new URL('./classify-row.mjs', import.meta.url));
const N = Number(process.env.N ?? 50_000);
const ROWS = ['bare', 'bare-literal', 'floor', 'minimal', 'minimal-method', 'minimal-function', 'minimal-literal', 'ours', 'ours-ewh', 'ours-inline', 'cockatiel'];
// One `classify` each: the message pattern's error again and again, and 1,000 distinct ones in turn.
const CLASSIFY_ROWS = ['classify-message', 'classify-message-distinct'];

if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) throw new Error('no build: run `npx tsup` first');

async function instructions(name, ops) {
  const script = CLASSIFY_ROWS.includes(name) ? classifyRow : row;
  const { stderr } = await run('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all', process.execPath, '--predictable', script], {
    env: { ...process.env, ROW: name, ROW_OPS: String(ops) },
    maxBuffer: 16 * 1024 * 1024,
  });
  const collected = /Collected : (\d+)/.exec(stderr);
  if (collected === null) throw new Error(`valgrind printed no count for ${name}:\n${stderr.slice(-2_000)}`);
  return Number(collected[1]);
}

async function perCall(name) {
  const [once, twice] = await Promise.all([instructions(name, N), instructions(name, 2 * N)]);
  return (twice - once) / N;
}

const counts = new Map();
const parallel = Math.max(1, Math.floor(availableParallelism() / 2)); // each row runs two valgrinds
const all = [...ROWS, ...CLASSIFY_ROWS];
for (let index = 0; index < all.length; index += parallel) {
  const names = all.slice(index, index + parallel);
  const values = await Promise.all(names.map(perCall));
  names.forEach((name, i) => counts.set(name, values[i]));
}

const bare = counts.get('bare');
const reference = counts.get('cockatiel') - bare;
console.log(`machine instructions per call (valgrind, node ${process.version} --predictable, ${N} and ${2 * N} calls)\n`);
console.log('| row | instructions | over bare | / cockatiel\'s overhead |');
console.log('| --- | ---: | ---: | ---: |');
for (const name of ROWS) {
  const value = counts.get(name);
  const over = value - bare;
  console.log(`| ${name} | ${value.toFixed(0)} | ${name === 'bare' ? '' : over.toFixed(0)} | ${name === 'bare' ? '' : `${(over / reference).toFixed(3)}x`} |`);
}
console.log('\n| classification row | instructions per classify |');
console.log('| --- | ---: |');
for (const name of CLASSIFY_ROWS) console.log(`| ${name} | ${counts.get(name).toFixed(0)} |`);
