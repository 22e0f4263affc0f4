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
    current = innerError(current);
  }
  return undefined;
}
