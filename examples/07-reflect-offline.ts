/**
 * 7. Reflection without an LLM, offline. A calendar API validates its input with zod and rejects
 *    `{ title, date: '01/19/2026', durationMinutes: '30', attendees: 'bob@example.com' }`: the date
 *    is not ISO, the duration is a string, the attendees are not a list. A ZodError is
 *    `recoverable` (the call needs different args), so the pipeline asks the reflector:
 *
 *    - `schemaReflector` first applies the coercions zod users expect ('30' -> 30, a lone value
 *      -> a one-item list), then hands the rest to
 *    - `ruleReflector`, whose rule rewrites a US date as ISO 8601.
 *
 *    The proposal is untrusted all the same: it may change only the paths the ZodError named
 *    (the default `mutablePaths`), must pass `argsSchema`, and the `accept` guard keeps the title.
 *    A second call shows a refusal: a rule that also "fixes" the organiser is refused as a
 *    change to a path the error did not name (`disallowed-path`).
 *
 *    Run it alone with `npx tsx examples/07-reflect-offline.ts`.
 */
import { z } from 'zod';
import { executeWithHealing, ruleReflector, schemaReflector } from '../src/index.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

const eventSchema = z.strictObject({
  title: z.string().min(1),
  organiser: z.email(),
  date: z.iso.date(),
  durationMinutes: z.number().int().positive(),
  attendees: z.array(z.email()).min(1),
});
type NewEvent = z.infer<typeof eventSchema>;

/** The calendar API: it throws the ZodError itself, as a tool with a zod input schema does. */
async function createEvent(input: NewEvent): Promise<{ id: string; date: string }> {
  const event = eventSchema.parse(input);
  return { id: 'evt_1', date: event.date };
}

const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

const usDateToIso = ruleReflector<NewEvent>([{
  name: 'US date to ISO 8601',
  match: (error) => error instanceof z.ZodError && error.issues.some((issue) => issue.path[0] === 'date'),
  transform: (args) => {
    const match = US_DATE.exec(String(args.date));
    return match ? { ...args, date: `${match[3]}-${match[1]}-${match[2]}` } : null;
  },
}]);

const sloppyInput = {
  title: 'Design review',
  organiser: 'alice@example.com',
  date: '01/19/2026',
  durationMinutes: '30',
  attendees: 'bob@example.com',
} as unknown as NewEvent;

export async function reflectOffline(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const healing = {
    argsSchema: eventSchema,
    accept: (original: NewEvent, proposed: NewEvent) => proposed.title === original.title,
    retry: { maxAttempts: 3, minDelayMs: 0 },
  };

  const repaired = await executeWithHealing(createEvent, sloppyInput, { ...healing, reflector: schemaReflector({ then: usDateToIso }) });
  log(formatResult(repaired));

  const overreaching = ruleReflector<NewEvent>([{
    match: z.ZodError,
    transform: (args) => ({ ...args, date: '2026-01-19', durationMinutes: 30, attendees: ['bob@example.com'], organiser: 'mallory@example.com' }),
    reason: 'also moves the event to another organiser',
  }]);
  const refused = await executeWithHealing(createEvent, sloppyInput, { ...healing, reflector: overreaching, maxReflections: 1 });
  log(formatResult(refused));

  const expect = new Expectations();
  expect.equal('status', repaired.status, 'ok');
  expect.equal('attempts', repaired.attempts, 2);
  expect.equal('repaired args', repaired.args, {
    title: 'Design review', organiser: 'alice@example.com', date: '2026-01-19', durationMinutes: 30, attendees: ['bob@example.com'],
  });
  expect.equal('action kinds', repaired.healingActions.map((a) => [a.kind, a.reason]), [['reflect', 'accepted']]);
  expect.equal('overreaching proposal refused', refused.healingActions.map((a) => [a.kind, a.reason]),
    [['reflect', 'disallowed-path'], ['give_up', 'unrepaired']]);
  expect.that('the refusal names the organiser', /changes organiser/.test(refused.healingActions[0]?.detail ?? ''), refused.healingActions[0]?.detail);
  return expect.report('sloppy input is repaired offline by schema coercion and a rule; an overreaching rule is refused');
}

// `npx tsx examples/07-reflect-offline.ts` runs it on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  reflectOffline({ log: (line) => console.log(line) }).then((report) => {
    for (const check of report.checks) console.log(`  ${check.pass ? 'PASS' : 'FAIL'}  ${check.name}${check.pass ? '' : ` (saw ${check.actual})`}`);
    if (!report.passed) process.exitCode = 1;
  });
}
