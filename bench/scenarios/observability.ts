import { check, measure } from '../harness.js';
import type { BenchSettings, Candidate, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, HealthMonitor } = lib;

const ok = async (): Promise<number> => 1;

/** Fails every odd call with a network error, so every op heals with one retry (0 ms backoff). */
function flaky(): () => Promise<number> {
  let calls = 0;
  return async () => {
    if (++calls % 2 === 1) throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
    return 1;
  };
}

function pipeline(name: string): InstanceType<typeof HealingPipeline> {
  return new HealingPipeline({ name, circuitName: name, registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 3, minDelayMs: 0 }, fallback: () => 0 });
}

/** The same call through four pipelines: nobody listening, one listener, statistics, statistics + health. */
function candidates(fn: () => Promise<number>, suffix: string): Candidate[] {
  const bare = pipeline(`bare-${suffix}`);
  const listened = pipeline(`listened-${suffix}`);
  let seen = 0;
  listened.on('success', () => {
    seen++;
  });
  const counted = pipeline(`counted-${suffix}`);
  new HealingStatistics().track(counted);
  const monitored = pipeline(`monitored-${suffix}`);
  new HealingStatistics().track(monitored);
  new HealthMonitor().track(monitored);
  return [
    { id: 'none', label: 'pipeline, no listener', run: () => bare.execute(fn, undefined) },
    { id: 'one', label: "pipeline + one 'success' listener", run: () => listened.execute(fn, undefined) },
    { id: 'stats', label: 'pipeline + HealingStatistics.track', run: () => counted.execute(fn, undefined) },
    { id: 'stats-health', label: 'pipeline + HealingStatistics + HealthMonitor', run: () => monitored.execute(fn, undefined) },
  ];
}

/** Scenario 7: what events and statistics cost, as ratios to the same pipeline with nobody listening. */
export async function observability(settings: BenchSettings): Promise<ScenarioResult[]> {
  const happy = candidates(ok, 'happy');
  const healed = candidates(flaky(), 'healed');
  for (const candidate of [...happy, ...healed]) {
    const result = (await candidate.run()) as { status: string };
    check(result.status === 'ok', `${candidate.label} did not succeed`);
  }
  const notes = [
    "x bare is the ratio to the same pipeline with nobody listening ('pipeline, no listener').",
    'Statistics listen to attempt, action, success and failure; the health monitor to success and failure.',
  ];
  return [
    { id: 'observe-happy', title: '7a. Events and statistics, happy path (fn resolves at once)', unit: 'ns/op', baselineId: 'none', rows: await measure(happy, settings), notes },
    { id: 'observe-healed', title: '7b. Events and statistics, healed call (one retry, 0 ms backoff)', unit: 'ns/op', baselineId: 'none', rows: await measure(healed, settings), notes },
  ];
}
