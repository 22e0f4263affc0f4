/**
 * The soak run: many calls through one HealingPipeline against a real fault-injecting server on
 * 127.0.0.1, half through `fetch` and half through `node:http`. Run in its own process
 * (`npm run soak`, or by test/reliability/soak.test.ts with fewer calls) so that it can prove the
 * process exits by itself: it never calls process.exit().
 *
 *   phase 1 steady   `--calls` calls (default 20 000), each request failing with probability 0.3
 *                    (503, 429 Retry-After: 0, reset mid-body, dropped connection), maxAttempts 3
 *   phase 2 outage   every request fails: the breaker must open and refuse without reaching the server
 *   phase 3 recovery the server is healthy again and the break has passed: the breaker closes
 *
 * Prints a summary line and writes the full report to test-output/soak.json; with
 * `--update-docs` it also rewrites the figures block of docs/reliability.md. Exit code 0 iff every
 * invariant held.
 *
 * Usage: node --expose-gc --import tsx test/reliability/soak-run.ts [--calls N] [--out file.json] [--update-docs]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CircuitBreakerRegistry, HealingPipeline, systemClock, type Clock, type HealingResult } from '../../src/index.js';
import { seededRandom } from '../../src/testing/index.js';
import { reply, startFaultServer, type Reply } from '../helpers/fault-server.js';
import { closeNodeHttpAgent, viaFetch, viaNodeHttp } from '../helpers/http-clients.js';

const FAULT_RATE = 0.3;
const MAX_ATTEMPTS = 3;
const CONCURRENCY = 32;
const SEED = 20_261_123;
const RECOVERY_MS = 30_000;
/** Successes expected per call when each request fails independently with FAULT_RATE. */
const EXPECTED_SUCCESS = 1 - FAULT_RATE ** MAX_ATTEMPTS;

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const calls = Number(flag('--calls') ?? 20_000);
if (!Number.isInteger(calls) || calls < 1_000) throw new Error(`--calls must be an integer of at least 1000, got ${flag('--calls')}`);
const root = fileURLToPath(new URL('../..', import.meta.url));
const outputPath = flag('--out') ?? join(root, 'test-output', 'soak.json');

let unhandledRejections = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections++;
  console.error('unhandled rejection:', reason);
});

