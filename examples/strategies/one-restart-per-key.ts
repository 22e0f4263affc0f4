/**
 * Twenty calls, one restart (oneRecoveryPerKey; real child processes, real time).
 *
 * Twenty calls share one tool process, which dies: all twenty fail at once ("tool process
 * exited"). A per-call restart strategy would spawn twenty processes. Under
 * `oneRecoveryPerKey` the first failure respawns the process (and waits until it answers), the
 * other nineteen wait for that same restart, then every call retries on the new process.
 *
 * Run it: `npx tsx examples/strategies/one-restart-per-key.ts`
 */
import { CircuitBreakerRegistry, HealingPipeline, oneRecoveryPerKey } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from '../recovery/run-standalone.js';
import { ToolProcess } from './restart-tool-process.js';

export async function oneRestartPerKey(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const started: ToolProcess[] = [new ToolProcess()];
  let tool = started[0]!;
  try {
    await tool.kill(); // the shared tool process dies before the calls
    log(`  tool process ${tool.child.pid} died; 20 calls arrive`);

    const restartOnce = oneRecoveryPerKey({
      kind: 'restart',
      recover: async () => {
        tool = new ToolProcess();
        started.push(tool);
        await tool.call('ping'); // up when it answers
        log(`  respawned the tool process (pid ${tool.child.pid})`);
      },
    });
    // Its own registry: the breaker opens on the twenty failures, the restart closes it again.
    const pipeline = new HealingPipeline({ registry: new CircuitBreakerRegistry(), circuitName: 'tool-process', retry: { maxAttempts: 1 }, strategies: [restartOnce] });
    const texts = Array.from({ length: 20 }, (_, i) => `call ${i}`);
    const results = await Promise.all(texts.map((text) => pipeline.execute((t: string) => tool.call(t), text)));
    const restarts = results.flatMap((r) => r.healingActions.filter((a) => a.kind === 'restart'));
    log(`  ${results.filter((r) => r.status === 'ok').length} ok; restart actions: ${restarts.filter((a) => a.reason === 'ran').length} ran, ` +
      `${restarts.filter((a) => a.reason === 'waited').length} waited`);

    const expect = new Expectations();
    expect.equal('statuses', [...new Set(results.map((r) => r.status))], ['ok']);
    expect.equal('results', results.map((r) => (r.result as { upper: string } | undefined)?.upper), texts.map((t) => t.toUpperCase()));
    expect.equal('processes started', started.length, 2);
    expect.equal('executions that ran the restart', restarts.filter((a) => a.reason === 'ran').length, 1);
    expect.equal('executions that waited for it', restarts.filter((a) => a.reason === 'waited').length, 19);
    return expect.report('twenty calls failing on one dead tool process restart it once');
  } finally {
    await Promise.all(started.map((child) => child.kill()));
  }
}

runStandalone(import.meta.url, oneRestartPerKey);
