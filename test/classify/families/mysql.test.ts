/**
 * MySQL-protocol errors through the real mysql2 client against a real MariaDB (Debian's
 * mariadb-server), installed into a temp dir and started on 127.0.0.1 and a free port by the
 * suite. Skipped with a printed reason where MariaDB is missing; under CI=true that is a failure.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';
import { ENABLE_MARIADB_SUITE, hasMariadb, MariadbServer } from '../../helpers/mariadb-server.js';
import { freePort, waitFor } from '../../redis/redis-server.js';
import { thrown } from './thrown.js';

const available = hasMariadb();
const inCI = process.env.CI === 'true';
if (!available && !inCI) {
  console.warn(`\n[self-healing] MySQL (MariaDB) suite SKIPPED: mariadbd not found. To run it, ${ENABLE_MARIADB_SUITE}.\n`);
}

describe('MariaDB is installed where its suite must run', () => {
  it.runIf(inCI)('finds mariadbd and mariadb-install-db (CI always runs the MySQL suite; .ci/run installs them)', () => {
    expect(available, `MariaDB is missing: ${ENABLE_MARIADB_SUITE}`).toBe(true);
  });
});

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
function verdict(error: unknown) {
  const { disposition, category, notProcessed } = classifier.classify(error);
  return { disposition, category, notProcessed };
}

describe.skipIf(!available)('MySQL errors through mysql2 (MariaDB), classified', { timeout: 20_000 }, () => {
  let server: MariadbServer;
  const connections: mysql.Connection[] = [];

  beforeAll(async () => {
    server = await MariadbServer.start();
    const admin = await connect();
    await admin.query('CREATE DATABASE shop');
    await admin.query('CREATE TABLE shop.users (id INT PRIMARY KEY, email VARCHAR(16) NOT NULL UNIQUE, credits INT NOT NULL DEFAULT 0) ENGINE=InnoDB');
    await admin.query("INSERT INTO shop.users (id, email) VALUES (1, 'ada@example.com'), (2, 'bob@example.com')");
    await admin.query('CREATE TABLE shop.orders (id INT PRIMARY KEY, qty INT NOT NULL, placed DATETIME NULL, CONSTRAINT positive CHECK (qty > 0)) ENGINE=InnoDB');
  }, 30_000);

  afterAll(async () => {
    for (const connection of connections) connection.destroy();
    await server?.stop();
  });

  async function connect(): Promise<mysql.Connection> {
    const connection = await mysql.createConnection(server.config());
    connection.on('error', () => {}); // a killed connection also emits 'error'
    connections.push(connection);
    return connection;
  }

  it.each([
    ['ER_DUP_ENTRY (1062)', 'permanent', 'conflict', "INSERT INTO shop.users (id, email) VALUES (3, 'ada@example.com')", 1062],
    ['ER_BAD_NULL_ERROR (1048)', 'permanent', 'constraint', 'INSERT INTO shop.users (id, email) VALUES (4, NULL)', 1048],
    ['ER_NO_SUCH_TABLE (1146)', 'permanent', 'invalid_query', 'SELECT * FROM shop.no_such_table', 1146],
    ['ER_PARSE_ERROR (1064)', 'permanent', 'invalid_query', 'SELEC 1', 1064],
    ['ER_DATA_TOO_LONG (1406)', 'recoverable', 'invalid_request', "INSERT INTO shop.users (id, email) VALUES (5, 'a-much-too-long-address@example.com')", 1406],
    // MariaDB's CHECK violation (MySQL's is 3819; mysql2 names 4025 after a MySQL error of that number).
    ['a CHECK violation (MariaDB 4025)', 'permanent', 'constraint', 'INSERT INTO shop.orders (id, qty) VALUES (1, 0)', 4025],
    ['ER_NO_DEFAULT_FOR_FIELD (1364)', 'recoverable', 'invalid_request', 'INSERT INTO shop.orders (id) VALUES (2)', 1364],
    // Not listed by number: decided by the SQLSTATE's class, 22 (data exception) and 21 (cardinality).
    ['an incorrect datetime (1292, SQLSTATE 22007)', 'recoverable', 'invalid_request', "INSERT INTO shop.orders (id, qty, placed) VALUES (3, 1, 'next tuesday')", 1292],
    ['a column count that does not match (1136, SQLSTATE 21S01)', 'permanent', 'invalid_query', 'INSERT INTO shop.orders (id, qty) VALUES (4)', 1136],
  ] as const)('%s is %s / %s', async (_, disposition, category, sql, errno) => {
    const connection = await connect();
    const error = await thrown(() => connection.query(sql));
    expect((error as { errno?: number }).errno).toBe(errno);
    expect(verdict(error)).toEqual({ disposition, category, notProcessed: undefined });
  });

  it('a user over its connection limit (1226, SQLSTATE 42000) is transient unavailable and never sent, not a query error', async () => {
    const admin = await connect();
    for (const host of ['%', 'localhost']) await admin.query(`CREATE USER 'limited'@'${host}' IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS 1`);
    const first = await mysql.createConnection(server.config({ user: 'limited', password: 'pw' }));
    connections.push(first);
    const error = await thrown(() => mysql.createConnection(server.config({ user: 'limited', password: 'pw' })));
    expect((error as { errno?: number; sqlState?: string })).toMatchObject({ errno: 1226, sqlState: '42000' });
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
  });

  it('a query on a pool the application ended is permanent client_closed, never sent', async () => {
    const pool = mysql.createPool(server.config());
    await pool.end();
    const error = await thrown(() => pool.query('SELECT 1'));
    expect((error as Error).message).toBe('Pool is closed.');
    expect(verdict(error)).toEqual({ disposition: 'permanent', category: 'client_closed', notProcessed: true });
  });

  it('ER_LOCK_DEADLOCK (1213): a real deadlock is transient, rolled back (notProcessed), and transient under unknownDisposition permanent', async () => {
    const [first, second] = [await connect(), await connect()];
    await first.query('START TRANSACTION');
    await second.query('START TRANSACTION');
    await first.query('UPDATE shop.users SET credits = 1 WHERE id = 1');
    await second.query('UPDATE shop.users SET credits = 2 WHERE id = 2');
    const outcomes = await Promise.allSettled([
      first.query('UPDATE shop.users SET credits = 1 WHERE id = 2'),
      second.query('UPDATE shop.users SET credits = 2 WHERE id = 1'),
    ]);
    await first.query('ROLLBACK');
    await second.query('ROLLBACK');
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as { code?: string });
    expect(failures.map((failure) => failure.code)).toEqual(['ER_LOCK_DEADLOCK']);
    expect(verdict(failures[0])).toEqual({ disposition: 'transient', category: 'deadlock', notProcessed: true });
    expect(strict.classify(failures[0]).disposition).toBe('transient');
  });

  it('ER_LOCK_WAIT_TIMEOUT (1205, from NOWAIT) is transient, but not marked: only the statement was rolled back', async () => {
    const [holder, waiter] = [await connect(), await connect()];
    await holder.query('START TRANSACTION');
    await holder.query('SELECT * FROM shop.users WHERE id = 1 FOR UPDATE');
    const error = await thrown(() => waiter.query('SELECT * FROM shop.users WHERE id = 1 FOR UPDATE NOWAIT'));
    await holder.query('ROLLBACK');
    expect((error as { code?: string }).code).toBe('ER_LOCK_WAIT_TIMEOUT');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'lock_timeout', notProcessed: undefined });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it('a connection killed in mid-query is transient; a command on the dead connection was never sent', async () => {
    const [victim, admin] = [await connect(), await connect()];
    const [[row]] = await victim.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
    const running = thrown(() => victim.query('SELECT SLEEP(30)'));
    await waitFor('the victim to sleep', async () => {
      const [rows] = await admin.query<mysql.RowDataPacket[]>("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'", [row!.id]);
      return rows.length === 1;
    });
    await admin.query(`KILL CONNECTION ${Number(row!.id)}`);
    const killed = await running;
    expect((killed as { code?: string }).code).toBe('PROTOCOL_CONNECTION_LOST');
    expect(verdict(killed)).toEqual({ disposition: 'transient', category: 'network', notProcessed: undefined });
    expect(strict.classify(killed).disposition).toBe('transient');

    const after = await thrown(() => victim.query('SELECT 1'));
    expect((after as Error).message).toBe("Can't add new command when connection is in closed state"); // mysql2 sets no code
    expect(verdict(after)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
  });

  it('ER_ACCESS_DENIED_ERROR (1045) is permanent auth; a refused connection is transient and not processed', async () => {
    const denied = await thrown(() => mysql.createConnection(server.config({ user: 'nobody', password: 'wrong' })));
    expect((denied as { errno?: number }).errno).toBe(1045);
    expect(verdict(denied)).toEqual({ disposition: 'permanent', category: 'auth', notProcessed: undefined });

    const closedPort = await freePort();
    const refused = await thrown(() => mysql.createConnection(server.config({ port: closedPort })));
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(verdict(refused)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
  });
});
