/**
 * Restarting a crashed tool process (a custom 'attempt' strategy; real child processes, real time).
 *
 * A tool runs in a child process that answers JSON lines on stdin/stdout. Before the first call
 * the process dies, so the call fails ("tool process exited"). The 'attempt' strategy sees the
 * failed attempt, spawns a new process, records a 'restart' action and calls next() again: the
 * same call succeeds on the fresh process. Every child is killed at the end.
 *
 * Run it: `npx tsx examples/strategies/restart-tool-process.ts`
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HealingPipeline, type HealingStrategy } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from '../recovery/run-standalone.js';

/** The tool: reads `{ "text": ... }` lines, answers `{ "upper": ... }` lines. */
const TOOL_SCRIPT = `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const { text } = JSON.parse(line);
  process.stdout.write(JSON.stringify({ upper: text.toUpperCase() }) + '\\n');
});`;

/**
 * One tool process; `call` fails when the process has exited. Calls may overlap: the tool
 * answers lines in the order it got them, so each answer goes to the oldest waiting call.
 */
export class ToolProcess {
  readonly child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-e', TOOL_SCRIPT]);
  readonly #waiting: Array<{ resolve: (answer: { upper: string }) => void; reject: (error: Error) => void }> = [];
  readonly exited = new Promise<void>((resolve) => this.child.once('exit', () => {
    for (const call of this.#waiting.splice(0)) call.reject(new Error('tool process exited'));
    resolve();
  }));

  constructor() {
    createInterface({ input: this.child.stdout }).on('line', (line) => this.#waiting.shift()?.resolve(JSON.parse(line) as { upper: string }));
    // A write racing the exit fails with EPIPE; the exit already rejected the call.
    this.child.stdin.on('error', () => {});
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  call(text: string): Promise<{ upper: string }> {
    if (!this.alive) return Promise.reject(new Error('tool process exited'));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ text })}\n`);
    });
  }

  async kill(): Promise<void> {
    if (this.alive) this.child.kill();
    await this.exited;
  }
}

export async function restartToolProcess(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const started: ToolProcess[] = [new ToolProcess()];
  let tool = started[0]!;
  try {
    await tool.kill(); // the tool crashes before the first call
    log(`  tool process ${tool.child.pid} died`);

    const restartTool: HealingStrategy = {
      name: 'restart-tool',
      placement: 'attempt',
      async execute(ctx, next) {
        const outcome = await next();
        if (outcome.ok || tool.alive) return outcome;
        tool = new ToolProcess();
        started.push(tool);
        ctx.record({ kind: 'restart', detail: `respawned the tool process (pid ${tool.child.pid})` });
        return next();
      },
    };
    const pipeline = new HealingPipeline({ retry: { maxAttempts: 1 }, strategies: [restartTool] });
    const result = await pipeline.execute((text: string) => tool.call(text), 'hello');
    log(`  status ${result.status}, result ${JSON.stringify(result.result)}, attempts ${result.attempts}`);
    for (const action of result.healingActions) log(`  action ${action.kind}: ${action.detail ?? ''}`);

    const expect = new Expectations();
    expect.equal('status', result.status, 'ok');
    expect.equal('result', result.result, { upper: 'HELLO' });
    expect.equal('attempts', result.attempts, 2);
    expect.equal('restart actions', result.healingActions.filter((a) => a.kind === 'restart').length, 1);
    expect.equal('processes started', started.length, 2);
    return expect.report('an attempt strategy restarts a crashed tool process and the call succeeds');
  } finally {
    await Promise.all(started.map((child) => child.kill()));
  }
}

runStandalone(import.meta.url, restartToolProcess);
