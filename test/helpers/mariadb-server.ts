import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort, waitFor } from '../redis/redis-server.js';
import { stopChild } from './child-process.js';

/** How to run the MySQL suite where MariaDB is missing. */
export const ENABLE_MARIADB_SUITE = 'install it (Debian/Ubuntu: apt-get update && apt-get install -y --no-install-recommends mariadb-server) or point MARIADBD_BIN and MARIADB_INSTALL_DB_BIN at one, and run npm test again; CI (.ci/run) installs it and always runs the suite';

const MARIADBD = process.env.MARIADBD_BIN || 'mariadbd';
const INSTALL_DB = process.env.MARIADB_INSTALL_DB_BIN || 'mariadb-install-db';

/** Whether mariadbd and mariadb-install-db run here. */
export function hasMariadb(): boolean {
  // mariadb-install-db has no harmless probe (--help exits 1, --version looks at the default
  // datadir): look it up on PATH instead.
  return spawnSync(MARIADBD, ['--version'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('sh', ['-c', 'command -v "$0"', INSTALL_DB], { stdio: 'ignore' }).status === 0;
}

/**
 * A throwaway MariaDB: `mariadb-install-db` into a temp dir, `mariadbd` on 127.0.0.1 and a free
 * port with its socket in that dir, no binary log, a small buffer pool. `root` logs in without a
 * password over TCP. `stop()` ends it and removes the dir.
 */
export class MariadbServer {
  private constructor(readonly port: number, private readonly dir: string, private readonly process: ChildProcess) {}

  static async start(): Promise<MariadbServer> {
    if (!hasMariadb()) throw new Error(`MariaDB not found: ${ENABLE_MARIADB_SUITE}`);
    const dir = mkdtempSync(join(tmpdir(), 'self-healing-mariadb-'));
    const data = join(dir, 'data');
    // mariadbd refuses to run as root unless told to, explicitly.
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    const install = spawnSync(INSTALL_DB, ['--no-defaults', `--datadir=${data}`, ...asRoot, '--auth-root-authentication-method=normal',
      '--skip-test-db', '--skip-name-resolve'], { encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`mariadb-install-db failed (${install.status}): ${install.stderr}`);
    const port = await freePort();
    const child = spawn(MARIADBD, ['--no-defaults', `--datadir=${data}`, `--socket=${join(dir, 'socket')}`, `--port=${port}`,
      '--bind-address=127.0.0.1', ...asRoot, '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=16M',
      `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'error.log')}`, '--innodb-flush-log-at-trx-commit=0'], { stdio: 'ignore' });
    const server = new MariadbServer(port, dir, child);
    try {
      await waitFor(`mariadbd on port ${port}`, async () => {
        if (child.exitCode !== null) throw new Error(`mariadbd exited with code ${child.exitCode}`);
        return server.answers();
      }, 15_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Connection settings for mysql2. */
  config(overrides: mysql.ConnectionOptions = {}): mysql.ConnectionOptions {
    return { host: '127.0.0.1', port: this.port, user: 'root', ...overrides };
  }

  private async answers(): Promise<boolean> {
    try {
      const connection = await mysql.createConnection({ ...this.config(), connectTimeout: 1_000 });
      await connection.end();
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM (a clean shutdown), then the temp dir goes. */
  async stop(): Promise<void> {
    await stopChild(this.process, 'SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
