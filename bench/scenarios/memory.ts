import { circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { check, median } from '../harness.js';
import type { BenchSettings, Row, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry } = lib;

const fn = async (): Promise<number> => 1;
const CONFIG = { failureThreshold: 5, breakDurationMs: 10_000, halfOpenMaxCalls: 1 };

interface Subject {
  id: string;
  label: string;
  count: number;
  /** Creates `names.length` idle breakers and returns what holds them. */
  build: (names: readonly string[]) => unknown;
  /** Releases what `build` made (timers), after measuring. */
  dispose?: (held: unknown) => void;
}

function settledHeap(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Names shorter than 13 characters are flat strings, and they exist before the baseline is read. */
function makeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `b${i}`);
}

function measureOnce(subject: Subject, names: readonly string[]): { bytes: number; createNs: number } {
  const before = settledHeap();
  const start = process.hrtime.bigint();
  const held = subject.build(names);
  const createNs = Number(process.hrtime.bigint() - start) / names.length;
  const after = settledHeap();
  subject.dispose?.(held);
  return { bytes: (after - before) / names.length, createNs };
}

/** Scenario 5: retained heap per idle named breaker, all held in one name -> breaker map. */
export async function memory(settings: BenchSettings): Promise<ScenarioResult> {
  const subjects: Subject[] = [
    {
      id: 'ours', label: 'self-healing registry.get(name) (default config)', count: settings.memoryCount,
      build: (names) => {
        const registry = new CircuitBreakerRegistry();
        for (const name of names) registry.get(name);
        check(registry.all().length === names.length, 'registry lost breakers');
        return registry;
      },
    },
    {
      id: 'ours-config', label: 'self-healing registry.get(name, {failureThreshold, breakDurationMs, halfOpenMaxCalls})', count: settings.memoryCount,
      build: (names) => {
        const registry = new CircuitBreakerRegistry();
        for (const name of names) registry.get(name, CONFIG);
        return registry;
      },
    },
    {
      id: 'cockatiel', label: 'cockatiel circuitBreaker(handleAll, {halfOpenAfter, ConsecutiveBreaker(5)})', count: settings.memoryCount,
      build: (names) => {
        const breakers = new Map<string, unknown>();
        for (const name of names) breakers.set(name, circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }));
        return breakers;
      },
    },
    {
      id: 'opossum', label: 'opossum new CircuitBreaker(fn) (defaults)', count: settings.opossumMemoryCount,
      build: (names) => {
        const breakers = new Map<string, CircuitBreaker>();
        for (const name of names) breakers.set(name, new CircuitBreaker(fn));
        return breakers;
      },
      dispose: (held) => {
        for (const breaker of (held as Map<string, CircuitBreaker>).values()) breaker.shutdown();
      },
    },
  ];

  const rounds = settings.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const subject of subjects) {
    const names = makeNames(subject.count);
    const samples = Array.from({ length: rounds }, () => measureOnce(subject, names));
    const bytes = samples.map((s) => s.bytes);
    rows.push({
      id: subject.id,
      label: subject.label,
      value: median(bytes),
      min: Math.min(...bytes),
      max: Math.max(...bytes),
      count: subject.count,
      rounds,
      note: `created in ${(median(samples.map((s) => s.createNs)) / 1000).toFixed(2)} µs each`,
    });
  }
  return {
    id: 'memory',
    title: '5. Memory per idle named breaker',
    unit: 'B/breaker',
    referenceId: 'cockatiel',
    rows,
    notes: [
      'heapUsed after gc() twice, before and after creating the breakers, divided by their number; the names are allocated before the baseline.',
      'cockatiel and opossum breakers are held in a Map by name, as the registry holds ours, so every row includes one Map entry.',
      'opossum starts an interval timer per breaker (rolling stats); every one is shut down after measuring.',
    ],
  };
}
