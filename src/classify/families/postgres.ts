import type { ClientFamily } from './client-family.js';
import { familyVerdict, lookUp, readString, type CodeMeaning } from './family-verdict.js';

/**
 * PostgreSQL errors as `pg` (node-postgres) reports them: a `DatabaseError` with the SQLSTATE
 * in `code` (five characters) and the server's `severity`, which tells it apart from any other
 * five-character code (Prisma's `P2002` has no severity). postgres.js reports the same fields.
 *
 * `notProcessed` is set where the statement provably did not take effect: the connection was
 * never made (08001, 08004, 53300, 57P03), or PostgreSQL rolled the transaction back (40001,
 * 40P01, 55P03: any error aborts the transaction, and these are the ones asking to run it again).
 * A shutdown in mid-statement (57P01, 57P02) is retried but not marked: the work may be done.
 */
const SQLSTATE: Readonly<Record<string, CodeMeaning>> = {
  '08001': ['transient', 'network', true], // unable to establish the connection
  '08004': ['transient', 'network', true], // the server rejected the connection
  '40001': ['transient', 'serialization_failure', true],
  '40P01': ['transient', 'deadlock', true],
  '55P03': ['transient', 'lock_timeout', true], // lock not available (NOWAIT, lock_timeout)
  '53300': ['transient', 'unavailable', true], // too many connections
  '57P01': ['transient', 'unavailable'], // admin shutdown (terminated, restarted)
  '57P02': ['transient', 'unavailable'], // crash shutdown
  '57P03': ['transient', 'unavailable', true], // cannot connect now (starting up, in recovery)
  '57P05': ['transient', 'timeout'], // idle session timeout
  '25P03': ['transient', 'timeout'], // idle in transaction session timeout
  '23505': ['permanent', 'conflict'], // unique violation
  '23P01': ['permanent', 'conflict'], // exclusion violation
  '42501': ['permanent', 'auth'], // insufficient privilege
  '3D000': ['permanent', 'not_found'], // the database does not exist
  '0A000': ['permanent', 'unsupported'],
};

/** Class (the first two characters) when the exact code is not listed. */
const SQLSTATE_CLASS: Readonly<Record<string, CodeMeaning>> = {
  '08': ['transient', 'network'], // connection exception
  '53': ['transient', 'capacity'], // insufficient resources (memory, disk, connections)
  '23': ['permanent', 'constraint'], // integrity constraint violation: not null, foreign key, check
  '42': ['permanent', 'invalid_query'], // syntax error, undefined table or column
  '28': ['permanent', 'auth'], // invalid authorization: wrong password, no such role
  // Data exceptions (a value too long, not a number, out of range, division by zero) come from
  // the values passed: only different arguments pass, as with an HTTP 400.
  '22': ['recoverable', 'invalid_request'],
};

const SQLSTATE_SHAPE = /^[0-9A-Z]{5}$/;

/**
 * pg's own errors, which carry no code, by their exact message (pg's lib/client.js, pg-pool).
 * Marked `notProcessed` where the query was never sent: pg-pool found no free connection within
 * `connectionTimeoutMillis`, the connection was not made in time, a client whose connection broke
 * refuses every later query (in a transaction, nothing more of it can run), or the client is
 * misconfigured or closed. A connection that drops under a query (a failover, a crashed backend,
 * a load balancer's idle cut) is retried but not marked: the statement may have run.
 */
const CLIENT_MESSAGES: Readonly<Record<string, CodeMeaning>> = {
  'timeout exceeded when trying to connect': ['transient', 'timeout', true],
  'Connection terminated due to connection timeout': ['transient', 'timeout', true],
  'Connection terminated unexpectedly': ['transient', 'network'],
  'Client has encountered a connection error and is not queryable': ['transient', 'network', true],
  // Closed by the application itself: every later query fails the same way.
  'Client was closed and is not queryable': ['permanent', 'client_closed', true],
  'Cannot use a pool after calling end on the pool': ['permanent', 'client_closed', true],
  // The configuration and the server disagree until someone changes one of them.
  'The server does not support SSL connections': ['permanent', 'unsupported', true],
  'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string': ['permanent', 'auth', true],
  'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string': ['permanent', 'auth', true],
};

export const postgresFamily: ClientFamily = {
  name: 'PostgreSQL (pg)',
  claims: (facts) => (typeof facts.ownCode === 'string' && facts.ownCode.length === 5) || Object.hasOwn(CLIENT_MESSAGES, facts.message),
  classify(error, facts) {
    const client = facts.ownCode === undefined ? lookUp(CLIENT_MESSAGES, facts.message) : undefined;
    if (client) return familyVerdict(client[0], client[1], `pg: ${facts.message}`, client[2]);
    const code = readString(error, 'code');
    if (code === undefined || !SQLSTATE_SHAPE.test(code) || readString(error, 'severity') === undefined) return undefined;
    // query_canceled: statement_timeout is a timeout; a cancel request is someone's decision.
    if (code === '57014') {
      return /statement timeout/i.test(readString(error, 'message') ?? '') ? familyVerdict('transient', 'timeout', 'SQLSTATE 57014 (statement timeout)') : undefined;
    }
    const meaning = lookUp(SQLSTATE, code) ?? lookUp(SQLSTATE_CLASS, code.slice(0, 2));
    return meaning ? familyVerdict(meaning[0], meaning[1], `SQLSTATE ${code}`, meaning[2]) : undefined;
  },
};
