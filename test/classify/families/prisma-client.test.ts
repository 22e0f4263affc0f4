/**
 * Prisma Client errors from a real generated client (Prisma 7, `@prisma/adapter-pg`, the query
 * compiler: no engine download) against a real PostgreSQL started by the suite, as the
 * PostgreSQL suite starts one. The client is generated offline into a temp dir
 * (test/helpers/prisma-client.ts); the tables are created with `pg`, some on purpose unlike the
 * schema (a NOT NULL column the schema calls optional, a missing table and column), as after a
 * migration the client was not regenerated for.
 *
 * Skipped with a printed reason where the Prisma packages or the PostgreSQL binaries are missing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorClassifier, HealingPipeline } from '../../../src/index.js';
import { ENABLE_POSTGRES_SUITE, hasPostgres, PostgresServer } from '../../helpers/postgres-server.js';
import { ENABLE_PRISMA_SUITE, generatePrismaClient, loadPrismaPg, missingPrismaPackages, type GeneratedPrismaClient } from '../../helpers/prisma-client.js';
import { freePort } from '../../redis/redis-server.js';
import { thrown } from './thrown.js';

const missing = missingPrismaPackages();
const available = missing.length === 0 && hasPostgres();
if (missing.length > 0) console.warn(`\n[self-healing] Prisma Client suite SKIPPED: ${missing.join(', ')} not installed. To run it, ${ENABLE_PRISMA_SUITE}.\n`);
else if (!hasPostgres()) console.warn(`\n[self-healing] Prisma Client suite SKIPPED: initdb/postgres not found. To run it, ${ENABLE_POSTGRES_SUITE}.\n`);

const MODELS = `
model User {
  id      Int    @id
  email   String @unique
  name    String @db.VarChar(8)
  credits Int    @default(0)
  posts   Post[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model Profile {
  id  Int     @id
  bio String?
}
model Audit {
  id   Int     @id
  note String?
}
model Archive {
  id Int @id
}`;

const TABLES = [
  `CREATE TABLE "User" (id int PRIMARY KEY, email text UNIQUE NOT NULL, name varchar(8) NOT NULL CHECK (name <> ''), credits int NOT NULL DEFAULT 0)`,
  'CREATE TABLE "Post" (id int PRIMARY KEY, "authorId" int NOT NULL REFERENCES "User"(id))',
  'CREATE TABLE "Profile" (id int PRIMARY KEY, bio text NOT NULL)', // the schema says optional
  'CREATE TABLE "Audit" (id int PRIMARY KEY)', // no "note" column; no "Archive" table at all
  `INSERT INTO "User" (id, email, name) VALUES (1, 'ada@example.com', 'ada'), (2, 'bob@example.com', 'bob')`,
  "CREATE ROLE limited LOGIN PASSWORD 'limited' CONNECTION LIMIT 0",
  "CREATE ROLE reader LOGIN PASSWORD 'reader'", // granted nothing on the tables
];

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });

/** What the classifier says; a family's verdict is the same whatever `unknownDisposition` is. */
function verdict(error: unknown) {
  const { disposition, category, notProcessed } = classifier.classify(error);
  expect(strict.classify(error)).toMatchObject({ disposition, category });
  return { disposition, category, notProcessed };
}
const codeOf = (error: unknown) => {
  const { name, code } = error as { name: string; code?: string };
  return { name, code };
};

/** The generated client's surface these tests use. */
interface Delegate {
  create(args: unknown): Promise<unknown>;
  update(args: unknown): Promise<unknown>;
  findUnique(args: unknown): Promise<unknown>;
  findMany(args?: unknown): Promise<unknown>;
}
interface Client {
  user: Delegate; post: Delegate; profile: Delegate; audit: Delegate; archive: Delegate;
  $transaction<T>(run: (tx: Client) => Promise<T>, options?: { isolationLevel?: string; timeout?: number }): Promise<T>;
  $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  $disconnect(): Promise<void>;
}

