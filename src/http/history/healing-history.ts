import { z } from 'zod';
import type { CircuitState } from '../../circuit/circuit-breaker.js';
import type { CircuitStateChange } from '../../circuit/circuit-events.js';
import { systemClock, type Clock } from '../../clock.js';
import { parseWith } from '../../config/parse.js';
import { HealingConfigError } from '../../errors.js';
import type { ObservablePipeline } from '../../stats/healing-statistics.js';
import type { HistoryEntry, HistorySnapshot, StateMarker } from './history-types.js';
import { SeriesBuckets, type SeriesName } from './series-buckets.js';

/**
 * Options of {@link HealingHistory}.
 * @example
 * ```ts
 * const options: HealingHistoryOptions = { bucketMs: 10_000, buckets: 30, maxNames: 500 };
 * ```
 */
export interface HealingHistoryOptions {
  /** Width of one bucket in ms. Default 10 000. */
  bucketMs?: number;
  /** Buckets per series (the window is `bucketMs * buckets`). Default 30: five minutes. */
  buckets?: number;
  /** Most circuits, and most pipelines, kept; the least recently active is dropped first. Default 500. */
  maxNames?: number;
  /** The clock buckets advance by. Default the system clock. */
  clock?: Pick<Clock, 'now'>;
}

/**
 * Anything that forwards breaker state changes and refusals: a `CircuitBreakerRegistry`.
 * @example
 * ```ts
 * const observed: ObservableRegistry = getDefaultRegistry();
 * ```
 */
export interface ObservableRegistry {
  on(event: 'stateChange', listener: (change: CircuitStateChange) => void): () => void;
  on(event: 'reject', listener: (rejection: { circuit: string }) => void): () => void;
  find(name: string): { readonly state: CircuitState } | undefined;
}

const optionsSchema = z.strictObject({
  bucketMs: z.number().int().min(100).max(3_600_000).optional(),
  buckets: z.number().int().min(2).max(1_000).optional(),
  maxNames: z.number().int().min(1).max(100_000).optional(),
  clock: z.custom<Pick<Clock, 'now'>>((v) => typeof (v as Clock | null)?.now === 'function', 'expected a clock with now()').optional(),
});
const MAX_MARKERS = 32;
const STATE_RANK: Record<string, number> = { OPEN: 2, HALF_OPEN: 1 };

interface Tracked { buckets: SeriesBuckets; markers: StateMarker[] }

/**
 * The last minutes of every tracked pipeline and observed circuit in bounded memory: fixed
 * buckets of calls, errors, healed calls, refusals and calls that needed healing, plus breaker
 * state changes as markers. It has no timer: buckets advance when something is recorded and when
 * it is read. Names idle for a whole window are dropped, and at most `maxNames` circuits and
 * `maxNames` pipelines are kept. Pass it to `createHealingHandler({ history })` for `GET /history`
 * and the sparklines of the status page.
 * @throws {HealingConfigError} naming the invalid option.
 * @example
 * ```ts
 * const history = new HealingHistory();
 * history.track(checkout);
 * history.observe(getDefaultRegistry());
 * console.log(history.snapshot().circuits[0]?.series.errorRate);
 * ```
 */
export class HealingHistory {
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly maxNames: number;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly circuits = new Map<string, Tracked>();
  private readonly pipelines = new Map<string, Tracked>();
  private registry: ObservableRegistry | undefined;

  constructor(options: HealingHistoryOptions = {}) {
    const parsed = parseWith(optionsSchema, options, 'history');
    this.bucketMs = parsed.bucketMs ?? 10_000;
    this.buckets = parsed.buckets ?? 30;
    this.maxNames = parsed.maxNames ?? 500;
    this.clock = parsed.clock ?? systemClock;
  }

  /** How many names are held now (circuits plus pipelines): what bounds its memory. */
  get size(): number {
    return this.circuits.size + this.pipelines.size;
  }

