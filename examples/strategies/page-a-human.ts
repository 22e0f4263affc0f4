/**
 * Paging a human after two failed payments (a custom 'attempt' strategy; in memory, real time).
 *
 * A payment provider answers 503. Retry would charge a third time; the 'attempt' strategy pages
 * the on-call human once the payment has failed twice, records a 'page' action and stops
 * healing: no third charge, give-up reason 'stopped'.
 *
 * Run it: `npx tsx examples/strategies/page-a-human.ts`
 */
import { executeWithHealing, type HealingStrategy } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from '../recovery/run-standalone.js';

function pageAHuman(page: (message: string) => Promise<void>): HealingStrategy {
  return {
    name: 'page-a-human',
    placement: 'attempt',
    async execute(ctx, next) {
      const outcome = await next();
      if (outcome.ok || ctx.attempts < 2) return outcome;
      await page(`payment failed ${ctx.attempts} times: ${outcome.error.message}`);
      ctx.record({ kind: 'page', detail: 'paged the on-call human' });
      ctx.stop('a human is looking at the payment');
      return outcome;
    },
  };
}

export async function pageAHumanScenario(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let charges = 0;
  const pages: string[] = [];
  const charge = async ({ amount }: { amount: number }) => {
    charges++;
    throw Object.assign(new Error(`payment provider unavailable (charge of ${amount})`), { status: 503 });
  };
  const page = async (message: string) => {
    pages.push(message);
  };
  const result = await executeWithHealing(charge, { amount: 42 }, { retry: { maxAttempts: 5, minDelayMs: 1, maxDelayMs: 5 }, strategies: [pageAHuman(page)] });
  const giveUp = result.healingActions.at(-1);
  log(`  status ${result.status}, charges ${charges}, pages ${pages.length}: ${pages.join('; ')}`);
  for (const action of result.healingActions) log(`  action ${action.kind}: ${action.reason ?? ''} ${action.detail ?? ''}`);

  const expect = new Expectations();
  expect.equal('status', result.status, 'error');
  expect.equal('give-up reason', giveUp?.kind === 'give_up' ? giveUp.reason : undefined, 'stopped');
  expect.equal('charges', charges, 2);
  expect.equal('pages', pages.length, 1);
  return expect.report('an attempt strategy pages a human after two failed payments and stops healing');
}

runStandalone(import.meta.url, pageAHumanScenario);
