/**
 * A small tool-using agent whose tools fail the way agents' tools do, healed by the library
 * (no network, no API key: the model is scripted; real child processes, real time, short delays).
 *
 * The agent plans a trip: it asks the model for the next step, runs the tool the model picks,
 * appends the result, and asks again until the model answers. Along the way:
 * - the model's context is too long for the large model: `reconfigure` switches to the small one;
 * - the search tool's child process has crashed: `restart` respawns it, then the call runs;
 * - the weather API rate-limits (429, Retry-After: 0): retry honours it;
 * - the model writes the booking date as "next friday": the tool's zod schema refuses it, and a
 *   rule reflector repairs it to an ISO date that the schema accepts;
 * - the payments API is down: the restart of its worker that would follow is too risky for the
 *   safety policy (risk high), so the call escalates to a human at once instead of hammering a
 *   payment API, and the agent tells the user.
 *
 * It prints which strategy healed what, and what was escalated.
 * Run it: `npx tsx examples/agent/agent.ts` (also scenario 21 of `npm run demo`).
 */
import { z } from 'zod';
import {
  CircuitBreakerRegistry, HealingPipeline, SafetyPolicy, escalate, reconfigure, restart, ruleReflector, type HealingLogger, type HealingResult,
} from '../../src/index.js';
import { healTools } from '../../src/tools/index.js';
import { ToolProcess } from '../strategies/restart-tool-process.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from '../recovery/run-standalone.js';

type Message = { role: 'system' | 'user' | 'assistant' | 'tool'; content: string };
type Step = { tool: 'search' | 'weather' | 'book' | 'charge'; args: Record<string, unknown> } | { answer: string };

/** The plan the scripted model follows: one tool call per turn, then the answer. */
const PLAN: Step[] = [
  { tool: 'search', args: { query: 'hotel bristol, oslo' } },
  { tool: 'weather', args: { city: 'Oslo' } },
  { tool: 'book', args: { hotel: 'Hotel Bristol', date: 'next friday' } },
  { tool: 'charge', args: { amountEur: 420 } },
];
const TODAY = '2026-12-04'; // a Friday: "next friday" is 2026-12-11

/** A scripted model: the large one refuses a context over 200 characters, as a real one refuses too many tokens. */
function scriptedModel() {
  let turn = 0;
  return async ({ model, messages }: { model: 'large' | 'small'; messages: Message[] }): Promise<Step> => {
    const size = messages.reduce((sum, message) => sum + message.content.length, 0);
    if (model === 'large' && size > 200) {
      throw Object.assign(new Error(`This model's maximum context length is 200 characters; the messages have ${size}`), { status: 400, code: 'context_length_exceeded' });
    }
    const failed = messages.at(-1)?.content.startsWith('error:') === true;
    const step = PLAN[turn++];
    if (step === undefined || failed) {
      // The answer says what the tools really did: the booking they confirmed, the payment's fate.
      const booking = messages.find((message) => message.role === 'tool' && message.content.startsWith('booked '))?.content;
      const paid = messages.some((message) => message.role === 'tool' && message.content.startsWith('charged '));
      return { answer: `${booking === undefined ? 'Nothing is booked' : `${booking[0]!.toUpperCase()}${booking.slice(1)}`}; ` +
        (paid ? 'paid.' : 'the payment is pending: a human has been asked to look at it.') };
    }
    return step;
  };
}

