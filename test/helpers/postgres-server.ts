import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitFor } from '../redis/redis-server.js';
import { stopChild } from './child-process.js';

/** How to run the PostgreSQL suite where the server binaries are missing. */
export const ENABLE_POSTGRES_SUITE = 'install them (Debian/Ubuntu: apt-get update && apt-get install -y postgresql) or point POSTGRES_BIN_DIR at the folder holding initdb and postgres, and run npm test again; CI (.ci/run) installs them and always runs the suite';

/** `POSTGRES_BIN_DIR`, else the newest Debian install (/usr/lib/postgresql/N/bin), else none. */
function findBinDir(): string | undefined {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

const BIN_DIR = findBinDir();

/** Whether initdb and postgres run here. */
export function hasPostgres(): boolean {
  return BIN_DIR !== undefined && spawnSync(join(BIN_DIR, 'postgres'), ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * PostgreSQL refuses to run as root. As root (CI, this machine) the server runs as the
 * `postgres` user Debian's package creates (else `nobody`), through util-linux's setpriv.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

function command(user: { uid: number; gid: number } | undefined, binary: string, args: string[]): [string, string[]] {
  const path = join(BIN_DIR!, binary);
  return user === undefined ? [path, args] : ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', path, ...args]];
}

/**
 * A throwaway PostgreSQL: `initdb` into a temp dir, the server on 127.0.0.1 and a free port with
 * its socket in that dir, no durability (fsync off). TCP logins need the password
 * (`scram-sha-256`), so a wrong one is a real authentication failure. `stop()` ends it and
 * removes the dir.
 */
export class PostgresServer {
  static readonly user = 'healer';
  static readonly password = 'secret-for-tests';

  private constructor(readonly port: number, private readonly dir: string, private readonly process: ChildProcess) {}

  static async start(): Promise<PostgresServer> {
    if (!hasPostgres()) throw new Error(`PostgreSQL binaries not found: ${ENABLE_POSTGRES_SUITE}`);
    const user = serverUser();
    const dir = mkdtempSync(join(tmpdir(), 'self-healing-pg-'));
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, PostgresServer.password);
    if (user) {
      chownSync(dir, user.uid, user.gid);
      chownSync(passwordFile, user.uid, user.gid);
    }
    const data = join(dir, 'data');
    const [initdb, initArgs] = command(user, 'initdb', ['-D', data, '-U', PostgresServer.user, `--pwfile=${passwordFile}`,
      '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C']);
    const init = spawnSync(initdb, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);

    const port = await freePort();
    const [postgres, args] = command(user, 'postgres', ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'shared_buffers=16MB',
      '-c', 'max_connections=20', '-c', 'deadlock_timeout=50ms', '-c', 'logging_collector=off', '-c', 'log_min_messages=fatal']);
    const child = spawn(postgres, args, { stdio: 'ignore' });
    const server = new PostgresServer(port, dir, child);
    try {
      await waitFor(`postgres on port ${port}`, async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
        return server.answers();
      }, 15_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Connection settings for `pg`: the right password unless another is given. */
  config(overrides: pg.ClientConfig = {}): pg.ClientConfig {
    return { host: '127.0.0.1', port: this.port, user: PostgresServer.user, password: PostgresServer.password, database: 'postgres', ...overrides };
  }

  /** The same settings as a connection string (what Prisma's adapter and most ORMs take). */
  url(overrides: { user?: string; password?: string; port?: number; database?: string } = {}): string {
    const { user, password, port, database } = { ...this.config(), ...overrides } as Required<typeof overrides>;
    return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  }

  /** A connected `pg` client; the caller ends it. */
  async connect(overrides: pg.ClientConfig = {}): Promise<pg.Client> {
    const client = new pg.Client(this.config(overrides));
    await client.connect();
    return client;
  }

  private async answers(): Promise<boolean> {
    const client = new pg.Client({ ...this.config(), connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Fast shutdown (SIGINT), then the temp dir goes. */
  async stop(): Promise<void> {
    await stopChild(this.process, 'SIGINT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
