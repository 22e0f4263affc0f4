import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { SharedCircuitBreakerOptions } from '../../src/fleet/index.js';
import { waitFor } from './redis-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

/** A request the dependency received: who sent it and what its breaker believed at that moment. */
export interface DependencyRequest {
  worker: string;
  state: string;
  generation: number;
  at: number;
}

/** The one dependency the whole fleet calls: an HTTP server answering `status`, logging every request. */
export class Dependency {
  /** The status answered to everyone, unless `failing` is set. */
  status = 503;
  /** When set, only these workers get 503; the others get 200 (a problem on their side, not the dependency's). */
  failing: Set<string> | undefined = undefined;
  readonly requests: DependencyRequest[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<Dependency> {
    let dependency: Dependency | undefined;
    const server = createServer((request, response) => {
      dependency!.requests.push({
        worker: String(request.headers['x-worker']), state: String(request.headers['x-state']),
        generation: Number(request.headers['x-generation']), at: Date.now(),
      });
      const worker = String(request.headers['x-worker']);
      const failing = dependency!.failing;
      response.writeHead(failing === undefined ? dependency!.status : failing.has(worker) ? 503 : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    dependency = new Dependency(server, `http://127.0.0.1:${port}/`);
    return dependency;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A JSON line a worker printed. */
export type WorkerMessage = { type: string; worker: string; t: number } & Record<string, any>;

/** One worker process (test/redis/fleet-worker.ts) and everything it printed. */
export class Worker {
  readonly messages: WorkerMessage[] = [];
  private stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(readonly id: string, config: { redisPort: number; dependencyUrl: string; namespace: string; options: SharedCircuitBreakerOptions }) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: root, stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, FLEET_WORKER: JSON.stringify({ ...config, instanceId: id }) },
    });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) this.messages.push(JSON.parse(line) as WorkerMessage);
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  send(command: object): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** The first message (after `from`) matching `match`, waiting for it up to `timeoutMs`. */
  async next(match: (message: WorkerMessage) => boolean, timeoutMs = 5_000, from = 0): Promise<WorkerMessage> {
    let found: WorkerMessage | undefined;
    await waitFor(`worker ${this.id}: a matching message (stderr: ${this.stderr.slice(-500)})`, () => {
      if (this.child.exitCode !== null && this.child.exitCode !== 0) throw new Error(`worker ${this.id} exited with ${this.child.exitCode}: ${this.stderr}`);
      found = this.messages.slice(from).find(match);
      return found !== undefined;
    }, timeoutMs);
    return found!;
  }

  /** Sends a command and waits for its answer of type `answer`. */
  async ask(command: object, answer: string, timeoutMs = 5_000): Promise<WorkerMessage> {
    const from = this.messages.length;
    this.send(command);
    return this.next((message) => message.type === answer, timeoutMs, from);
  }

  /** Switches it to a fresh breaker in `namespace` with `options`. */
  async configure(namespace: string, options: SharedCircuitBreakerOptions): Promise<WorkerMessage> {
    return this.ask({ cmd: 'configure', namespace, options }, 'configured');
  }

  /** The breaker's state, asked now. */
  async state(): Promise<string> {
    return (await this.ask({ cmd: 'stats' }, 'stats')).state as string;
  }

  /** Asks it to close and exit; kills it if it does not exit within 5 s. Returns its stderr. */
  async exit(): Promise<string> {
    if (this.child.exitCode === null) {
      this.send({ cmd: 'exit' });
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    return this.stderr;
  }
}

/** Starts `count` workers and waits until each has joined the store (`ready`). */
export async function startWorkers(count: number, config: ConstructorParameters<typeof Worker>[1], prefix = 'w'): Promise<Worker[]> {
  const workers = Array.from({ length: count }, (_, i) => new Worker(`${prefix}${i + 1}`, config));
  await Promise.all(workers.map((worker) => worker.next((message) => message.type === 'ready', 20_000)));
  return workers;
}