describe.skipIf(!available)('Prisma Client errors through a real generated client and PostgreSQL, classified', { timeout: 20_000 }, () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let generated: GeneratedPrismaClient;
  const clients: Client[] = [];

  beforeAll(async () => {
    // Settled one by one, so whichever started is stopped by afterAll even when the other failed.
    const [started, made] = await Promise.allSettled([PostgresServer.start(), generatePrismaClient(MODELS)]);
    if (started.status === 'fulfilled') server = started.value;
    if (made.status === 'fulfilled') generated = made.value;
    if (started.status === 'rejected') throw started.reason;
    if (made.status === 'rejected') throw made.reason;
    admin = await server.connect();
    for (const sql of TABLES) await admin.query(sql);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) await client.$disconnect().catch(() => {});
    await admin?.end().catch(() => {});
    try {
      await server?.stop();
    } finally {
      generated?.remove();
    }
  });

  async function connect(url = server.url(), pool: Record<string, unknown> = {}): Promise<Client> {
    const PrismaPg = await loadPrismaPg();
    const PrismaClient = generated.module.PrismaClient as new (options: unknown) => Client;
    const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, ...pool }) });
    clients.push(client);
    return client;
  }

  it.each([
    ['P2002 a unique violation', 'P2002', (db: Client) => db.user.create({ data: { id: 3, email: 'ada@example.com', name: 'ada2' } }), 'permanent', 'conflict'],
    ['P2025 the record to update is not found', 'P2025', (db: Client) => db.user.update({ where: { id: 99 }, data: { credits: 1 } }), 'permanent', 'not_found'],
    ['P2003 a foreign key violation', 'P2003', (db: Client) => db.post.create({ data: { id: 1, authorId: 99 } }), 'permanent', 'constraint'],
    ['P2011 a NOT NULL column the schema calls optional', 'P2011', (db: Client) => db.profile.create({ data: { id: 1 } }), 'permanent', 'constraint'],
    ['P2000 a value too long for its column', 'P2000', (db: Client) => db.user.create({ data: { id: 4, email: 'cy@example.com', name: 'a name far too long' } }), 'recoverable', 'invalid_request'],
    ['P2021 a table that does not exist', 'P2021', (db: Client) => db.archive.findMany(), 'permanent', 'invalid_query'],
    ['P2022 a column that does not exist', 'P2022', (db: Client) => db.audit.findMany(), 'permanent', 'invalid_query'],
  ] as const)('%s is %s / %s', async (_, code, run, disposition, category) => {
    const error = await thrown(async () => run(await connect()));
    expect(codeOf(error)).toEqual({ name: 'PrismaClientKnownRequestError', code });
    expect(verdict(error)).toEqual({ disposition, category, notProcessed: undefined });
  });

  it('the database rejects the connection: P1000 wrong password, P1003 no such database (permanent), P2037 too many connections (transient, never sent)', async () => {
    const wrongPassword = await thrown(async () => (await connect(server.url({ password: 'wrong' }))).user.findMany());
    expect(codeOf(wrongPassword)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P1000' });
    expect(verdict(wrongPassword)).toEqual({ disposition: 'permanent', category: 'auth', notProcessed: undefined });
    expect(classifier.classify(wrongPassword).reason).toMatch(/P1000/); // Prisma's code decides, not the message's words
    const noDatabase = await thrown(async () => (await connect(server.url({ database: 'no_such_db' }))).user.findMany());
    expect(codeOf(noDatabase)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P1003' });
    expect(verdict(noDatabase)).toEqual({ disposition: 'permanent', category: 'not_found', notProcessed: undefined });
    const tooMany = await thrown(async () => (await connect(server.url({ user: 'limited', password: 'limited' }))).user.findMany());
    expect(codeOf(tooMany)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P2037' });
    expect(verdict(tooMany)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
  });

  it("P1001 can't reach the server (nobody listening): transient network, never sent", async () => {
    const error = await thrown(async () => (await connect(server.url({ port: await freePort() }))).user.findMany());
    expect(codeOf(error)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P1001' });
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
  });

  it('P2034: the loser of two serializable transactions, and a real deadlock, are transient write_conflict and rolled back', async () => {
    const db = await connect();
    const serialization = await thrown(() => db.$transaction(async (tx) => {
      await tx.user.findUnique({ where: { id: 1 } }); // the snapshot is taken
      await admin.query('UPDATE "User" SET credits = credits + 1 WHERE id = 1'); // commits at once
      await tx.user.update({ where: { id: 1 }, data: { credits: { increment: 10 } } });
    }, { isolationLevel: 'Serializable' }));
    expect(codeOf(serialization)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P2034' });
    expect(verdict(serialization)).toEqual({ disposition: 'transient', category: 'write_conflict', notProcessed: true });

    // Each transaction locks one row, then waits for the other's: PostgreSQL aborts one of them.
    let firstLocked!: () => void;
    let secondLocked!: () => void;
    const locked = [new Promise<void>((resolve) => (firstLocked = resolve)), new Promise<void>((resolve) => (secondLocked = resolve))];
    const outcomes = await Promise.allSettled([
      db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: 1 }, data: { credits: 5 } });
        firstLocked();
        await locked[1];
        await tx.user.update({ where: { id: 2 }, data: { credits: 5 } });
      }),
      db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: 2 }, data: { credits: 6 } });
        secondLocked();
        await locked[0];
        await tx.user.update({ where: { id: 1 }, data: { credits: 6 } });
      }),
    ]);
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown);
    expect(failures.map(codeOf)).toEqual([{ name: 'PrismaClientKnownRequestError', code: 'P2034' }]);
    expect((failures[0] as { meta: { driverAdapterError: { cause: { originalCode: string } } } }).meta.driverAdapterError.cause.originalCode).toBe('40P01');
    expect(verdict(failures[0])).toEqual({ disposition: 'transient', category: 'write_conflict', notProcessed: true });
  });

  it('a missing required argument is a PrismaClientValidationError (no code): recoverable, never retried as is', async () => {
    const error = await thrown(async () => (await connect()).user.create({ data: { id: 5, name: 'eve' } }));
    expect(codeOf(error)).toEqual({ name: 'PrismaClientValidationError', code: undefined });
    expect(verdict(error)).toEqual({ disposition: 'recoverable', category: 'invalid_request', notProcessed: undefined });
  });

  it('a database error Prisma has no code for (P2039: a CHECK violation, no privilege on the table) is read by its SQLSTATE', async () => {
    const check = await thrown(async () => (await connect()).user.create({ data: { id: 6, email: 'dan@example.com', name: '' } }));
    expect(codeOf(check)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P2039' });
    expect(verdict(check)).toEqual({ disposition: 'permanent', category: 'constraint', notProcessed: undefined });
    const denied = await thrown(async () => (await connect(server.url({ user: 'reader', password: 'reader' }))).user.findMany());
    expect(codeOf(denied)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P2039' });
    expect(verdict(denied)).toEqual({ disposition: 'permanent', category: 'auth', notProcessed: undefined });
  });

  it('a raw query that fails (P2010) is read by what the database said: a NOT NULL violation, a statement timeout', async () => {
    const db = await connect();
    const notNull = await thrown(() => db.$executeRawUnsafe('INSERT INTO "User" (id, email, name) VALUES (7, NULL, $1)', 'fay'));
    expect(codeOf(notNull)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P2010' });
    expect(verdict(notNull)).toEqual({ disposition: 'permanent', category: 'constraint', notProcessed: undefined });
    const timedOut = await thrown(() => db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL statement_timeout = 20');
      await tx.$queryRawUnsafe('SELECT pg_sleep(5)');
    }));
    expect(codeOf(timedOut)).toEqual({ name: 'PrismaClientKnownRequestError', code: 'P2010' });
    expect(verdict(timedOut)).toEqual({ disposition: 'transient', category: 'timeout', notProcessed: undefined });
  });

  it("no pooled connection in time (pg-pool's own error, not wrapped by Prisma): transient timeout, never sent", async () => {
    const db = await connect(server.url(), { max: 1, connectionTimeoutMillis: 200 });
    await db.user.findMany(); // the pool's one connection is open (connecting is not what times out)
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = db.$transaction(async (tx) => {
      await tx.user.findMany();
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await Promise.race([held, transaction]); // the pool's only connection is in the transaction
    let error: unknown;
    try {
      error = await thrown(() => db.user.findMany());
    } finally {
      release(); // whatever happened, the transaction ends and does not reject unhandled later
      await transaction;
    }
    expect((error as Error).message).toBe('timeout exceeded when trying to connect');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'timeout', notProcessed: true });
  });

  it("a connection lost inside a transaction (pg's \"not queryable\", never sent; Prisma's P1017; or P2039 with 57P01): transient", async () => {
    const db = await connect();
    const error = await thrown(() => db.$transaction(async (tx) => {
      const [{ pid }] = (await tx.$queryRawUnsafe('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await waitUntilGone(pid);
      await tx.user.findMany();
    }));
    // Which real outcome comes depends on how far pg got with the socket's end before the query:
    // pg's own "not queryable" (passed through unwrapped: never sent), Prisma's P1017 (the
    // adapter's ConnectionClosed), or P2039 carrying the server's FATAL 57P01. All are transient.
    const { code } = error as { code?: unknown };
    if (code === 'P1017') {
      expect((error as Error).message).toMatch(/Server has closed the connection/);
      expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: undefined });
    } else if (code === 'P2039') {
      expect((error as Error).message).toMatch(/57P01/);
      expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: undefined });
    } else {
      expect((error as Error).message).toBe('Client has encountered a connection error and is not queryable');
      expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
    }
  });

  async function waitUntilGone(pid: number): Promise<void> {
    while ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('in the pipeline, a write conflict is retried (even with unknownDisposition permanent) and a unique violation is not (even by default)', async () => {
    const db = await connect();
    let attempts = 0;
    const addCredit = () => db.$transaction(async (tx) => {
      attempts++;
      await tx.user.findUnique({ where: { id: 2 } });
      if (attempts === 1) await admin.query('UPDATE "User" SET credits = credits + 1 WHERE id = 2');
      return tx.user.update({ where: { id: 2 }, data: { credits: { increment: 5 } } });
    }, { isolationLevel: 'Serializable' });
    const healed = await new HealingPipeline({ classifier: strict, retry: { maxAttempts: 3, minDelayMs: 0 } }).execute(addCredit, {});
    expect(healed.status).toBe('ok');
    expect(attempts).toBe(2);

    let inserts = 0;
    const duplicate = await new HealingPipeline({ retry: { maxAttempts: 3, minDelayMs: 0 } }).execute(() => {
      inserts++;
      return db.user.create({ data: { id: 8, email: 'bob@example.com', name: 'bob2' } });
    }, {});
    expect(duplicate.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    expect(inserts).toBe(1);
  });
});
