/**
 * Prisma Client errors, built with the real error classes Prisma Client throws: they live in
 * @prisma/client-runtime-utils, which @prisma/client re-exports (`Prisma.PrismaClientKnownRequestError`
 * is the same class), and run everywhere. prisma-client.test.ts provokes them through a real
 * generated client where the Prisma packages are installed; here are the codes it cannot make
 * Prisma 7 throw (P2024, P1017: the Rust engine's) and the shapes it saw, exactly as the client
 * built them, so the rules stay tested where that suite skips.
 */
import { PrismaClientInitializationError, PrismaClientKnownRequestError, PrismaClientValidationError } from '@prisma/client-runtime-utils';
import { describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
const known = (code: string, message: string, meta?: Record<string, unknown>) =>
  new PrismaClientKnownRequestError(message, { code, clientVersion: '7.10.0', meta });

describe('Prisma Client errors, classified', () => {
  it.each([
    ['P2002', 'Unique constraint failed on the fields: (`email`)', 'permanent', 'conflict'],
    ['P2025', 'An operation failed because it depends on one or more records that were required but not found.', 'permanent', 'not_found'],
    ['P2003', 'Foreign key constraint violated on the constraint: `Post_authorId_fkey`', 'permanent', 'constraint'],
    ['P2000', "The provided value for the column is too long for the column's type. Column: email", 'recoverable', 'invalid_request'],
    ['P2034', 'Transaction failed due to a write conflict or a deadlock. Please retry your transaction', 'transient', 'write_conflict'],
    ['P2024', 'Timed out fetching a new connection from the connection pool.', 'transient', 'timeout'],
    ['P1017', 'Server has closed the connection.', 'transient', 'network'],
  ] as const)('%s is %s / %s', (code, message, disposition, category) => {
    const error = known(code, message);
    expect(error.code).toBe(code);
    expect(classifier.classify(error)).toMatchObject({ disposition, category });
    expect(strict.classify(error).disposition).toBe(disposition);
  });

  it('a write conflict (P2034) was rolled back: notProcessed; a unique violation is not retried at all', () => {
    expect(classifier.classify(known('P2034', 'Transaction failed due to a write conflict or a deadlock.')).notProcessed).toBe(true);
    expect(classifier.classify(known('P2002', 'Unique constraint failed')).notProcessed).toBeUndefined();
  });

  it("can't reach the database (P1001, on PrismaClientInitializationError's errorCode) is transient network and never sent", () => {
    const error = new PrismaClientInitializationError("Can't reach database server at `127.0.0.1:5432`", '7.10.0', 'P1001');
    expect(error.errorCode).toBe('P1001');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'network', notProcessed: true });
    expect(strict.classify(error).disposition).toBe('transient');
    const denied = new PrismaClientInitializationError('Authentication failed against database server', '7.10.0', 'P1000');
    expect(classifier.classify(denied)).toMatchObject({ disposition: 'permanent', category: 'auth' });
  });

  it("a raw query's failure (P2010) and a database error without a Prisma code (P2039) are read by the driver adapter's cause", () => {
    // As @prisma/adapter-pg reported a NOT NULL violation in a raw query, and a CHECK violation in a create.
    const raw = known('P2010', 'Raw query failed. Code: `23502`. Message: `null value in column "email" of relation "User" violates not-null constraint`', {
      driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '23502', originalMessage: 'null value in column "email" of relation "User" violates not-null constraint', kind: 'NullConstraintViolation' } },
    });
    expect(classifier.classify(raw)).toMatchObject({ disposition: 'permanent', category: 'constraint', reason: 'Prisma P2010 (NullConstraintViolation, as P2011)' });
    const unmapped = known('P2039', 'Database error. Code: `23514`. Message: `new row for relation "User" violates check constraint "User_name_check"`', {
      driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: '23514', originalMessage: 'new row for relation "User" violates check constraint "User_name_check"', kind: 'postgres', code: '23514', severity: 'ERROR', message: 'new row for relation "User" violates check constraint "User_name_check"' } },
    });
    expect(classifier.classify(unmapped)).toMatchObject({ disposition: 'permanent', category: 'constraint', reason: 'Prisma P2039: SQLSTATE 23514' });
    expect(strict.classify(unmapped).disposition).toBe('permanent');
    const conflict = known('P2010', 'Raw query failed. Code: `40001`.', { driverAdapterError: { cause: { originalCode: '40001', kind: 'TransactionWriteConflict' } } });
    expect(classifier.classify(conflict)).toMatchObject({ disposition: 'transient', category: 'write_conflict', notProcessed: true });
    // Without a cause the family says nothing: the generic rules decide, as before.
    expect(classifier.classify(known('P2010', 'Raw query failed.')).reason).not.toMatch(/^Prisma/);
  });

  it('a PrismaClientValidationError (a missing or mistyped argument; no code) is recoverable invalid_request', () => {
    const error = new PrismaClientValidationError('Invalid `prisma.user.create()` invocation:\n\nArgument `email` is missing.', { clientVersion: '7.10.0' });
    expect(classifier.classify(error)).toMatchObject({ disposition: 'recoverable', category: 'invalid_request' });
    expect(strict.classify(error).disposition).toBe('recoverable');
  });

  it('a PL/pgSQL SQLSTATE (P0001, no clientVersion) is not read as Prisma', () => {
    const raised = Object.assign(new Error('custom failure'), { code: 'P0001', severity: 'ERROR' });
    expect(classifier.classify(raised).category).not.toBe('conflict');
    expect(classifier.classify(raised).reason).not.toMatch(/Prisma/);
  });
});
