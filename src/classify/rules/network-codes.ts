import type { Classification } from '../classification.js';
import { innerError, readProperty } from '../error-facts.js';
import { defaultSeverity, type Severity } from '../severity.js';

/**
 * What a connection-level code means: its category (and that category's severity, read once
 * here rather than per classification), and whether it proves nothing was sent.
 */
interface CodeMeaning { readonly category: 'network' | 'timeout'; readonly severity: Severity; readonly notSent: boolean }

const network = (notSent = false): CodeMeaning => ({ category: 'network', severity: defaultSeverity('network'), notSent });
const timeout = (notSent = false): CodeMeaning => ({ category: 'timeout', severity: defaultSeverity('timeout'), notSent });

/**
 * Connection-level failures, all transient. `notSent` codes come from name resolution or from
 * `connect()`: no connection existed, so the request never reached the server. A reset, a broken
 * pipe or a read timeout may come after the server did the work.
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
};

/**
 * TLS failures that another attempt meets again: the certificate does not verify (self-signed,
 * expired, another host's, an unknown issuer) or the other end does not speak TLS at all. Node
 * puts OpenSSL's verification code in `code`. Permanent, `notProcessed`: the handshake failed, so
 * no request was sent. (A handshake timeout is not here: it is a timeout.)
 */
const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_CRL', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG', 'INVALID_CA', 'INVALID_PURPOSE', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
]);

/**
 * Node's words for those failures, for clients that keep only the message: grpc-js reports a
 * handshake that failed as `UNAVAILABLE` "No connection established. Last error: Error:
 * self-signed certificate".
 */
export const TLS_FAILURE_MESSAGE = /self[- ]signed certificate|unable to verify the first certificate|unable to get (?:local )?issuer certificate|certificate has expired|certificate is not yet valid|does not match certificate's altnames|wrong version number/i;

/** Whether `code` is a TLS failure that another attempt meets again. */
export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.has(code);
}

/** The verdict for a TLS failure's `code`: permanent, nothing sent. */
export function tlsVerdict(code: string, reason = `TLS ${code}`): Classification {
  return { disposition: 'permanent', category: 'tls', reason, severity: defaultSeverity('tls'), notProcessed: true };
}

/** undici's code for a response larger than `maxResponseSize`: the next one is as large. */
export const RESPONSE_TOO_LARGE = 'UND_ERR_RES_EXCEEDED_MAX_SIZE';

/** System calls that fail before a connection exists: an error from one proves nothing was sent. */
const BEFORE_CONNECTION = new Set(['connect', 'getaddrinfo', 'getaddrinfo6', 'queryA', 'queryAaaa']);

/** How many wrappers {@link networkCodeIn} looks through (ky and the LLM SDKs keep it 2 down). */
const MAX_DEPTH = 4;

function meaningOf(code: unknown): CodeMeaning | undefined {
  return typeof code === 'string' && Object.hasOwn(NETWORK_CODES, code) ? NETWORK_CODES[code] : undefined;
}

/** Whether `code` is a connection-level code (for the generic rule over `facts.code`). */
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
  const found: Classification = { disposition: 'transient', category: meaning.category, reason, severity: meaning.severity };
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
    if (typeof code === 'string' && TLS_CODES.has(code)) return tlsVerdict(code, `${reasonPrefix}: TLS ${code}`);
    current = innerError(current);
  }
  return undefined;
}
