import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { familyVerdict, lookUp, readNumber, readString, type CodeMeaning } from './family-verdict.js';
import { TLS_FAILURE_MESSAGE, tlsVerdict } from '../rules/network-codes.js';

/**
 * gRPC status codes as @grpc/grpc-js (and @grpc/grpc-js-based clients) report them: a
 * `ServiceError` with a numeric `code` (0-16), `details` and `metadata`. Node's own `code` is a
 * string everywhere else, and an HTTP status is 100-599, so a gRPC error is recognised by its
 * shape: a numeric code in 0..16 together with `details` (a string) or `metadata` (an object).
 *
 * The verdicts follow gRPC's status code guide (grpc/grpc doc/statuscodes.md, google/rpc/code.proto)
 * and Google's AIP-194 (automatic retry configuration):
 * - UNAVAILABLE is "most likely a transient condition", retried with backoff (AIP-194's one
 *   always-retryable code). It is not proof the server saw nothing, except where grpc-js says no
 *   connection was ever established.
 * - ABORTED means "retry at a higher level" (a concurrency conflict, a transaction abort): the
 *   call handed to the pipeline is that higher level, so it is transient.
 * - RESOURCE_EXHAUSTED is a rate limit or quota, retried with backoff, except grpc-js's own
 *   "message larger than max", which no retry changes.
 * - DEADLINE_EXCEEDED is a timeout: transient (a per-attempt deadline, like HTTP 504), but the
 *   operation "may have completed", so it is not marked `notProcessed`.
 * - INTERNAL "means some invariants expected by the underlying system have been broken ... reserved
 *   for serious errors", and AIP-194 does not list it as retryable: permanent.
 * - INVALID_ARGUMENT "indicates arguments that are problematic regardless of the state of the
 *   system": the same call never passes (AIP-194), so it is not retried, but repaired arguments
 *   may pass. It is `recoverable`, as HTTP 400 is (the reflector, when there is one, repairs it;
 *   without one it is given up at once).
 * - FAILED_PRECONDITION means "do not retry until the system state has been explicitly fixed".
 * - CANCELLED is "typically by the caller": the caller's abort, never retried.
 * - UNKNOWN (2) says nothing; the generic rules and `unknownDisposition` decide.
 */
const STATUS: Readonly<Record<number, readonly [string, ...CodeMeaning]>> = {
  1: ['CANCELLED', 'permanent', 'aborted'],
  3: ['INVALID_ARGUMENT', 'recoverable', 'invalid_request'],
  4: ['DEADLINE_EXCEEDED', 'transient', 'timeout'],
  5: ['NOT_FOUND', 'permanent', 'not_found'],
  6: ['ALREADY_EXISTS', 'permanent', 'conflict'],
  7: ['PERMISSION_DENIED', 'permanent', 'auth'],
  8: ['RESOURCE_EXHAUSTED', 'transient', 'rate_limit'],
  9: ['FAILED_PRECONDITION', 'permanent', 'failed_precondition'],
  10: ['ABORTED', 'transient', 'write_conflict'],
  11: ['OUT_OF_RANGE', 'permanent', 'out_of_range'],
  12: ['UNIMPLEMENTED', 'permanent', 'unimplemented'],
  13: ['INTERNAL', 'permanent', 'server_error'],
  14: ['UNAVAILABLE', 'transient', 'unavailable'],
  15: ['DATA_LOSS', 'permanent', 'data_loss'],
  16: ['UNAUTHENTICATED', 'permanent', 'auth'],
};

/** grpc-js's wording when the call failed before any connection existed (so it was never sent). */
const NEVER_CONNECTED = /^No connection established\b/;
/**
 * grpc-js's own size checks, over `grpc.max_send_message_length` ("Attempted to send message with
 * a size larger than N") or `grpc.max_receive_message_length` ("Received message larger than max").
 */
const MESSAGE_TOO_LARGE = /message (with a size )?larger than/i;

function looksLikeGrpc(error: unknown, code: number | undefined): code is number {
  if (code === undefined || !Number.isInteger(code) || code < 0 || code > 16) return false;
  const metadata = readProperty(error, 'metadata');
  return readString(error, 'details') !== undefined || (metadata !== null && typeof metadata === 'object');
}

/** grpc-js's details for a call the client itself cancelled (`call.cancel()`). */
const CANCELLED_BY_CALLER = 'Cancelled on client';

export const grpcFamily: ClientFamily = {
  name: 'gRPC (@grpc/grpc-js)',
  claims: (facts) => typeof facts.ownCode === 'number' && facts.ownCode >= 0 && facts.ownCode <= 16,
  classify(error) {
    const code = readNumber(error, 'code');
    if (!looksLikeGrpc(error, code)) return undefined;
    const status = lookUp(STATUS, code);
    if (status === undefined) return undefined; // OK or UNKNOWN: nothing more than the message
    const [label, disposition, category] = status;
    const details = readString(error, 'details') ?? '';
    if (code === 1) {
      // grpc-js writes "Cancelled on client" when the caller cancels; any other CANCELLED came
      // from the other end (a server shutting down, a proxy restarting), which a retry outlasts.
      return details === CANCELLED_BY_CALLER ? familyVerdict('permanent', 'aborted', 'the caller aborted (gRPC CANCELLED)')
        : familyVerdict('transient', 'unavailable', 'gRPC CANCELLED by the other end'); // not its details: a reason reaches logs unredacted
    }
    if (code === 8 && MESSAGE_TOO_LARGE.test(details)) return familyVerdict('permanent', 'payload_too_large', 'gRPC RESOURCE_EXHAUSTED: message larger than max');
    // A connection whose TLS handshake failed: the next one fails the same way.
    if (code === 14 && NEVER_CONNECTED.test(details) && TLS_FAILURE_MESSAGE.test(details)) return tlsVerdict('gRPC UNAVAILABLE: the TLS handshake failed');
    return familyVerdict(disposition, category, `gRPC ${label}`, code === 14 && NEVER_CONNECTED.test(details));
  },
};
