/**
 * Adaptive healing (offline, in memory).
 *
 * An LLM provider starts answering every request with "quota exceeded" as a 503. Retrying
 * cannot fix a spent quota, but plain retry keeps paying for it: 3 calls per request. With
 * `adaptive`, once retries have failed to heal the category in their last 5 tries, they are
 * skipped (1 call per request), and the recurring error raises an `escalate` event that pages a
 * human.
 *
 * Run it: `npx tsx examples/recovery/adaptive-healing.ts`
 */
import { AdaptiveHealing, CircuitBreakerRegistry, HealingPipeline } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function adaptiveHealing(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let providerCalls = 0;
  const complete = async (_args: { prompt: string }) => {
    providerCalls++;
    throw Object.assign(new Error('Service Unavailable: quota exceeded for this month'), { status: 503 });
  };
  const adaptive = new AdaptiveHealing({ window: 5, escalateAfter: 10, escalateWindowMs: 60_000 });
  const pages: string[] = [];
  adaptive.on('escalate', ({ category, circuit, count }) => pages.push(`${count} x ${category} on ${circuit}`));
  // A breaker that stays closed here, to show adaptive healing on its own (an open circuit would
  // refuse the calls first, and its refusals would be the recurring error).
  const registry = new CircuitBreakerRegistry();
  registry.get('llm-example', { failureThreshold: 1_000 });
  const llm = new HealingPipeline({ registry, circuitName: 'llm-example', adaptive, retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 2 } });

  for (let i = 0; i < 20; i++) await llm.execute(complete, { prompt: `question ${i}` });
  log(`  20 requests: ${providerCalls} provider calls (plain retry would make 60)`);
  log(`  stats: ${JSON.stringify(adaptive.stats())}`);
  log(`  escalations: ${JSON.stringify(pages)}`);

  const expect = new Expectations();
  // 5 requests with 3 calls while the window fills, then 1 call each, plus one probe retry per 5 skips.
  expect.that('far fewer provider calls than plain retry (60)', providerCalls <= 35, providerCalls);
  expect.equal('escalations', pages, ['10 x unavailable on llm-example']);
  return expect.report('adaptive healing stops paying for futile retries and escalates the recurring error');
}

runStandalone(import.meta.url, adaptiveHealing);
