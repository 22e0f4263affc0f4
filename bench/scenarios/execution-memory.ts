import { check, median } from '../harness.js';
import type { BenchSettings, Row, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry, HealingPipeline } = lib;

function settledHeap(): number {
  globalThis.gc!();
  globalThis.gc!();
  return process.memoryUsage().heapUsed;
}

function pipeline(): InstanceType<typeof HealingPipeline> {
  return new HealingPipeline({ circuitName: 'bench-memory', registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 3, minDelayMs: 0 }, fallback: () => 0 });
}

/**
 * Bytes held per execution while `count` executions wait on their fn, over what the same number of
 * bare pending calls hold (their promises and resolvers are in both).
 */
async function inFlightBytes(count: number, viaPipeline: boolean): Promise<number> {
  const healing = pipeline();
  const resolvers: Array<(value: number) => void> = [];
  const fn = () => new Promise<number>((resolve) => resolvers.push(resolve));
  const before = settledHeap();
  const pending: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) pending.push(viaPipeline ? healing.execute(fn, undefined) : fn());
  await Promise.resolve(); // let every execution reach its await on fn
  const during = settledHeap();
  check(resolvers.length === count, `only ${resolvers.length} of ${count} calls started`);
  for (const resolve of resolvers) resolve(1);
  const results = await Promise.all(pending);
  check(results.length === count, 'an execution was lost');
  return (during - before) / count;
}

/** Heap growth over `count` sequential executions (70 % succeed at once, 30 % after one retry). */
async function heapGrowthOver(count: number): Promise<number> {
  const healing = pipeline();
  let n = 0;
  const fn = async () => {
    if (n++ % 10 < 3 && n % 2 === 1) throw Object.assign(new Error('503'), { status: 503 });
    return 1;
  };
  for (let i = 0; i < 20_000; i++) await healing.execute(fn, undefined); // warm up: code, caches, pools
  const before = settledHeap();
  for (let i = 0; i < count; i++) await healing.execute(fn, undefined);
  return settledHeap() - before;
}

/** Scenario 8: what executions cost in memory, in flight and over time. */
export async function executionMemory(settings: BenchSettings): Promise<ScenarioResult> {
  const inFlight = settings.quick ? 5_000 : 100_000;
  const sequential = settings.quick ? 20_000 : 1_000_000;
  const rounds = settings.quick ? 1 : 3;
  const bare: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < rounds; round++) {
    bare.push(await inFlightBytes(inFlight, false));
    ours.push(await inFlightBytes(inFlight, true));
  }
  const extra = ours.map((value, i) => value - bare[i]!);
  const growth: number[] = [];
  for (let round = 0; round < rounds; round++) growth.push(await heapGrowthOver(sequential));
  const row = (id: string, label: string, values: number[], count: number, note: string): Row =>
    ({ id, label, value: median(values), min: Math.min(...values), max: Math.max(...values), count, rounds, note });
  return {
    id: 'execution-memory',
    title: '9. Memory of executions',
    unit: 'B',
    rows: [
      row('bare-in-flight', 'bare pending call (promise + resolver), per call', bare, inFlight, 'for scale'),
      row('in-flight', 'self-healing execution in flight, over a bare pending call', extra, inFlight, `${inFlight.toLocaleString('en-US')} at once`),
      row('sequential', `heap growth after ${sequential.toLocaleString('en-US')} executions in a row (total)`, growth, sequential, '30 % retried once'),
    ],
    notes: [
      'heapUsed after gc() twice. In flight: fn returns a promise that stays pending until every execution has started.',
      'The pipeline has a named breaker, retry (3 attempts) and a fallback; no listener.',
    ],
  };
}
