/**
 * Fallback kinds in a chain (offline, in memory).
 *
 * A weather API answers, then goes down. The chain: the last good answer for the same city
 * (fresh for 10 minutes), then a backup provider (costs more), then a static "unknown". The
 * result's `servedBy` says which one answered.
 *
 * Run it: `npx tsx examples/recovery/fallback-chain.ts`
 */
import { HealingPipeline } from '../../src/index.js';
import { formatResult } from '../print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

interface Forecast { city: string; forecast: string }

export async function fallbackChain(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let apiUp = true;
  let backupUp = true;
  const weatherApi = async ({ city }: { city: string }): Promise<Forecast> => {
    if (!apiUp) throw Object.assign(new Error('Service Unavailable'), { status: 503 });
    return { city, forecast: 'sunny' };
  };
  const weather = new HealingPipeline({
    retry: { maxAttempts: 2, minDelayMs: 1, maxDelayMs: 2 },
    fallback: [
      { name: 'last-good', lastGood: { ttlMs: 10 * 60_000, maxEntries: 1_000, key: ({ city }: { city: string }) => city } },
      { name: 'backup-api', cost: 3, run: ({ city }: { city: string }, error: Error): Forecast => {
        if (!backupUp) throw new Error(`backup down too (primary: ${error.message})`);
        return { city, forecast: 'cloudy (backup)' };
      } },
      { name: 'static', value: { city: '?', forecast: 'unknown' } },
    ],
  });

  const served: Array<string | undefined> = [];
  const call = async (city: string, note: string) => {
    const result = await weather.execute(weatherApi, { city });
    served.push(result.servedBy);
    log(`  ${note}: ${JSON.stringify(result.result)} served by ${result.servedBy ?? 'the primary'}`);
    return result;
  };
  await call('Oslo', 'API up, Oslo');
  apiUp = false;
  await call('Oslo', 'API down, Oslo (asked before)');
  const bergen = await call('Bergen', 'API down, Bergen (never asked)');
  log(formatResult(bergen));
  backupUp = false;
  await call('Bergen', 'API and backup down, Bergen');

  const expect = new Expectations();
  expect.equal('served by, call by call', served, [undefined, 'last-good', 'backup-api', 'static']);
  expect.equal('cost recorded on the backup action', bergen.healingActions.find((a) => a.provider === 'backup-api')?.cost, 3);
  return expect.report('a fallback chain serves from the best source left and says which');
}

runStandalone(import.meta.url, fallbackChain);
