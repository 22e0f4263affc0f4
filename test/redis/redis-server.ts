import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** How to run the Redis suite where redis-server is missing. */
export const ENABLE_REDIS_SUITE = 'install it (Debian/Ubuntu: apt-get update && apt-get install -y redis-server) or point REDIS_SERVER_BIN at one, and run npm test again; CI (.ci/run) installs it and always runs the suite';

/** The redis-server binary: `REDIS_SERVER_BIN`, else `redis-server` on PATH. */
const REDIS_SERVER = process.env.REDIS_SERVER_BIN || 'redis-server';

/** Whether the redis-server binary runs. */
export function hasRedisServer(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A port nobody listens on now: bind port 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` every few ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A throwaway redis-server on 127.0.0.1 and a free port, with no persistence (`--save ''
 * --appendonly no`): what the tests start, kill, restart and stop.
 */
export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number, private readonly extraArgs: readonly string[]) {}

  /** Starts one on `port` (default: a free one), with `extraArgs` after the usual ones. */
  static async start(extraArgs: readonly string[] = [], port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), extraArgs);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  async launch(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--protected-mode', 'yes', '--loglevel', 'warning', ...this.extraArgs], { stdio: 'ignore' });
    this.process = child;
    await waitFor(`redis-server on port ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      return ping(this.port);
    });
  }

  /** SIGKILLs the server (a crash) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    child.kill('SIGCONT'); // a frozen server would not die before it runs again
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOPs the server: it keeps its connections open and answers nothing (a frozen Redis). */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  /** SIGCONTs a frozen server. */
  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  /** Stops the server for good. */
  async stop(): Promise<void> {
    await this.kill();
  }
}

/** One PING over a plain socket: true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
