/** Shared shapes of the benchmark: settings, measured rows and scenario results. */

export interface BenchSettings {
  /** CI mode: tiny batches, one round, a few seconds in all. */
  quick: boolean;
  /** Also write bench/results.json. */
  json: boolean;
  /** Time each candidate runs before measuring, so V8 has optimised it. */
  warmupMs: number;
  /** Wall time one measured batch should take; sets the ops per batch. */
  batchMs: number;
  /** Measured batches per candidate; the median is reported. */
  rounds: number;
  /** Breakers created per library in the memory scenario. */
  memoryCount: number;
  /** opossum starts timers per breaker and is slow to build, so it gets fewer. */
  opossumMemoryCount: number;
}

/** One thing to time: `run` is a single op (awaited when `sync` is not set). */
export interface Candidate {
  id: string;
  label: string;
  run: () => unknown;
  /** Measured with a plain loop instead of `await` per op. */
  sync?: boolean;
}

/** One row of a scenario: a median and the spread of the rounds. */
export interface Row {
  id: string;
  label: string;
  /** ns/op for time scenarios, bytes per breaker for memory, ms for fleet propagation. */
  value: number;
  min: number;
  max: number;
  /** Ops per measured batch (time) or objects created (memory). */
  count: number;
  rounds: number;
  sync?: boolean;
  note?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  unit: 'ns/op' | 'B/breaker' | 'B' | 'ms';
  /** The row everything is compared with (the bare call); overhead = value - baseline. */
  baselineId?: string;
  /** The row overheads are compared with (cockatiel). */
  referenceId?: string;
  rows: Row[];
  notes?: string[];
}

export interface TargetCheck {
  name: string;
  /** The measured figure, in the unit of `limit`. */
  actual: number;
  limit: number;
  unit: string;
  /** `<=` or `<`. */
  comparison: '<=' | '<';
  met: boolean;
  detail: string;
}
