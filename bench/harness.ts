import type { BenchSettings, Candidate, Row } from './types.js';

/** Written by sync ops so their result is used and the loop cannot be optimised away. */
let sink: unknown;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `ops` ops of `candidate` back to back and returns the wall time in ns. */
async function batch(candidate: Candidate, ops: number): Promise<number> {
  const { run } = candidate;
  const start = process.hrtime.bigint();
  if (candidate.sync) {
    for (let i = 0; i < ops; i++) sink = run();
  } else {
    for (let i = 0; i < ops; i++) await run();
  }
  return Number(process.hrtime.bigint() - start);
}

/** Warms `candidate` up for `warmupMs` and returns how many ops fill a `batchMs` batch. */
async function warmUp(candidate: Candidate, settings: BenchSettings): Promise<number> {
  let ops = 16;
  let spentNs = 0;
  let doneOps = 0;
  while (spentNs < settings.warmupMs * 1e6) {
    spentNs += await batch(candidate, ops);
    doneOps += ops;
    ops = Math.min(ops * 2, 1 << 20);
  }
  const nsPerOp = spentNs / doneOps;
  return Math.max(16, Math.round((settings.batchMs * 1e6) / nsPerOp));
}

/**
 * Times every candidate in the same process: each is warmed up, then the rounds are interleaved
 * (round 1 of every candidate, then round 2, ...) so drift in the machine hits them all alike.
 * Reports the median ns/op of the rounds and their min and max.
 */
export async function measure(candidates: readonly Candidate[], settings: BenchSettings): Promise<Row[]> {
  const opsPerBatch = new Map<string, number>();
  for (const candidate of candidates) opsPerBatch.set(candidate.id, await warmUp(candidate, settings));
  const samples = new Map<string, number[]>(candidates.map((c) => [c.id, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const candidate of candidates) {
      const ops = opsPerBatch.get(candidate.id)!;
      globalThis.gc?.();
      samples.get(candidate.id)!.push((await batch(candidate, ops)) / ops);
    }
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return candidates.map((candidate) => {
    const values = samples.get(candidate.id)!;
    const row: Row = {
      id: candidate.id,
      label: candidate.label,
      value: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
      count: opsPerBatch.get(candidate.id)!,
      rounds: values.length,
    };
    if (candidate.sync) row.sync = true;
    return row;
  });
}

/** Fails loudly when a candidate does not do what the scenario claims (e.g. did not retry). */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`benchmark self-check failed: ${message}`);
}
