import type { ClientFamily } from './client-family.js';
import { innerError, readProperty } from '../error-facts.js';
import { tlsFailureIn } from '../rules/network-codes.js';
import { familyVerdict, lookUp, readNumber, readString, readStrings, type CodeMeaning } from './family-verdict.js';

/**
 * The MongoDB Node driver's errors: a `MongoServerError` carries the server's numeric `code`,
 * `codeName` and `errorLabels`; the driver's own errors are told apart by `name` (`MongoNetworkError`,
 * `MongoServerSelectionError`, ...). The driver's labels are its own verdict and come first:
 * `TransientTransactionError` means the transaction was aborted and may be run again from the
 * start; `NoWritesPerformed` proves nothing was written.
 */
const CODES: Readonly<Record<number, CodeMeaning>> = {
  11000: ['permanent', 'conflict'], // DuplicateKey
  11001: ['permanent', 'conflict'], // DuplicateKey (legacy)
  12582: ['permanent', 'conflict'], // DuplicateKeyValue (legacy)
  112: ['transient', 'write_conflict', true], // WriteConflict: the write was aborted
  50: ['transient', 'timeout'], // MaxTimeMSExpired
  89: ['transient', 'timeout'], // NetworkTimeout
  262: ['transient', 'timeout'], // ExceededTimeLimit
  // The retryable-writes specification's list: not primary, shutting down, unreachable, stale.
  6: ['transient', 'unavailable'], // HostUnreachable
  7: ['transient', 'unavailable'], // HostNotFound
  91: ['transient', 'unavailable'], // ShutdownInProgress
  189: ['transient', 'unavailable'], // PrimarySteppedDown
  9001: ['transient', 'unavailable'], // SocketException
  10107: ['transient', 'unavailable'], // NotWritablePrimary
  10058: ['transient', 'unavailable'], // LegacyNotPrimary
  11600: ['transient', 'unavailable'], // InterruptedAtShutdown
  11602: ['transient', 'unavailable'], // InterruptedDueToReplStateChange
  13435: ['transient', 'unavailable'], // NotPrimaryNoSecondaryOk
  13436: ['transient', 'unavailable'], // NotPrimaryOrSecondary
  63: ['transient', 'unavailable'], // StaleShardVersion
  150: ['transient', 'unavailable'], // StaleEpoch
  13388: ['transient', 'unavailable'], // StaleConfig
  133: ['transient', 'unavailable'], // FailedToSatisfyReadPreference
  13: ['permanent', 'auth'], // Unauthorized
  18: ['permanent', 'auth'], // AuthenticationFailed
  26: ['permanent', 'not_found'], // NamespaceNotFound
  9: ['permanent', 'invalid_query'], // FailedToParse
  // The document's values are wrong: only different arguments pass.
  2: ['recoverable', 'invalid_request'], // BadValue
  14: ['recoverable', 'invalid_request'], // TypeMismatch
  121: ['recoverable', 'invalid_request'], // DocumentValidationFailure
};

/** The driver's own errors, by name. */
const NAMES: Readonly<Record<string, CodeMeaning>> = {
  // No server could be selected: nothing was sent.
  MongoServerSelectionError: ['transient', 'unavailable', true],
  // No connection could be checked out of the pool in time: nothing was sent.
  MongoWaitQueueTimeoutError: ['transient', 'timeout', true],
  MongoNetworkTimeoutError: ['transient', 'timeout'],
  MongoNetworkError: ['transient', 'network'],
  MongoPoolClearedError: ['transient', 'network'],
  MongoOperationTimeoutError: ['transient', 'timeout'],
  // The application closed the client: asking again through it cannot work.
  MongoTopologyClosedError: ['permanent', 'client_closed'],
  MongoClientClosedError: ['permanent', 'client_closed'],
  MongoNotConnectedError: ['permanent', 'client_closed'],
};

export const mongodbFamily: ClientFamily = {
  name: 'MongoDB (mongodb)',
  claims: (facts, error) => facts.name.startsWith('Mongo') || (error as { errorLabels?: unknown }).errorLabels !== undefined,
  classify(error) {
    const name = readString(error, 'name') ?? '';
    const labels = readStrings(error, 'errorLabels');
    if (!name.startsWith('Mongo') && labels.length === 0) return undefined;
    const noWrites = labels.includes('NoWritesPerformed');
    if (labels.includes('TransientTransactionError')) {
      return familyVerdict('transient', 'write_conflict', 'MongoDB TransientTransactionError', true);
    }
    const code = readNumber(error, 'code');
    const byCode = lookUp(CODES, code);
    if (byCode) {
      const codeName = readString(error, 'codeName');
      return familyVerdict(byCode[0], byCode[1], `MongoDB code ${code}${codeName ? ` (${codeName})` : ''}`, byCode[2] === true || noWrites);
    }
    const byName = lookUp(NAMES, name);
    if (byName) {
      // The driver names a certificate that does not verify as it names a server that is down.
      const tls = byName[0] === 'transient' ? tlsFailureIn(innerError(error), name) : undefined;
      if (tls !== undefined) return tls;
      // A network error before the handshake: the operation was never sent.
      const beforeHandshake = readProperty(error, 'beforeHandshake') === true;
      return familyVerdict(byName[0], byName[1], name, byName[2] === true || beforeHandshake || noWrites);
    }
    for (const label of ['RetryableWriteError', 'SystemOverloadedError', 'RetryableError', 'UnknownTransactionCommitResult']) {
      if (labels.includes(label)) {
        return familyVerdict('transient', label === 'SystemOverloadedError' ? 'rate_limit' : 'unavailable', `MongoDB ${label}`, noWrites);
      }
    }
    return undefined;
  },
};
