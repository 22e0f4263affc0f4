/**
 * The benchmark: `npm run bench [-- --quick] [-- --json]`.
 * Every scenario runs its candidates side by side in this one process; see docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatScenario, formatTargets } from './report.js';
import { breakerGate } from './scenarios/breaker-gate.js';
import { classification } from './scenarios/classification.js';
import { executionMemory } from './scenarios/execution-memory.js';
import { failurePath } from './scenarios/failure-path.js';
import { fleet } from './scenarios/fleet.js';
import { happyPath } from './scenarios/happy-path.js';
import { memory } from './scenarios/memory.js';
import { observability } from './scenarios/observability.js';
import { openCircuit } from './scenarios/open-circuit.js';
import { throughput } from './scenarios/throughput.js';
import { readSettings } from './settings.js';
import { checkTargets } from './targets.js';
import type { BenchSettings, ScenarioResult } from './types.js';

const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  if (globalThis.gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.availableParallelism(),
    mode: settings.quick ? 'quick' : 'full',
    settings,
    loadAverageBefore: os.loadavg()[0]!,
    loadAverageAfter: 0,
  };
  console.log(`self-healing benchmark (${meta.mode}) on ${meta.cpu} x${meta.cpus}, Node ${meta.node}`);
  if (meta.loadAverageBefore > meta.cpus * 0.75) {
    console.log(`warning: load average ${meta.loadAverageBefore.toFixed(2)} on ${meta.cpus} CPUs; other work will inflate and spread the figures`);
  }

  const started = performance.now();
  const scenarios: ScenarioResult[] = [];
  // Each scenario gives one result, or several (observability: happy and healed calls; fleet: cost and propagation).
  const runs: Array<(settings: BenchSettings) => Promise<ScenarioResult | ScenarioResult[]>> =
    [happyPath, failurePath, openCircuit, classification, memory, breakerGate, observability, throughput, executionMemory, fleet];
  for (const run of runs) {
    for (const result of [await run(settings)].flat()) {
      scenarios.push(result);
      console.log(formatScenario(result));
    }
  }
  const targets = checkTargets(scenarios);
  console.log(formatTargets(targets));
  meta.loadAverageAfter = os.loadavg()[0]!;
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s (load average ${meta.loadAverageBefore.toFixed(2)} before, ${meta.loadAverageAfter.toFixed(2)} after).`);

  if (settings.json) {
    writeFileSync(RESULTS_FILE, `${JSON.stringify({ meta, scenarios, targets }, null, 2)}\n`);
    console.log(`Wrote ${RESULTS_FILE}`);
  }
}

/** Every timer a library started must be gone, so the process exits on its own. */
function checkNoTimersLeft(): void {
  const timers = process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout');
  if (timers.length > 0) {
    console.error(`benchmark left ${timers.length} timer(s) running; a breaker was not shut down`);
    process.exitCode = 1;
  }
}

main().then(checkNoTimersLeft, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