export async function agentScenario(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const healed: string[] = [];
  const escalated: string[] = [];
  // Every healing action of every pipeline, as one line: which strategy did what, for which tool.
  const record = (fields: object, message: string) => {
    const { pipeline, kind } = fields as { pipeline?: string; kind?: string };
    if (kind === 'give_up') return;
    (kind === 'escalate' ? escalated : healed).push(`${pipeline}: ${message.replace(/^self-healing /, '')}`);
  };
  const logger: HealingLogger = { info: record, warn: record, error: record };

  const started: ToolProcess[] = [new ToolProcess()];
  let searchProcess = started[0]!;
  await searchProcess.kill(); // the search tool crashed before the agent started
  let weatherCalls = 0;
  let paymentRestarts = 0;
  const registry = new CircuitBreakerRegistry();
  const safety = new SafetyPolicy({ maxRisk: 'medium', escalate: ({ why }) => { log(`  [pager] ${why}`); } });

  const tools = healTools({
    search: {
      description: 'Searches hotels',
      inputSchema: z.object({ query: z.string() }),
      execute: async ({ query }: { query: string }) => (await searchProcess.call(query)).upper,
    },
    weather: {
      description: 'The weather in a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }: { city: string }) => {
        if (++weatherCalls === 1) throw Object.assign(new Error('HTTP 429 Too Many Requests'), { status: 429, headers: { 'retry-after': '0' } });
        return `${city}: 3 °C, light snow`;
      },
    },
    book: {
      description: 'Books a hotel for a date (YYYY-MM-DD)',
      inputSchema: z.object({ hotel: z.string(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD') }),
      execute: async (args: { hotel: string; date: string }) => {
        const valid = z.object({ hotel: z.string(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD') }).parse(args);
        return `booked ${valid.hotel} for ${valid.date}`;
      },
    },
    charge: {
      description: 'Charges the card',
      inputSchema: z.object({ amountEur: z.number() }),
      execute: async (): Promise<string> => { throw Object.assign(new Error('HTTP 503 payments: upstream unavailable'), { status: 503 }); },
    },
  }, {
    registry, logger, safety, retry: { maxAttempts: 3, minDelayMs: 10, maxDelayMs: 50 },
    tools: {
      search: { name: 'tool:search', strategies: [restart({ restart: async () => {
        searchProcess = new ToolProcess();
        started.push(searchProcess);
      } })] },
      weather: { name: 'tool:weather' },
      book: { name: 'tool:book', reflector: ruleReflector<{ hotel: string; date: string }>([
        { match: /YYYY-MM-DD/, transform: (args) => ({ ...args, date: nextWeekday(args.date, TODAY) }), reason: 'a weekday name as an ISO date' },
      ]) },
      charge: { name: 'tool:charge', strategies: [
        escalate({ notify: ({ detail }) => { log(`  [pager] ${detail}`); } }),
        restart({ name: 'restart-payments-worker', risk: 'high', restart: () => { paymentRestarts++; } }),
      ] },
    },
  });

  const complete = scriptedModel();
  const modelCalls = new HealingPipeline({
    name: 'model', logger, retry: { maxAttempts: 1 },
    strategies: [reconfigure<{ model: 'large' | 'small'; messages: Message[] }>({
      when: ({ classification }) => classification.category === 'context_length',
      change: (args) => ({ ...args, model: 'small' }),
      describe: (before, after) => `context too long for the ${before.model} model: switched to the ${after.model} one`,
    })],
  });

  const messages: Message[] = [
    { role: 'system', content: 'You plan trips. Use the tools: search, weather, book, charge.' },
    { role: 'user', content: 'Book me Hotel Bristol in Oslo next Friday and pay for it.' },
  ];
  let model: 'large' | 'small' = 'large';
  let answer = '';
  const toolResults: string[] = [];
  try {
    for (let turn = 0; turn < 8 && answer === ''; turn++) {
      const result: HealingResult<Step> = await modelCalls.execute(complete, { model, messages });
      if (result.status === 'error') throw result.error;
      model = (result.args as { model: 'large' | 'small' }).model; // keep what healed: the small model from now on
      const step = result.result;
      if ('answer' in step) {
        answer = step.answer;
        break;
      }
      log(`  turn ${turn + 1}: the ${model} model calls ${step.tool}(${JSON.stringify(step.args)})`);
      let content: string;
      try {
        content = String(await tools[step.tool].execute(step.args as never));
      } catch (error) {
        content = `error: ${(error as Error).message}`;
      }
      toolResults.push(content);
      log(`    -> ${content}`);
      messages.push({ role: 'assistant', content: `${step.tool}(${JSON.stringify(step.args)})` }, { role: 'tool', content });
    }
  } finally {
    await Promise.all(started.map((child) => child.kill()));
  }

  log(`  answer: ${answer}`);
  log('  healed:');
  for (const line of healed) log(`    ${line}`);
  log('  escalated:');
  for (const line of escalated) log(`    ${line}`);

  const expect = new Expectations();
  expect.equal('tool results', toolResults, [
    'HOTEL BRISTOL, OSLO',
    'Oslo: 3 °C, light snow',
    'booked Hotel Bristol for 2026-12-11',
    'error: Self-healing gave up after 1 attempt(s) (stopped): HTTP 503 payments: upstream unavailable',
  ]);
  expect.that('the context-length error was healed by reconfigure', healed.some((line) => line.startsWith('model: reconfigure: context too long for the large model')), healed);
  expect.equal('search processes started (one restart)', started.length, 2);
  expect.that('the 429 was healed by retry', healed.some((line) => line.startsWith('tool:weather: retry')), healed);
  expect.that('the date was repaired by reflection', healed.some((line) => line.startsWith('tool:book: reflect')), healed);
  expect.equal('payments worker restarts (too risky: escalated instead)', paymentRestarts, 0);
  expect.equal('escalations', escalated.length, 1);
  expect.that('the escalation says why', escalated[0]?.includes('restart-payments-worker (risk high) exceeds the most risk allowed') === true, escalated);
  expect.equal('the answer', answer, 'Booked Hotel Bristol for 2026-12-11; the payment is pending: a human has been asked to look at it.');
  return expect.report('an agent whose tools crash, rate-limit, get malformed args, overflow the context and stay down');
}

/** "next friday" (or any weekday name) after `today`, as YYYY-MM-DD; anything else unchanged. */
function nextWeekday(text: string, today: string): string {
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const wanted = days.findIndex((day) => text.toLowerCase().includes(day));
  if (wanted < 0) return text;
  const date = new Date(`${today}T00:00:00Z`);
  const ahead = ((wanted - date.getUTCDay() + 7) % 7) || 7;
  date.setUTCDate(date.getUTCDate() + ahead);
  return date.toISOString().slice(0, 10);
}

runStandalone(import.meta.url, agentScenario);