  /**
   * Records every execution of `pipeline` from now on, under its name and its circuit's. Returns
   * the function that stops it.
   * @example
   * ```ts
   * const stop = history.track(checkout);
   * ```
   */
  track(pipeline: ObservablePipeline): () => void {
    if (typeof pipeline?.on !== 'function') throw new HealingConfigError('pipeline', 'expected a HealingPipeline (something with on(event, listener))');
    const outcome = ({ pipeline: name, circuit, result }: { pipeline: string; circuit: string | undefined; result: { status: string; healed: boolean } }) => {
      const counted: SeriesName[] = ['calls'];
      if (result.status === 'error') counted.push('errors');
      if (result.healed) counted.push('healed');
      // A call that ended in error or was healed is one whose first try did not simply succeed.
      if (result.status === 'error' || result.healed) counted.push('failedFirst');
      for (const series of counted) {
        this.add(this.pipelines, name, series);
        if (circuit !== undefined) this.add(this.circuits, circuit, series);
      }
    };
    const offs = [
      pipeline.on('success', outcome),
      pipeline.on('failure', outcome),
      pipeline.on('action', ({ action, pipeline: name }) => {
        if (action.kind === 'circuit_open') this.add(this.pipelines, name, 'refusals');
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /**
   * Records the state changes and refusals of every breaker of `registry`, and reports their
   * current state. Returns the function that stops it.
   * @example
   * ```ts
   * const stop = history.observe(getDefaultRegistry());
   * ```
   */
  observe(registry: ObservableRegistry): () => void {
    if (typeof registry?.on !== 'function' || typeof registry.find !== 'function') {
      throw new HealingConfigError('registry', 'expected a CircuitBreakerRegistry (e.g. getDefaultRegistry())');
    }
    this.registry = registry;
    const offs = [
      registry.on('stateChange', ({ circuit, from, to, reason, at }) => {
        const tracked = this.entry(this.circuits, circuit);
        // The change's own time: OPEN becomes HALF_OPEN when the state is next read, which may be
        // long after the break ended; the marker belongs where the break ended.
        tracked.markers.push({ at: Number.isFinite(at) ? at : this.clock.now(), from, to, reason });
        if (tracked.markers.length > MAX_MARKERS) tracked.markers.shift();
      }),
      registry.on('reject', ({ circuit }) => this.add(this.circuits, circuit, 'refusals')),
    ];
    return () => offs.forEach((off) => off());
  }

  /** The window as plain JSON, worst first (see {@link HistorySnapshot}). Drops idle names. */
  snapshot(): HistorySnapshot {
    const now = this.clock.now();
    const start = Math.floor(now / this.bucketMs) * this.bucketMs - (this.buckets - 1) * this.bucketMs;
    return {
      at: now,
      bucketMs: this.bucketMs,
      buckets: this.buckets,
      start,
      circuits: this.entries(this.circuits, now, start, true),
      pipelines: this.entries(this.pipelines, now, start, false),
      components: [],
    };
  }

  private entries(map: Map<string, Tracked>, now: number, start: number, circuits: boolean): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (const [name, tracked] of map) {
      tracked.buckets.advance(now);
      tracked.markers = tracked.markers.filter((m) => m.at >= start);
      if (tracked.buckets.idle(now) && tracked.markers.length === 0) {
        map.delete(name);
        continue;
      }
      const state = circuits ? this.registry?.find(name)?.state : undefined;
      out.push(toEntry(name, tracked, state));
    }
    return out.sort((a, b) => (STATE_RANK[b.state ?? ''] ?? 0) - (STATE_RANK[a.state ?? ''] ?? 0)
      || rate(b) - rate(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private add(map: Map<string, Tracked>, name: string, series: SeriesName): void {
    this.entry(map, name).buckets.add(series, this.clock.now());
  }

  /** The entry of `name`, moved to the back of the map (most recently active); the front is evicted. */
  private entry(map: Map<string, Tracked>, name: string): Tracked {
    let tracked = map.get(name);
    if (tracked !== undefined) map.delete(name);
    else tracked = { buckets: new SeriesBuckets(this.buckets, this.bucketMs, this.clock.now()), markers: [] };
    map.set(name, tracked);
    while (map.size > this.maxNames) map.delete(map.keys().next().value!);
    return tracked;
  }
}

function rate(entry: HistoryEntry): number {
  return entry.totals.calls === 0 ? 0 : entry.totals.errors / entry.totals.calls;
}

function toEntry(name: string, tracked: Tracked, state: CircuitState | undefined): HistoryEntry {
  const read = (series: SeriesName) => tracked.buckets.read(series);
  const series = { calls: read('calls'), errors: read('errors'), healed: read('healed'), refusals: read('refusals'), failedFirst: read('failedFirst') };
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const totals = { calls: sum(series.calls), errors: sum(series.errors), healed: sum(series.healed), refusals: sum(series.refusals), failedFirst: sum(series.failedFirst) };
  return {
    name,
    ...(state === undefined ? {} : { state }),
    series: { ...series, errorRate: series.calls.map((calls, i) => (calls === 0 ? null : series.errors[i]! / calls)) },
    totals,
    savedShare: totals.failedFirst === 0 ? null : totals.healed / totals.failedFirst,
    markers: [...tracked.markers],
  };
}
