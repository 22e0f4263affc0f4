import type { ClientFamily } from './client-family.js';
import type { Classification } from '../classification.js';
import { readErrorFacts, readProperty } from '../error-facts.js';
import { familyVerdict, lookUp, readString, type CodeMeaning } from './family-verdict.js';
import { postgresFamily } from './postgres.js';

/**
 * Prisma Client's errors: a `PrismaClientKnownRequestError` carries its code in `code`
 * (`P2002`), a `PrismaClientInitializationError` in `errorCode` (`P1001`); both carry
 * `clientVersion`, which tells a Prisma code apart from PostgreSQL's PL/pgSQL SQLSTATEs (`P0001`).
 * Codes from Prisma's error reference.
 */
const CODES: Readonly<Record<string, CodeMeaning>> = {
  P1000: ['permanent', 'auth'], // authentication failed
  P1001: ['transient', 'network', true], // can't reach the database server: nothing was sent
  P1002: ['transient', 'timeout'], // the server was reached but timed out
  P1003: ['permanent', 'not_found'], // the database does not exist
  P1008: ['transient', 'timeout'], // operations timed out
  P1010: ['permanent', 'auth'], // access denied
  P1017: ['transient', 'network'], // the server closed the connection
  P2000: ['recoverable', 'invalid_request'], // a value too long for its column
  P2002: ['permanent', 'conflict'], // unique constraint failed
  P2003: ['permanent', 'constraint'], // foreign key constraint failed
  P2004: ['permanent', 'constraint'], // a constraint failed
  P2005: ['recoverable', 'invalid_request'], // an invalid value for a field's type (stored)
  P2006: ['recoverable', 'invalid_request'], // the provided value is not valid
  P2007: ['recoverable', 'invalid_request'], // data validation error
  P2011: ['permanent', 'constraint'], // null constraint violation
  P2012: ['recoverable', 'invalid_request'], // a required value is missing
  P2013: ['recoverable', 'invalid_request'], // a required argument is missing
  P2014: ['permanent', 'constraint'], // the change would violate a required relation
  P2021: ['permanent', 'invalid_query'], // the table does not exist
  P2022: ['permanent', 'invalid_query'], // the column does not exist
  // Timed out fetching a connection from the pool: the query never started.
  P2024: ['transient', 'timeout', true],
  P2025: ['permanent', 'not_found'], // a record the operation depends on was not found
  // "Transaction failed due to a write conflict or a deadlock. Please retry your transaction":
  // the database rolled it back.
  P2034: ['transient', 'write_conflict', true],
  P2037: ['transient', 'unavailable', true], // too many database connections opened
};

const PRISMA_CODE = /^P[1-6]\d{3}$/;

/**
 * Prisma 7 with a driver adapter (`@prisma/adapter-pg`, ...) puts what the database said in
 * `meta.driverAdapterError.cause`: a `kind` Prisma maps to a code (this table is Prisma's own
 * mapping), or, for an error Prisma has no code for, `kind: 'postgres'` with the SQLSTATE,
 * `severity` and message of pg's error. A raw query's failure (P2010) and a database error
 * without a Prisma code (P2039) are read from there: a CHECK violation is not worth a retry.
 */
const KIND_CODE: Readonly<Record<string, string>> = {
  AuthenticationFailed: 'P1000', DatabaseNotReachable: 'P1001', DatabaseDoesNotExist: 'P1003', SocketTimeout: 'P1008',
  DatabaseAccessDenied: 'P1010', ConnectionClosed: 'P1017', LengthMismatch: 'P2000', UniqueConstraintViolation: 'P2002',
  ForeignKeyConstraintViolation: 'P2003', RestrictViolation: 'P2003', InvalidInputValue: 'P2007', NullConstraintViolation: 'P2011',
  TableDoesNotExist: 'P2021', ColumnNotFound: 'P2022', TransactionWriteConflict: 'P2034', TooManyConnections: 'P2037',
};

function byAdapterCause(error: unknown, code: string): Classification | undefined {
  const cause = readProperty(readProperty(readProperty(error, 'meta'), 'driverAdapterError'), 'cause');
  const kind = readString(cause, 'kind');
  const mapped = kind === undefined ? undefined : lookUp(KIND_CODE, kind);
  const meaning = mapped === undefined ? undefined : lookUp(CODES, mapped);
  if (meaning) return familyVerdict(meaning[0], meaning[1], `Prisma ${code} (${kind}, as ${mapped})`, meaning[2]);
  if (kind !== 'postgres') return undefined;
  const verdict = postgresFamily.classify(cause, readErrorFacts(cause));
  return verdict && { ...verdict, reason: `Prisma ${code}: ${verdict.reason}` };
}

export const prismaFamily: ClientFamily = {
  name: 'Prisma',
  // The validation error by its name; else a `code` that is a string is the one read below, and
  // without one, `errorCode` is.
  claims: (facts, error) => facts.name === 'PrismaClientValidationError' ||
    (typeof facts.ownCode === 'string' ? facts.ownCode.startsWith('P') : typeof (error as { errorCode?: unknown }).errorCode === 'string'),
  classify(error, facts) {
    // The query's arguments are wrong (a required one missing, a value of the wrong type): Prisma
    // refused it before sending it; only different arguments pass. It carries no code.
    if (facts.name === 'PrismaClientValidationError' && readString(error, 'clientVersion') !== undefined) {
      return familyVerdict('recoverable', 'invalid_request', 'Prisma validation error (the query was not sent)');
    }
    const code = readString(error, 'code') ?? readString(error, 'errorCode');
    if (code === undefined || !PRISMA_CODE.test(code)) return undefined;
    if (readString(error, 'clientVersion') === undefined && !(readString(error, 'name') ?? '').startsWith('PrismaClient')) return undefined;
    if (code === 'P2010' || code === 'P2039') return byAdapterCause(error, code);
    const meaning = lookUp(CODES, code);
    return meaning ? familyVerdict(meaning[0], meaning[1], `Prisma ${code}`, meaning[2]) : undefined;
  },
};
