import type { Classification } from '../classification.js';
import { innerError, readProperty } from '../error-facts.js';
import { defaultSeverity, type Severity } from '../severity.js';

/**
 * What a connection-level code means: transient or not, its category (and that category's
 * severity, read once here rather than per classification), and whether it proves nothing was
 * sent.
 */
interface CodeMeaning {
  readonly disposition: 'transient' | 'permanent';
  readonly category: 'network' | 'timeout' | 'tls' | 'payload_too_large';
  readonly severity: Severity;
  readonly notSent: boolean;
}

const codeMeaning = (disposition: CodeMeaning['disposition'], category: CodeMeaning['category'], notSent: boolean): CodeMeaning =>
  ({ disposition, category, severity: defaultSeverity(category), notSent });
const network = (notSent = false) => codeMeaning('transient', 'network', notSent);
const timeout = (notSent = false) => codeMeaning('transient', 'timeout', notSent);
/** A TLS failure another attempt meets again; the handshake failed, so nothing was sent. */
const tls = codeMeaning('permanent', 'tls', true);

/**
 * Connection-level failures. Transient: `notSent` codes come from name resolution or from
 * `connect()` (no connection existed, so the request never reached the server); a reset, a broken
 * pipe or a read timeout may come after the server did the work. Permanent: a certificate that
 * does not verify (self-signed, expired, another host's, an unknown issuer) or an other end that
 * does not speak TLS (Node puts OpenSSL's verification code in `code`; a handshake timeout is a
 * timeout), and undici's response larger than `maxResponseSize`, as the next one is.
 */
const NETWORK_CODES: Readonly<Record<string, CodeMeaning>> = {
  ECONNREFUSED: network(true), ENOTFOUND: network(true), EAI_AGAIN: network(true),
  ENETUNREACH: network(true), EHOSTUNREACH: network(true), ENETDOWN: network(true), EHOSTDOWN: network(true),
  ECONNRESET: network(), ECONNABORTED: network(), EPIPE: network(), ENOTCONN: network(),
  ERR_STREAM_PREMATURE_CLOSE: network(),
  ETIMEDOUT: timeout(), ESOCKETTIMEDOUT: timeout(),
  // undici, which backs Node's fetch
  UND_ERR_CONNECT_TIMEOUT: timeout(true), UND_ERR_HEADERS_TIMEOUT: timeout(), UND_ERR_BODY_TIMEOUT: timeout(),
  UND_ERR_SOCKET: network(), UND_ERR_CLOSED: network(),
  UND_ERR_RES_EXCEEDED_MAX_SIZE: codeMeaning('permanent', 'payload_too_large', false),
  DEPTH_ZERO_SELF_SIGNED_CERT: tls, SELF_SIGNED_CERT_IN_CHAIN: tls, UNABLE_TO_VERIFY_LEAF_SIGNATURE: tls,
  UNABLE_TO_GET_ISSUER_CERT: tls, UNABLE_TO_GET_ISSUER_CERT_LOCALLY: tls, UNABLE_TO_GET_CRL: tls, CERT_HAS_EXPIRED: tls,
  CERT_NOT_YET_VALID: tls, CERT_REVOKED: tls, CERT_UNTRUSTED: tls, CERT_REJECTED: tls, CERT_SIGNATURE_FAILURE: tls,
  CERT_CHAIN_TOO_LONG: tls, INVALID_CA: tls, INVALID_PURPOSE: tls, HOSTNAME_MISMATCH: tls, ERR_TLS_CERT_ALTNAME_INVALID: tls,
  ERR_SSL_WRONG_VERSION_NUMBER: tls, ERR_SSL_UNSUPPORTED_PROTOCOL: tls, ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: tls,
};

/**
 * Node's words for the TLS failures above, for clients that keep only the message: grpc-js
 * reports a handshake that failed as `UNAVAILABLE` "No connection established. Last error:
 * Error: self-signed certificate".
 */
export const TLS_FAILURE_MESSAGE = /self[- ]signed certificate|unable to verify the first certificate|unable to get (?:local )?issuer certificate|certificate has expired|certificate is not yet valid|does not match certificate's altnames|wrong version number/i;

/** The verdict for a TLS failure known by its words: permanent, nothing sent. */
export function tlsVerdict(reason: string): Classification {
  return { disposition: tls.disposition, category: tls.category, reason, severity: tls.severity, notProcessed: true };
}

/** System calls that fail before a connection exists: an error from one proves nothing was sent. */
const BEFORE_CONNECTION = new Set(['connect', 'getaddrinfo', 'getaddrinfo6', 'queryA', 'queryAaaa']);

/** How many wrappers {@link networkCodeIn} looks through (ky and the LLM SDKs keep it 2 down). */
const MAX_DEPTH = 4;

function meaningOf(code: unknown): CodeMeaning | undefined {
  return typeof code === 'string' && Object.hasOwn(NETWORK_CODES, code) ? NETWORK_CODES[code] : undefined;
}

/** Whether `code` is a connection-level code of the table above (for the generic rule over `facts.code`). */
export function isNetworkCode(code: string | undefined): boolean {
  return meaningOf(code) !== undefined;
}

/**
 * The verdict for a connection-level code carried by `carrier` (the error whose `code` it is;
 * its `syscall` tells a connect timeout from a read timeout), or `undefined` for other codes.
 */
export function networkVerdict(code: string, carrier: unknown, reason = `code ${code}`): Classification | undefined {
  const meaning = meaningOf(code);
  if (meaning === undefined) return undefined;
  const found: Classification = { disposition: meaning.disposition, category: meaning.category, reason, severity: meaning.severity };
  const syscall = readProperty(carrier, 'syscall');
  if (meaning.notSent || (typeof syscall === 'string' && BEFORE_CONNECTION.has(syscall))) found.notProcessed = true;
  return found;
}

/**
 * The first connection-level code on `error` or the errors it wraps (`cause`, at most
 * {@link MAX_DEPTH} levels), with its verdict: a ky `NetworkError` wraps fetch's `TypeError`,
 * which wraps the system error that has the code. `undefined` when there is none.
 */
export function networkCodeIn(error: unknown, reasonPrefix: string): Classification | undefined {
  let current = error;
  for (let depth = 0; depth <= MAX_DEPTH && current !== null && typeof current === 'object'; depth++) {
    const code = readProperty(current, 'code');
    if (typeof code === 'string' && meaningOf(code) !== undefined) return networkVerdict(code, current, `${reasonPrefix}: code ${code}`);
    current = innerError(current);
  }
  return undefined;
}

/**
 * {@link networkCodeIn}, only where the code is a TLS failure: for a client that names every
 * connection failure alike (the MongoDB driver's `MongoServerSelectionError` holds a
 * `MongoNetworkError` holding Node's `DEPTH_ZERO_SELF_SIGNED_CERT`), whose name says transient
 * while a certificate that does not verify fails the same way on every attempt.
 */
export function tlsFailureIn(error: unknown, reasonPrefix: string): Classification | undefined {
  const found = networkCodeIn(error, reasonPrefix);
  return found?.category === 'tls' ? found : undefined;
}
