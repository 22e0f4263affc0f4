/**
 * 4. An invalid date, repaired by a reflector. The service rejects `?date=01-19-2026` with
 *    HTTP 422 {"error":"Invalid date format, expected YYYY-MM-DD"}. 422 is `recoverable`: the
 *    call can succeed only with different arguments, so the pipeline asks the reflector for
 *    new args. This reflector is plain, deterministic code (no LLM); its proposal is still
 *    treated as untrusted and validated with `argsSchema` before it runs.
 */
import { z } from 'zod';
import { executeWithHealing, type Reflector } from '../src/index.js';
import { getJson, isHttpError } from './http-json.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

const argsSchema = z.object({ date: z.string() });
type EventArgs = z.infer<typeof argsSchema>;

const US_DATE = /^(\d{2})-(\d{2})-(\d{4})$/;

/** Rewrites MM-DD-YYYY to YYYY-MM-DD when the server complained about the date format. */
export const fixDateFormat: Reflector<EventArgs> = ({ error, classification, args }) => {
  if (classification.category !== 'invalid_request' || !/invalid date format/i.test(error.message)) return null;
  const match = US_DATE.exec(args.date);
  if (match === null) return null;
  const [, month, day, year] = match;
  return { args: { ...args, date: `${year}-${month}-${day}` }, reason: `rewrote ${args.date} (MM-DD-YYYY) as YYYY-MM-DD` };
};

export async function reflectInvalidDate(baseUrl: string, options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const statuses: number[] = [];

  const result = await executeWithHealing(
    async ({ date }: EventArgs, { signal }) => {
      try {
        return await getJson(`${baseUrl}/events?date=${encodeURIComponent(date)}`, signal);
      } catch (error) {
        if (isHttpError(error)) statuses.push(error.status);
        throw error;
      }
    },
    { date: '01-19-2026' },
    { reflector: fixDateFormat, argsSchema, retry: { maxAttempts: 3, minDelayMs: 50 } },
  );
  log(formatResult(result));

  const reflect = result.healingActions.find((a) => a.kind === 'reflect');
  const expect = new Expectations();
  expect.equal('status', result.status, 'ok');
  expect.equal('HTTP statuses thrown by the call', statuses, [422]);
  expect.equal('attempts', result.attempts, 2);
  expect.equal('healed', result.healed, true);
  expect.equal('action kinds', result.healingActions.map((a) => a.kind), ['reflect']);
  expect.equal('reflect accepted', reflect?.succeeded, true);
  expect.equal('repaired result.args', result.args, { date: '2026-01-19' });
  expect.equal('result.date', (result.result as { date?: string } | undefined)?.date, '2026-01-19');
  return expect.report('an invalid date is repaired by a deterministic reflector');
}
