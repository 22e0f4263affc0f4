/**
 * Hedging a slow call (offline, in memory, real time in milliseconds).
 *
 * A search backend usually answers in 10 ms, but one replica is stuck and takes 200 ms. With
 * `hedge: { delayMs: 30 }`, a call still running after 30 ms gets a second call alongside; the
 * first to succeed wins and the other is aborted through its signal, so the stuck request
 * costs about 40 ms instead of 200.
 *
 * Run it: `npx tsx examples/recovery/hedging.ts`
 */
import { HealingPipeline, type AttemptContext } from '../../src/index.js';
import { formatResult } from '../print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function hedgingSlowCall(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const latencies = [200, 10]; // the first request hits the stuck replica
  const aborted: boolean[] = [];
  let call = 0;
  const search = (_args: { q: string }, { signal }: AttemptContext) => new Promise<string>((resolve, reject) => {
    const n = call++;
    const timer = setTimeout(() => resolve(`hits from replica ${n + 1}`), latencies[n] ?? 10);
    signal.addEventListener('abort', () => { clearTimeout(timer); aborted[n] = true; reject(signal.reason); }, { once: true });
  });
  const pipeline = new HealingPipeline({ hedge: { delayMs: 30 }, timeoutMs: 1_000 });
  const result = await pipeline.execute(search, { q: 'resilience' });
  log(formatResult(result));

  const expect = new Expectations();
  expect.equal('result', result.result, 'hits from replica 2');
  expect.equal('the stuck call was aborted', aborted[0], true);
  expect.that('answered well before the stuck replica would have (200 ms)', result.durationMs < 150, result.durationMs);
  expect.equal('hedge actions', result.healingActions.map((a) => a.reason ?? a.kind), ['hedge', 'hedge_won']);
  return expect.report('a hedge answers a stuck call from another replica');
}

runStandalone(import.meta.url, hedgingSlowCall);
