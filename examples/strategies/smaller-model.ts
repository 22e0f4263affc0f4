/**
 * Switching to a smaller model on a context-length error (a custom 'execution' strategy; in memory).
 *
 * A fake LLM refuses the prompt on the large model ("maximum context length exceeded"). The
 * 'execution' strategy sees the failed outcome of the whole retry loop, records a 'reconfigure'
 * action and runs it again with `model: 'small'`, which answers.
 *
 * Run it: `npx tsx examples/strategies/smaller-model.ts`
 */
import { executeWithHealing, type HealingStrategy } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from '../recovery/run-standalone.js';

interface Completion {
  model: 'large' | 'small';
  prompt: string;
}

const smallerModel: HealingStrategy<Completion> = {
  name: 'smaller-model',
  async execute(ctx, next) {
    const outcome = await next();
    if (outcome.ok || !/maximum context length/i.test(outcome.error.message)) return outcome;
    ctx.record({ kind: 'reconfigure', detail: 'context too long: switching to the small model' });
    return next({ ...ctx.args, model: 'small' });
  },
};

export async function smallerModelScenario(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const calls: string[] = [];
  const complete = async ({ model, prompt }: Completion) => {
    calls.push(model);
    if (model === 'large') throw new Error('This model\'s maximum context length is 8192 tokens');
    return `summary of ${prompt.length} characters by the ${model} model`;
  };
  const result = await executeWithHealing(complete, { model: 'large', prompt: 'a long document' }, { retry: { maxAttempts: 1 }, strategies: [smallerModel] });
  log(`  status ${result.status}, result ${JSON.stringify(result.result)}, models called ${calls.join(', ')}`);
  for (const action of result.healingActions) log(`  action ${action.kind}: ${action.detail ?? ''}`);

  const expect = new Expectations();
  expect.equal('status', result.status, 'ok');
  expect.equal('models called', calls, ['large', 'small']);
  expect.equal('reconfigure actions', result.healingActions.filter((a) => a.kind === 'reconfigure').length, 1);
  expect.equal('args of the last attempt', (result.args as Completion).model, 'small');
  return expect.report('an execution strategy reruns a too-long prompt on a smaller model');
}

runStandalone(import.meta.url, smallerModelScenario);
