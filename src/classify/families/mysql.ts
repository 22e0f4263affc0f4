import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { familyVerdict, lookUp, readNumber, readString, type CodeMeaning } from './family-verdict.js';

/**
 * MySQL and MariaDB errors as mysql2 (and mysql) report them: the server's error number in
 * `errno`, its name in `code` (`ER_DUP_ENTRY`) and the SQLSTATE in `sqlState`; the client's own
 * failures have a `PROTOCOL_*` code and `fatal: true`.
 *
 * A deadlock (1213) rolls the whole transaction back, so it is marked `notProcessed`; a lock wait
 * timeout (1205) rolls back only the statement (unless innodb_rollback_on_timeout is on) and the
 * transaction may go on to commit what came before, so it is retried but not marked.
 */
const ERRNO: Readonly<Record<number, CodeMeaning>> = {
  1213: ['transient', 'deadlock', true], // ER_LOCK_DEADLOCK
  1205: ['transient', 'lock_timeout'], // ER_LOCK_WAIT_TIMEOUT
  1040: ['transient', 'unavailable', true], // ER_CON_COUNT_ERROR: too many connections
  // The same for one user (max_user_connections, MAX_USER_CONNECTIONS): SQLSTATE 42000, which is
  // no query error. Never connected, so never sent.
  1203: ['transient', 'unavailable', true], // ER_TOO_MANY_USER_CONNECTIONS
  1226: ['transient', 'unavailable', true], // ER_USER_LIMIT_REACHED
  1053: ['transient', 'unavailable'], // ER_SERVER_SHUTDOWN
  1927: ['transient', 'unavailable'], // ER_CONNECTION_KILLED (MariaDB)
  3024: ['transient', 'timeout'], // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  1969: ['transient', 'timeout'], // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  1062: ['permanent', 'conflict'], // ER_DUP_ENTRY
  1586: ['permanent', 'conflict'], // ER_DUP_ENTRY_WITH_KEY_NAME
  1048: ['permanent', 'constraint'], // ER_BAD_NULL_ERROR
  1451: ['permanent', 'constraint'], // ER_ROW_IS_REFERENCED_2
  1452: ['permanent', 'constraint'], // ER_NO_REFERENCED_ROW_2
  3819: ['permanent', 'constraint'], // ER_CHECK_CONSTRAINT_VIOLATED
  4025: ['permanent', 'constraint'], // ER_CONSTRAINT_FAILED: MariaDB's CHECK violation (mysql2 names it otherwise)
  1044: ['permanent', 'auth'], // ER_DBACCESS_DENIED_ERROR
  1045: ['permanent', 'auth'], // ER_ACCESS_DENIED_ERROR
  1142: ['permanent', 'auth'], // ER_TABLEACCESS_DENIED_ERROR
  1049: ['permanent', 'not_found'], // ER_BAD_DB_ERROR
  1064: ['permanent', 'invalid_query'], // ER_PARSE_ERROR
  1146: ['permanent', 'invalid_query'], // ER_NO_SUCH_TABLE
  1054: ['permanent', 'invalid_query'], // ER_BAD_FIELD_ERROR
  // The values passed are wrong for the column: only different arguments pass.
  1406: ['recoverable', 'invalid_request'], // ER_DATA_TOO_LONG
  1264: ['recoverable', 'invalid_request'], // ER_WARN_DATA_OUT_OF_RANGE
  1366: ['recoverable', 'invalid_request'], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1265: ['recoverable', 'invalid_request'], // WARN_DATA_TRUNCATED (an error in strict mode)
  1364: ['recoverable', 'invalid_request'], // ER_NO_DEFAULT_FOR_FIELD: a value the insert left out
};

/**
 * The SQLSTATE's class (its first two characters) for a server error whose number is not listed,
 * as for PostgreSQL. Many MySQL errors share the catch-all `HY000`, which says nothing.
 */
const SQLSTATE_CLASS: Readonly<Record<string, CodeMeaning>> = {
  '08': ['transient', 'network'], // connection exception
  '23': ['permanent', 'constraint'], // integrity constraint violation
  '42': ['permanent', 'invalid_query'], // syntax error or access rule violation
  '21': ['permanent', 'invalid_query'], // cardinality violation: a column count that does not match
  '28': ['permanent', 'auth'], // invalid authorization
  '22': ['recoverable', 'invalid_request'], // data exception: the values passed
};

/** The client's own codes (no errno). */
const PROTOCOL: Readonly<Record<string, CodeMeaning>> = {
  PROTOCOL_CONNECTION_LOST: ['transient', 'network'], // the server closed the connection
  PROTOCOL_SEQUENCE_TIMEOUT: ['transient', 'timeout'],
  // The command was refused before it was written: the connection had already failed.
  PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR: ['transient', 'network', true],
  PROTOCOL_ENQUEUE_AFTER_QUIT: ['transient', 'network', true],
};

/** mysql2's words for PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR (it sets no code): the command was refused unsent. */
const CLOSED_STATE = "Can't add new command when connection is in closed state";

/** mysql2's words for a query on a pool its application ended (no code). */
const POOL_CLOSED = 'Pool is closed.';

export const mysqlFamily: ClientFamily = {
  name: 'MySQL / MariaDB (mysql2)',
  // The shapes below: the closed-state and closed-pool messages, a client code, a server error's SQLSTATE.
  claims: (facts, error) => facts.message === CLOSED_STATE || facts.message === POOL_CLOSED ||
    (typeof facts.ownCode === 'string' && facts.ownCode.startsWith('PROTOCOL_')) || typeof (error as { sqlState?: unknown }).sqlState === 'string',
  classify(error, facts) {
    // The application ended the pool: every later query fails the same way, unsent.
    if (facts.message === POOL_CLOSED) return familyVerdict('permanent', 'client_closed', 'mysql2: the pool is closed', true);
    if (facts.message === CLOSED_STATE && readProperty(error, 'fatal') === true) {
      return familyVerdict('transient', 'network', 'mysql2: the connection had already failed', true);
    }
    const code = readString(error, 'code');
    if (code !== undefined && code.startsWith('PROTOCOL_')) {
      const meaning = lookUp(PROTOCOL, code);
      return meaning ? familyVerdict(meaning[0], meaning[1], `mysql ${code}`, meaning[2]) : undefined;
    }
    const errno = readNumber(error, 'errno');
    const sqlState = readString(error, 'sqlState');
    // Node's system errors also have a (negative) errno; a server error has a SQLSTATE too.
    if (errno === undefined || sqlState === undefined) return undefined;
    const meaning = lookUp(ERRNO, errno);
    if (meaning) return familyVerdict(meaning[0], meaning[1], `mysql ${code ?? 'errno'} ${errno}`, meaning[2]);
    const byClass = lookUp(SQLSTATE_CLASS, sqlState.slice(0, 2));
    return byClass ? familyVerdict(byClass[0], byClass[1], `mysql errno ${errno}, SQLSTATE ${sqlState}`) : undefined;
  },
};
