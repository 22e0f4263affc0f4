import type { ClientFamily } from './client-family.js';
import { familyVerdict, lookUp, readString, type CodeMeaning } from './family-verdict.js';

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

export const prismaFamily: ClientFamily = {
  name: 'Prisma',
  // A `code` that is a string is the one read below; without one, `errorCode` is.
  claims: (facts, error) => typeof facts.ownCode === 'string' ? facts.ownCode.startsWith('P') : typeof (error as { errorCode?: unknown }).errorCode === 'string',
  classify(error) {
    const code = readString(error, 'code') ?? readString(error, 'errorCode');
    if (code === undefined || !PRISMA_CODE.test(code)) return undefined;
    if (readString(error, 'clientVersion') === undefined && !(readString(error, 'name') ?? '').startsWith('PrismaClient')) return undefined;
    const meaning = lookUp(CODES, code);
    return meaning ? familyVerdict(meaning[0], meaning[1], `Prisma ${code}`, meaning[2]) : undefined;
  },
};
