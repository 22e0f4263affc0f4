/**
 * PostgreSQL errors through the real `pg` client against a real PostgreSQL (Debian's binaries),
 * initdb'd into a temp dir and started on 127.0.0.1 and a free port by the suite. Skipped with a
 * printed reason where the binaries are missing; under CI=true that is a failure.
 */
import { type AddressInfo, connect as connectTcp, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorClassifier, HealingPipeline } from '../../../src/index.js';
import { ENABLE_POSTGRES_SUITE, hasPostgres, PostgresServer } from '../../helpers/postgres-server.js';
import { freePort, waitFor } from '../../redis/redis-server.js';
import { thrown } from './thrown.js';

const available = hasPostgres();
const inCI = process.env.CI === 'true';
if (!available && !inCI) {
  console.warn(`\n[self-healing] PostgreSQL suite SKIPPED: initdb/postgres not found. To run it, ${ENABLE_POSTGRES_SUITE}.\n`);
}

describe('PostgreSQL is installed where its suite must run', () => {
  it.runIf(inCI)('finds initdb and postgres (CI always runs the PostgreSQL suite; .ci/run installs them)', () => {
    expect(available, `PostgreSQL is missing: ${ENABLE_POSTGRES_SUITE}`).toBe(true);
  });
});

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });

describe.skipIf(!available)('PostgreSQL errors through pg, classified', { timeout: 20_000 }, () => {
  let server: PostgresServer;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    server = await PostgresServer.start();
    const admin = await connect();
    await admin.query('CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL, credits int NOT NULL DEFAULT 0)');
    await admin.query("INSERT INTO users (id, email) VALUES (1, 'ada@example.com'), (2, 'bob@example.com')");
  }, 30_000);

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => {});
    await server?.stop();
  });

  async function connect(): Promise<pg.Client> {
    const client = await server.connect();
    client.on('error', () => {}); // a terminated backend also emits 'error'; the query's rejection is what we test
    clients.push(client);
    return client;
  }

  function verdict(error: unknown) {
    const { disposition, category, notProcessed } = classifier.classify(error);
    return { disposition, category, notProcessed };
  }

  it.each([
    ['23505 unique violation', 'permanent', 'conflict', "INSERT INTO users (id, email) VALUES (3, 'ada@example.com')", '23505'],
    ['23502 not-null violation', 'permanent', 'constraint', 'INSERT INTO users (id, email) VALUES (4, NULL)', '23502'],
    ['42P01 undefined table', 'permanent', 'invalid_query', 'SELECT * FROM no_such_table', '42P01'],
    ['42601 syntax error', 'permanent', 'invalid_query', 'SELEC 1', '42601'],
    ['22P02 a value of the wrong type', 'recoverable', 'invalid_request', "SELECT * FROM users WHERE id = 'seven'", '22P02'],
  ] as const)('%s is %s / %s, not retried', async (_, disposition, category, sql, code) => {
    const client = await connect();
    const error = await thrown(() => client.query(sql));
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).code).toBe(code);
    expect(verdict(error)).toEqual({ disposition, category, notProcessed: undefined });
  });

  it('40001: the loser of two concurrent serializable transactions is transient, rolled back, and stays transient under unknownDisposition permanent', async () => {
    const [first, second] = [await connect(), await connect()];
    await first.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    await first.query('SELECT credits FROM users WHERE id = 1'); // the snapshot is taken
    await second.query('UPDATE users SET credits = credits + 1 WHERE id = 1'); // commits at once
    const error = await thrown(() => first.query('UPDATE users SET credits = credits + 10 WHERE id = 1'));
    await first.query('ROLLBACK');
    expect((error as pg.DatabaseError).code).toBe('40001');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'serialization_failure', notProcessed: true });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it('40P01: a real deadlock is transient and rolled back (notProcessed)', async () => {
    const [first, second] = [await connect(), await connect()];
    await first.query('BEGIN');
    await second.query('BEGIN');
    await first.query('UPDATE users SET credits = 1 WHERE id = 1');
    await second.query('UPDATE users SET credits = 2 WHERE id = 2');
    // Each now waits for the other's row; PostgreSQL aborts one of them after deadlock_timeout.
    const outcomes = await Promise.allSettled([
      first.query('UPDATE users SET credits = 1 WHERE id = 2'),
      second.query('UPDATE users SET credits = 2 WHERE id = 1'),
    ]);
    await first.query('ROLLBACK');
    await second.query('ROLLBACK');
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as pg.DatabaseError);
    expect(failures.map((failure) => failure.code)).toEqual(['40P01']);
    expect(verdict(failures[0])).toEqual({ disposition: 'transient', category: 'deadlock', notProcessed: true });
    expect(strict.classify(failures[0]).disposition).toBe('transient');
  });

  it('55P03: a lock not available (NOWAIT) is transient lock_timeout', async () => {
    const [holder, waiter] = [await connect(), await connect()];
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM users WHERE id = 1 FOR UPDATE');
    const error = await thrown(() => waiter.query('SELECT * FROM users WHERE id = 1 FOR UPDATE NOWAIT'));
    await holder.query('ROLLBACK');
    expect((error as pg.DatabaseError).code).toBe('55P03');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'lock_timeout', notProcessed: true });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it('57P01: a backend terminated in mid-query is transient, but not marked as not processed', async () => {
    const [victim, admin] = [await connect(), await connect()];
    const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const running = thrown(() => victim.query('SELECT pg_sleep(30)'));
    await waitFor('the victim to run pg_sleep', async () => {
      const activity = await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [rows[0]!.pid]);
      return activity.rowCount === 1;
    });
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    const error = await running;
    expect((error as pg.DatabaseError).code).toBe('57P01');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: undefined });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it('28P01: a wrong password is permanent auth; 3D000: a missing database is permanent not_found', async () => {
    const wrongPassword = new pg.Client(server.config({ password: 'wrong' }));
    const passwordError = await thrown(() => wrongPassword.connect());
    expect((passwordError as pg.DatabaseError).code).toBe('28P01');
    expect(verdict(passwordError)).toEqual({ disposition: 'permanent', category: 'auth', notProcessed: undefined });

    const missingDatabase = new pg.Client(server.config({ database: 'no_such_db' }));
    const databaseError = await thrown(() => missingDatabase.connect());
    expect((databaseError as pg.DatabaseError).code).toBe('3D000');
    expect(verdict(databaseError)).toEqual({ disposition: 'permanent', category: 'not_found', notProcessed: undefined });
  });

  it("pg's own errors without a code: no pooled connection in time, a client whose connection broke; both transient and never sent", async () => {
    const pool = new pg.Pool({ ...server.config(), max: 1, connectionTimeoutMillis: 200 });
    pool.on('error', () => {});
    const busy = await pool.connect(); // the pool's only connection
    const poolError = await thrown(() => pool.query('SELECT 1'));
    busy.release();
    await pool.end();
    expect((poolError as Error).message).toBe('timeout exceeded when trying to connect');
    expect(verdict(poolError)).toEqual({ disposition: 'transient', category: 'timeout', notProcessed: true });

    const [victim, admin] = [await connect(), await connect()];
    const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => victim.once('end', resolve)); // after its 'error' (57P01)
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await ended;
    const brokenError = await thrown(() => victim.query('SELECT 1'));
    expect((brokenError as Error).message).toBe('Client has encountered a connection error and is not queryable');
    expect(verdict(brokenError)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
    expect(strict.classify(brokenError).disposition).toBe('transient');
  });

  it('a connection dropped under a query (a failover, a load balancer\'s cut) is transient network, but not marked as not processed', async () => {
    // A TCP proxy in front of the server, whose sockets are destroyed while the query runs.
    const sockets: Socket[] = [];
    const proxy = createServer((inbound) => {
      const outbound = connectTcp(server.port, '127.0.0.1');
      sockets.push(inbound, outbound);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => {});
      outbound.on('error', () => {});
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const client = new pg.Client(server.config({ port: (proxy.address() as AddressInfo).port }));
    client.on('error', () => {});
    await client.connect();
    const admin = await connect();
    const running = thrown(() => client.query("SELECT pg_sleep(30) AS dropped"));
    await waitFor('the query to run', async () => (await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%AS dropped'")).rowCount === 1);
    for (const socket of sockets) socket.destroy();
    const error = await running;
    proxy.close();
    expect((error as Error).message).toBe('Connection terminated unexpectedly');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: undefined });
    expect(strict.classify(error).disposition).toBe('transient'); // a connection failure, retried even when unknowns are not
  });

  it("pg's errors for a misconfigured or closed client are permanent and never sent", async () => {
    const noPassword = new pg.Client(server.config({ password: undefined }));
    const passwordError = await thrown(() => noPassword.connect());
    expect((passwordError as Error).message).toBe('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string');
    expect(verdict(passwordError)).toEqual({ disposition: 'permanent', category: 'auth', notProcessed: true });

    const tls = new pg.Client(server.config({ ssl: true }));
    const tlsError = await thrown(() => tls.connect());
    expect((tlsError as Error).message).toBe('The server does not support SSL connections');
    expect(verdict(tlsError)).toEqual({ disposition: 'permanent', category: 'unsupported', notProcessed: true });

    const closed = await connect();
    await closed.end();
    const closedError = await thrown(() => closed.query('SELECT 1'));
    expect((closedError as Error).message).toBe('Client was closed and is not queryable');
    expect(verdict(closedError)).toEqual({ disposition: 'permanent', category: 'client_closed', notProcessed: true });

    const pool = new pg.Pool(server.config());
    await pool.end();
    const poolError = await thrown(() => pool.query('SELECT 1'));
    expect((poolError as Error).message).toBe('Cannot use a pool after calling end on the pool');
    expect(verdict(poolError)).toEqual({ disposition: 'permanent', category: 'client_closed', notProcessed: true });
  });

  it('a refused connection is transient network and provably not processed', async () => {
    const refused = new pg.Client(server.config({ port: await freePort() }));
    const error = await thrown(() => refused.connect());
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
  });

  it('in the pipeline, a serialization failure is retried (even with unknownDisposition permanent) and a unique violation is not', async () => {
    const pipeline = new HealingPipeline({ classifier: strict, retry: { maxAttempts: 3, minDelayMs: 0 } });
    const [worker, rival] = [await connect(), await connect()];
    let attempts = 0;
    const addCredit = async () => {
      attempts++;
      await worker.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      try {
        await worker.query('SELECT credits FROM users WHERE id = 2');
        if (attempts === 1) await rival.query('UPDATE users SET credits = credits + 1 WHERE id = 2');
        await worker.query('UPDATE users SET credits = credits + 5 WHERE id = 2');
        await worker.query('COMMIT');
        return attempts;
      } catch (error) {
        await worker.query('ROLLBACK');
        throw error;
      }
    };
    const healed = await pipeline.execute(addCredit, {});
    expect(healed.status).toBe('ok');
    expect(attempts).toBe(2);

    let inserts = 0;
    const duplicate = await pipeline.execute(() => { inserts++; return worker.query("INSERT INTO users (id, email) VALUES (9, 'bob@example.com')"); }, {});
    expect(duplicate.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    expect(inserts).toBe(1);
  });
});
