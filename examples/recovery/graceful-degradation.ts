/**
 * Graceful degradation (offline, in memory).
 *
 * A shop page shows personal recommendations. The recommendation service goes down: after 2
 * failed calls the feature switches itself off, and the page gets bestsellers (the feature's
 * fallback) without waiting on the dead service at all. When the service is back, the next
 * health check passes and the feature switches itself on again.
 *
 * Run it: `npx tsx examples/recovery/graceful-degradation.ts`
 */
import { GracefulDegradation, HealingPipeline } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function gracefulDegradation(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let serviceUp = true;
  let serviceCalls = 0;
  const recommendations = async ({ user }: { user: string }) => {
    serviceCalls++;
    if (!serviceUp) throw Object.assign(new Error('Service Unavailable'), { status: 503 });
    return [`picked for ${user}`];
  };
  const features = new GracefulDegradation();
  features.on('disabled', ({ feature, reason }) => log(`  -- feature "${feature}" switched off (${reason})`));
  features.on('enabled', ({ feature, reason }) => log(`  -- feature "${feature}" switched on (${reason})`));
  const recs = features.define('recommendations', {
    fallback: ['bestseller 1', 'bestseller 2'],
    failureThreshold: 2,
    checkIntervalMs: 20,
    healthCheck: () => serviceUp,
  });
  const pipeline = new HealingPipeline({ feature: recs, retry: { maxAttempts: 2, minDelayMs: 1, maxDelayMs: 2 } });
  const page = async (note: string) => {
    const result = await pipeline.execute(recommendations, { user: 'ann' });
    log(`  ${note}: ${result.status === 'ok' ? JSON.stringify(result.result) : `error (${result.error.message})`}` +
      `; feature ${features.isEnabled('recommendations') ? 'on' : 'off'}`);
    return result;
  };

  await page('service up');
  serviceUp = false;
  await page('service down, call 1');
  await page('service down, call 2');
  const callsWhenOff = serviceCalls;
  const degraded = await page('feature off');
  serviceUp = true;
  await new Promise((resolve) => setTimeout(resolve, 25));
  features.isEnabled('recommendations'); // due for a health check: starts it
  await recs.check();
  const back = await page('service back');

  const expect = new Expectations();
  expect.equal('served while off', degraded.result, ['bestseller 1', 'bestseller 2']);
  expect.equal('service calls from switching off to the end', serviceCalls - callsWhenOff, 1); // only the one after it came back
  expect.equal('back on', back.result, ['picked for ann']);
  return expect.report('a failing feature switches itself off, serves its fallback, and comes back after a health check');
}

runStandalone(import.meta.url, gracefulDegradation);
