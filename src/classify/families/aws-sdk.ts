import type { Classification } from '../classification.js';
import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { familyVerdict, lookUp, readItems, readNumber, readString, type CodeMeaning } from './family-verdict.js';

/**
 * The AWS SDK v3's service errors: every one carries `$metadata` (with `httpStatusCode`) and
 * `$fault` (`'client'` or `'server'`), its `name` is the service's error code (`Code` on older
 * XML services), and `$retryable` is set when the service model says it may be retried. Most
 * arrive as HTTP 400, throttling included, so the name must win over the status.
 */

/** The SDK's own throttling codes (@smithy/core's THROTTLING_ERROR_CODES) and S3's 503 SlowDown. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException',
  'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'TransactionInProgressException',
]);

const NAMES: Readonly<Record<string, CodeMeaning>> = {
  // Credentials and permissions: asking again with the same ones cannot help.
  AccessDenied: ['permanent', 'auth'],
  AccessDeniedException: ['permanent', 'auth'],
  UnrecognizedClientException: ['permanent', 'auth'],
  InvalidClientTokenId: ['permanent', 'auth'],
  InvalidSignatureException: ['permanent', 'auth'],
  SignatureDoesNotMatch: ['permanent', 'auth'],
  MissingAuthenticationToken: ['permanent', 'auth'],
  ExpiredToken: ['permanent', 'auth'],
  ExpiredTokenException: ['permanent', 'auth'],
  UnauthorizedOperation: ['permanent', 'auth'],
  // The request's values are wrong: only different arguments can pass (as an HTTP 400 is).
  ValidationException: ['recoverable', 'invalid_request'],
  ValidationError: ['recoverable', 'invalid_request'],
  InvalidParameterValue: ['recoverable', 'invalid_request'],
  InvalidParameterValueException: ['recoverable', 'invalid_request'],
  InvalidParameterException: ['recoverable', 'invalid_request'],
  MissingParameter: ['recoverable', 'invalid_request'],
  SerializationException: ['permanent', 'invalid_request'],
  // The thing is not there.
  ResourceNotFoundException: ['permanent', 'not_found'],
  NoSuchKey: ['permanent', 'not_found'],
  NoSuchBucket: ['permanent', 'not_found'],
  NoSuchEntity: ['permanent', 'not_found'],
  NotFound: ['permanent', 'not_found'],
  // The state says no: a condition failed, or the thing exists already.
  ConditionalCheckFailedException: ['permanent', 'conflict'],
  ConflictException: ['permanent', 'conflict'],
  ResourceAlreadyExistsException: ['permanent', 'conflict'],
  BucketAlreadyExists: ['permanent', 'conflict'],
  BucketAlreadyOwnedByYou: ['permanent', 'conflict'],
  PreconditionFailed: ['permanent', 'conflict'],
  // A concurrent transaction won; DynamoDB rolled this one back, so it did nothing.
  TransactionConflictException: ['transient', 'write_conflict', true],
  // The SDK's transient codes.
  TimeoutError: ['transient', 'timeout'],
  RequestTimeout: ['transient', 'timeout'],
  RequestTimeoutException: ['transient', 'timeout'],
};

/** DynamoDB's TransactionCanceledException: the reasons, one per item, say why. */
function cancellationVerdict(error: unknown): Classification | undefined {
  const codes = new Set<string>();
  for (const reason of readItems(error, 'CancellationReasons')) {
    const code = readString(reason, 'Code');
    if (code !== undefined && code !== 'None') codes.add(code);
  }
  if (codes.has('ConditionalCheckFailed')) return familyVerdict('permanent', 'conflict', 'AWS TransactionCanceledException: ConditionalCheckFailed');
  if (codes.has('ValidationError')) return familyVerdict('recoverable', 'invalid_request', 'AWS TransactionCanceledException: ValidationError');
  // DynamoDB cancels the whole transaction: none of its writes happened.
  if (codes.has('ThrottlingError') || codes.has('ProvisionedThroughputExceeded')) {
    return familyVerdict('transient', 'rate_limit', 'AWS TransactionCanceledException: throttled', true);
  }
  if (codes.has('TransactionConflict')) return familyVerdict('transient', 'write_conflict', 'AWS TransactionCanceledException: TransactionConflict', true);
  return undefined;
}

function isAwsServiceError(error: unknown): boolean {
  const fault = readProperty(error, '$fault');
  const metadata = readProperty(error, '$metadata');
  return fault === 'client' || fault === 'server' || (metadata !== null && typeof metadata === 'object');
}

/** The credential chain's error when no provider had credentials (`@smithy/property-provider`). */
const NO_CREDENTIALS = 'CredentialsProviderError';

export const awsSdkFamily: ClientFamily = {
  name: 'AWS SDK v3',
  claims(facts, error) {
    const { $fault, $metadata } = error as { $fault?: unknown; $metadata?: unknown };
    return $fault === 'client' || $fault === 'server' || ($metadata !== null && typeof $metadata === 'object') || facts.name === NO_CREDENTIALS;
  },
  classify(error) {
    // No provider in the chain found credentials: every call fails so until the configuration changes, unsent.
    if (readString(error, 'name') === NO_CREDENTIALS) return familyVerdict('permanent', 'auth', 'AWS SDK: no credentials could be loaded', true);
    if (!isAwsServiceError(error)) return undefined;
    // The SDK could not parse the response (a body cut off, a proxy's page): its "Deserialization
    // error" is the parser's SyntaxError with the response attached. A server's answer, not a
    // malformed value of the caller's: another attempt may read a whole one, as got's is.
    // Only a success's body: an error status (a proxy's 403 page) is the status rule's to judge.
    const status = readNumber(readProperty(error, '$metadata'), 'httpStatusCode');
    if (readString(error, 'name') === 'SyntaxError' && readProperty(error, '$response') !== undefined && (status === undefined || status < 300)) {
      return familyVerdict('transient', 'malformed_response', 'AWS SDK: the response could not be parsed');
    }
    const name = readString(error, 'name') ?? '';
    const code = readString(error, 'Code');
    // The SDK's AbortError is the caller's abort signal firing: never retried.
    if (name === 'AbortError') return familyVerdict('permanent', 'aborted', 'the caller aborted (AWS SDK AbortError)');
    const retryable = readProperty(error, '$retryable');
    if (THROTTLING.has(name) || (code !== undefined && THROTTLING.has(code)) || readProperty(retryable, 'throttling') === true) {
      return familyVerdict('transient', 'rate_limit', `AWS ${code ?? name}: throttled`);
    }
    if (name === 'TransactionCanceledException') {
      const cancelled = cancellationVerdict(error);
      if (cancelled) return cancelled;
    }
    const key = lookUp(NAMES, name) !== undefined ? name : code;
    const meaning = lookUp(NAMES, key);
    if (meaning) return familyVerdict(meaning[0], meaning[1], `AWS ${key}`, meaning[2]);
    // The service model marks this error retryable.
    if (retryable !== undefined && retryable !== null) return familyVerdict('transient', 'server_error', `AWS ${name}: $retryable`);
    return undefined; // the HTTP status ($metadata.httpStatusCode) decides
  },
};
