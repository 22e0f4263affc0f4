/**
 * MongoDB driver errors, built with the real `mongodb` package's own error classes from the
 * error documents a server sends (no mongod is available here: neither Debian nor npm ships one).
 * The driver reads `code`, `codeName` and `errorLabels` off that document as it does off a reply.
 */
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
const serverError = (code: number, codeName: string, errmsg: string, errorLabels: string[] = []) =>
  new MongoServerError({ ok: 0, code, codeName, errmsg, errorLabels });

describe('MongoDB driver errors, classified', () => {
  it('a duplicate key (11000) is permanent conflict: the insert is not run again', () => {
    const error = serverError(11000, 'DuplicateKey', 'E11000 duplicate key error collection: shop.users index: email_1 dup key: { email: "ada@example.com" }');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'conflict' });
    expect(classifier.classify(error).notProcessed).toBeUndefined();
  });

  it('TransientTransactionError: the transaction was aborted, run it again (also under unknownDisposition permanent)', () => {
    const error = serverError(112, 'WriteConflict', 'Caused by :: Write conflict during plan execution and yielding is disabled.', ['TransientTransactionError']);
    expect(error.hasErrorLabel('TransientTransactionError')).toBe(true);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'write_conflict', notProcessed: true });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it.each([
    [91, 'ShutdownInProgress'], [189, 'PrimarySteppedDown'], [10107, 'NotWritablePrimary'], [13435, 'NotPrimaryNoSecondaryOk'], [11602, 'InterruptedDueToReplStateChange'],
  ])('code %i (%s), a failover in progress, is transient unavailable', (code, codeName) => {
    const error = serverError(code, codeName, `${codeName}`, ['RetryableWriteError']);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'unavailable' });
    expect(strict.classify(error).disposition).toBe('transient');
    expect(classifier.classify(error).notProcessed).toBeUndefined(); // the write may have been applied
  });

  it('NoWritesPerformed proves nothing was written', () => {
    const error = serverError(91, 'ShutdownInProgress', 'The server is in quiesce mode and will shut down', ['RetryableWriteError', 'NoWritesPerformed']);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', notProcessed: true });
  });

  it('auth failures are permanent, a bad value recoverable', () => {
    expect(classifier.classify(serverError(18, 'AuthenticationFailed', 'Authentication failed.'))).toMatchObject({ disposition: 'permanent', category: 'auth' });
    expect(classifier.classify(serverError(13, 'Unauthorized', 'not authorized on shop to execute command'))).toMatchObject({ disposition: 'permanent', category: 'auth' });
    expect(classifier.classify(serverError(121, 'DocumentValidationFailure', 'Document failed validation'))).toMatchObject({ disposition: 'recoverable', category: 'invalid_request' });
  });

  it("the driver's own errors: no server selectable (never sent), network before and after the handshake, a closed client", () => {
    const selection = new MongoServerSelectionError('Server selection timed out after 30000 ms', { type: 'Unknown', servers: new Map(), stale: false, compatible: true, heartbeatFrequencyMS: 10000, localThresholdMS: 15, setName: null, maxElectionId: null, maxSetVersion: null, commonWireVersion: 0, logicalSessionTimeoutMinutes: null } as never);
    expect(classifier.classify(selection)).toMatchObject({ disposition: 'transient', category: 'unavailable', notProcessed: true });
    expect(strict.classify(selection).disposition).toBe('transient');
    expect(classifier.classify(new MongoNetworkError('connect ECONNREFUSED', { beforeHandshake: true }))).toMatchObject({ disposition: 'transient', category: 'network', notProcessed: true });
    const midway = classifier.classify(new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'));
    expect(midway).toMatchObject({ disposition: 'transient', category: 'network' });
    expect(midway.notProcessed).toBeUndefined();
    expect(classifier.classify(new MongoNetworkTimeoutError('connection timed out'))).toMatchObject({ disposition: 'transient', category: 'timeout' });
    expect(classifier.classify(new MongoTopologyClosedError())).toMatchObject({ disposition: 'permanent', category: 'client_closed' });
  });
});
