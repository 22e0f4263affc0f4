/**
 * 3. A 401 fails fast into a fallback. 401 is `permanent`: asking again with the same token
 *    cannot help, so there is no retry. The fallback serves the last cached profile instead.
 */
import { executeWithHealing } from '../src/index.js';
import { serviceAdmin } from './flaky-service.js';
import { getJson, isHttpError } from './http-json.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

interface Profile { user: string; plan: string; cached?: boolean }

const profileCache = new Map<string, Profile>([['ada', { user: 'ada', plan: 'pro', cached: true }]]);

export async function authFallback(baseUrl: string, options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let fallbackSawStatus: number | undefined;

  const result = await executeWithHealing(
    ({ user }: { user: string }, { signal }) => getJson<Profile>(`${baseUrl}/profile?user=${user}`, signal),
    { user: 'ada' },
    {
      retry: { maxAttempts: 3, minDelayMs: 50 },
      fallback: ({ user }, { error }) => {
        fallbackSawStatus = isHttpError(error) ? error.status : undefined;
        const cached = profileCache.get(user);
        if (cached === undefined) throw new Error(`no cached profile for ${user}`);
        return cached;
      },
    },
  );
  log(formatResult(result));

  const fallback = result.healingActions.find((a) => a.kind === 'fallback');
  const expect = new Expectations();
  expect.equal('status', result.status, 'ok');
  expect.equal('result (from the cache)', result.result, { user: 'ada', plan: 'pro', cached: true });
  expect.equal('attempts', result.attempts, 1);
  expect.equal('healed', result.healed, true);
  expect.equal('action kinds (no retry)', result.healingActions.map((a) => a.kind), ['fallback']);
  expect.equal('fallback succeeded', fallback?.succeeded, true);
  expect.equal('status of the error the fallback saw', fallbackSawStatus, 401);
  expect.equal('server hits on /profile', await serviceAdmin(baseUrl).hits('/profile'), 1);
  return expect.report('a 401 fails fast into a cached fallback');
}
