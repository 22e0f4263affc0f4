import type { BenchSettings } from './types.js';

/** Reads `--quick` and `--json` from the command line. */
export function readSettings(argv: readonly string[]): BenchSettings {
  const flags = new Set(argv);
  for (const flag of flags) {
    if (flag !== '--quick' && flag !== '--json') throw new Error(`unknown flag ${flag} (expected --quick and/or --json)`);
  }
  const quick = flags.has('--quick');
  return quick
    ? { quick, json: flags.has('--json'), warmupMs: 15, batchMs: 10, rounds: 2, memoryCount: 2_000, opossumMemoryCount: 500 }
    : { quick, json: flags.has('--json'), warmupMs: 300, batchMs: 50, rounds: 15, memoryCount: 100_000, opossumMemoryCount: 10_000 };
}