const gc = (globalThis as { gc?: () => void }).gc;
/** Heap in use after full collections, with event-loop turns between them so finalizers (undici's) run. */
async function heapUsed(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/**
 * The real clock, but `now()` can be moved forward: the breaker's break passes without a real
 * wait, while every timer stays a real one (a leaked 60 s attempt timer would hold the process).
 */
let skewMs = 0;
const skewableClock: Clock = { ...systemClock, now: () => Date.now() + skewMs };

const random = seededRandom(SEED);
const FAULTS: ReadonlyArray<() => Reply> = [() => reply.status(503), () => reply.rateLimited('0'), reply.resetMidBody, reply.drop];
let faultsInjected = 0;
let outage = false;
let healthy = false;
const server = await startFaultServer((_route, hit) => {
  if (healthy || (!outage && random() >= FAULT_RATE)) return reply.ok({ hit });
  faultsInjected++;
  return outage ? reply.status(503) : FAULTS[Math.floor(random() * FAULTS.length)]!();
});

const registry = new CircuitBreakerRegistry({ clock: skewableClock });
// 60 % failed attempts over the last 100: at a 30 % fault rate that is 6.5 standard deviations
// away, so the breaker stays closed in the steady phase and opens within 100 calls of an outage.
const breaker = registry.get('soak', {
  policy: { type: 'count', windowSize: 100, minimumCalls: 100, failureRateThreshold: 60 }, breakDurationMs: RECOVERY_MS,
});
const transitions: Array<{ phase: string; to: string }> = [];
let phase = 'steady';
breaker.on('stateChange', ({ to }) => transitions.push({ phase, to }));
const pipeline = new HealingPipeline({
  circuitName: 'soak', registry, timeoutMs: 60_000, retry: { maxAttempts: MAX_ATTEMPTS, minDelayMs: 0 },
});

interface Tally { started: number; results: number; ok: number; refused: number; invalid: string[]; reasons: Record<string, number> }
const tally = (): Tally => ({ started: 0, results: 0, ok: 0, refused: 0, invalid: [], reasons: {} });

/** What every HealingResult must look like, whatever happened. */
function problemWith(result: HealingResult<unknown>): string | undefined {
  if (result === null || typeof result !== 'object') return 'not an object';
  if (!Array.isArray(result.healingActions) || typeof result.attempts !== 'number') return 'missing fields';
  if (result.status === 'ok') return result.healingActions.some((a) => a.kind === 'give_up') ? 'ok with a give_up' : undefined;
  if (result.status !== 'error') return `status ${String((result as { status: unknown }).status)}`;
  if (!(result.error instanceof Error)) return 'error result without an Error';
  const last = result.healingActions.at(-1);
  return last?.kind === 'give_up' ? undefined : 'error result not ending in give_up';
}

async function runCalls(count: number, into: Tally, concurrency = CONCURRENCY): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      into.started++;
      const getJson = index % 2 === 0 ? viaFetch : viaNodeHttp;
      const result = await pipeline.execute((_args, { signal }) => getJson(`${server.baseUrl}/soak`, signal), index);
      into.results++;
      const problem = problemWith(result);
      if (problem !== undefined && into.invalid.length < 5) into.invalid.push(problem);
      if (result.status === 'ok') into.ok++;
      else {
        const reason = String(result.healingActions.at(-1)?.reason);
        into.reasons[reason] = (into.reasons[reason] ?? 0) + 1;
        if (result.attempts === 0 && reason === 'circuit_open') into.refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const started = performance.now();
const warmup = tally();
await runCalls(1_000, warmup);
const heapBefore = await heapUsed();

const steady = tally();
const faultsBeforeSteady = faultsInjected;
await runCalls(calls, steady);
const steadyFaults = faultsInjected - faultsBeforeSteady;
const heapAfter = await heapUsed();

phase = 'outage';
outage = true;
const outageCalls = tally();
while (breaker.state !== 'OPEN' && outageCalls.started < 1_000) await runCalls(10, outageCalls, 10);
const hitsWhenOpened = server.hits('/soak');
const whileOpen = tally();
await runCalls(1_000, whileOpen);
const hitsWhileOpen = server.hits('/soak') - hitsWhenOpened;

phase = 'recovery';
outage = false;
healthy = true;
skewMs += RECOVERY_MS;
const recovery = tally();
await runCalls(1, recovery, 1); // the probe that closes the breaker
await runCalls(999, recovery);
const elapsedMs = Math.round(performance.now() - started);

await server.close();
closeNodeHttpAgent();
// Client sockets see the server's close a few event-loop turns later (immediates only: a timer
// would be a resource itself). Whatever is still open after that is a leak.
const isOpenHandle = (type: string) => !['TTYWrap', 'PipeWrap', 'Immediate'].includes(type);
for (let turn = 0; turn < 10_000 && process.getActiveResourcesInfo().some(isOpenHandle); turn++) {
  await new Promise((resolve) => setImmediate(resolve));
}
const openHandles = process.getActiveResourcesInfo().filter(isOpenHandle);

const successRate = steady.ok / steady.results;
// The standard deviation of the success rate over `calls` independent calls; 5 of them is the
// tolerance, so a correct library fails this check with a probability below 1 in a million.
const tolerance = 5 * Math.sqrt((EXPECTED_SUCCESS * (1 - EXPECTED_SUCCESS)) / calls);
const all = [warmup, steady, outageCalls, whileOpen, recovery];
const report = {
  date: new Date().toISOString(),
  node: process.version,
  calls: all.reduce((sum, t) => sum + t.started, 0),
  steadyCalls: steady.started,
  faultRate: FAULT_RATE,
  maxAttempts: MAX_ATTEMPTS,
  faultsInjected,
  steadyFaults,
  requests: server.hits('/soak'),
  resultsLost: all.reduce((sum, t) => sum + t.started - t.results, 0),
  invalidResults: all.flatMap((t) => t.invalid),
  successRate: Number(successRate.toFixed(5)),
  expectedSuccessRate: Number(EXPECTED_SUCCESS.toFixed(5)),
  tolerance: Number(tolerance.toFixed(5)),
  steadyGiveUps: steady.reasons,
  outage: { callsUntilOpen: outageCalls.started, refusedWhileOpen: whileOpen.refused, callsWhileOpen: whileOpen.started, requestsWhileOpen: hitsWhileOpen },
  recovery: { ok: recovery.ok, calls: recovery.started, finalState: breaker.state },
  transitions,
  unhandledRejections,
  openHandles,
  heapBeforeBytes: heapBefore,
  heapAfterBytes: heapAfter,
  heapDeltaBytes: heapAfter - heapBefore,
  gcExposed: gc !== undefined,
  elapsedMs,
};

const HEAP_BOUND_BYTES = 2 * 1024 * 1024;
const failures = [
  report.resultsLost !== 0 && `${report.resultsLost} results lost`,
  report.invalidResults.length > 0 && `invalid results: ${report.invalidResults.join(', ')}`,
  Math.abs(successRate - EXPECTED_SUCCESS) > tolerance && `success rate ${successRate} not within ${tolerance} of ${EXPECTED_SUCCESS}`,
  transitions.some((t) => t.phase === 'steady') && 'the breaker changed state in the steady phase',
  breaker.state === 'CLOSED' && outageCalls.started >= 1_000 && 'the breaker did not open during the outage',
  whileOpen.refused !== whileOpen.started && `only ${whileOpen.refused} of ${whileOpen.started} calls refused while open`,
  hitsWhileOpen !== 0 && `${hitsWhileOpen} requests reached the server while the breaker was open`,
  (recovery.ok !== recovery.started || breaker.state !== 'CLOSED') && `recovery: ${recovery.ok}/${recovery.started} ok, breaker ${breaker.state}`,
  unhandledRejections !== 0 && `${unhandledRejections} unhandled rejections`,
  openHandles.length !== 0 && `open handles: ${openHandles.join(', ')}`,
  gc === undefined && 'run with --expose-gc to measure the heap',
  report.heapDeltaBytes > HEAP_BOUND_BYTES && `heap grew by ${report.heapDeltaBytes} bytes (bound ${HEAP_BOUND_BYTES})`,
].filter((failure): failure is string => typeof failure === 'string');

mkdirSync(dirname(outputPath), { recursive: true });
writeFileSync(outputPath, `${JSON.stringify({ ...report, failures }, null, 2)}\n`);
if (argv.includes('--update-docs') && failures.length === 0) updateDocs();

for (const failure of failures) console.error(`soak: FAILED: ${failure}`);
if (failures.length > 0) process.exitCode = 1;
console.log(`soak: ${report.calls} calls (${report.steadyCalls} steady), ${report.faultsInjected} faults injected, ` +
  `success ${report.successRate} (expected ${report.expectedSuccessRate} ± ${report.tolerance}), results lost ${report.resultsLost}, ` +
  `unhandled rejections ${unhandledRejections}, handles leaked ${openHandles.length}, heap delta ${(report.heapDeltaBytes / 1024).toFixed(0)} KiB, ` +
  `${(elapsedMs / 1000).toFixed(1)} s: ${failures.length === 0 ? 'passed' : 'FAILED'} (report: ${outputPath})`);

/** Rewrites the block between the soak markers in docs/reliability.md with this run's figures. */
function updateDocs(): void {
  const path = `${root}/docs/reliability.md`;
  const text = readFileSync(path, 'utf8');
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const rows = [
    ['date', report.date.slice(0, 10)],
    ['Node', report.node],
    ['calls (all phases)', report.calls.toLocaleString('en')],
    ['calls in the steady phase', report.steadyCalls.toLocaleString('en')],
    ['HTTP requests served', report.requests.toLocaleString('en')],
    ['faults injected (all phases)', report.faultsInjected.toLocaleString('en')],
    ['faults injected in the steady phase', `${report.steadyFaults.toLocaleString('en')} (rate ${report.faultRate})`],
    ['success rate, steady phase', `${report.successRate} (expected ${report.expectedSuccessRate} ± ${report.tolerance})`],
    ['outage: calls until the breaker opened', String(report.outage.callsUntilOpen)],
    ['outage: calls refused while open / requests that reached the server', `${report.outage.refusedWhileOpen} of ${report.outage.callsWhileOpen} / ${report.outage.requestsWhileOpen}`],
    ['recovery: calls ok, final breaker state', `${report.recovery.ok} of ${report.recovery.calls}, ${report.recovery.finalState}`],
    ['results lost', String(report.resultsLost)],
    ['unhandled rejections', String(report.unhandledRejections)],
    ['handles leaked', String(report.openHandles.length)],
    ['heap delta (after steady phase − before, after gc)', `${kb(report.heapDeltaBytes)} (bound ${kb(HEAP_BOUND_BYTES)})`],
    ['wall time', `${(report.elapsedMs / 1000).toFixed(1)} s`],
  ];
  const table = ['| figure | value |', '| --- | --- |', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
  const updated = text.replace(/(<!-- soak:begin -->)[\s\S]*?(<!-- soak:end -->)/, `$1\n${table}\n$2`);
  if (updated === text && !text.includes(table)) throw new Error('docs/reliability.md has no <!-- soak:begin --> ... <!-- soak:end --> block');
  writeFileSync(path, updated);
}
