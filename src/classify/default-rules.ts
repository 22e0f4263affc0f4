import { AttemptTimeoutError, CircuitOpenError } from '../errors.js';
import type { Classification, Disposition } from './classification.js';
import { isInstance } from '../core/guards.js';
import type { ErrorFacts } from './error-facts.js';
import { classifyByInfraFamilies } from './families/infra.js';

/** Connection-level failures: the request may never have reached the server. */
const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ENETUNREACH',
  'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENOTCONN', 'ESOCKETTIMEDOUT', 'ENOTFOUND',
  // undici, which backs Node's fetch
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** Codes that prove the request never left: no connection was made, or the host was never found. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** What each runtime's fetch says when the network fails (they all throw a plain `TypeError`). */
const FETCH_NETWORK_MESSAGE = /^(fetch failed|failed to fetch|network ?error|networkerror when attempting to fetch resource\.?|load failed|terminated|network connection was lost\.?)$/i;

/**
 * The caller's own abort, as each client reports it: fetch and undici, the AWS SDK and got
 * (`AbortError`), axios (`CanceledError`, `ERR_CANCELED`), got (`ERR_ABORTED`), the OpenAI and
 * Anthropic SDKs (`APIUserAbortError`). Retrying would override the caller's decision. The
 * pipeline's own attempt timeout is an `AttemptTimeoutError`, matched before this, and stays a
 * transient timeout.
 */
const ABORT_NAMES = new Set(['AbortError', 'CanceledError', 'APIUserAbortError']);
const ABORT_CODES = new Set(['ERR_CANCELED', 'ERR_ABORTED', 'ABORT_ERR']);

/**
 * What an LLM provider's error code or message says beyond its HTTP status, read before the
 * status: OpenAI's `insufficient_quota` arrives as a 429 but is a billing state, and a context
 * that is too long arrives as a 400 but no repair of the same args makes it shorter.
 */
const PROVIDER_CODES: Readonly<Record<string, readonly [Disposition, string]>> = {
  insufficient_quota: ['permanent', 'quota'],
  billing_hard_limit_reached: ['permanent', 'quota'],
  context_length_exceeded: ['permanent', 'context_length'],
  string_above_max_length: ['permanent', 'context_length'],
};
const PROVIDER_MESSAGES: ReadonlyArray<readonly [RegExp, Disposition, string]> = [
  [/context[ _-]?length|maximum context|context window|prompt is too long|too many tokens/i, 'permanent', 'context_length'],
  [/credit balance is too low|insufficient[ _]quota|exceeded your current quota/i, 'permanent', 'quota'],
];

interface StatusVerdict { disposition: Disposition; category: string }

const STATUS: Record<number, StatusVerdict> = {
  400: { disposition: 'recoverable', category: 'invalid_request' },
  401: { disposition: 'permanent', category: 'auth' },
  403: { disposition: 'permanent', category: 'auth' },
  404: { disposition: 'permanent', category: 'not_found' },
  408: { disposition: 'transient', category: 'timeout' },
  422: { disposition: 'recoverable', category: 'invalid_request' },
  425: { disposition: 'transient', category: 'too_early' },
  429: { disposition: 'transient', category: 'rate_limit' },
  500: { disposition: 'transient', category: 'server_error' },
  502: { disposition: 'transient', category: 'server_error' },
  503: { disposition: 'transient', category: 'unavailable' },
  504: { disposition: 'transient', category: 'timeout' },
};

/**
 * Message patterns, tried in order, for errors that carry no status or code. Every pattern must
 * run in linear time (no unbounded `.*` between two alternatives): messages can be megabytes.
 */
const MESSAGE_PATTERNS: ReadonlyArray<readonly [RegExp, Disposition, string]> = [
  [/invalid[ _-]?api[ _-]?key|incorrect api key|api key (is )?(missing|invalid|revoked)|unauthori[sz]ed|authentication failed/i, 'permanent', 'auth'],
  [/context[ _-]?length|maximum context|context window|too many tokens|prompt is too long/i, 'permanent', 'context_length'],
  [/rate[ _-]?limit|too many requests|quota exceeded, retry/i, 'transient', 'rate_limit'],
  [/service unavailable|temporarily unavailable|overloaded|bad gateway|gateway timeout|try again later/i, 'transient', 'unavailable'],
  [/timed? ?out|timeout/i, 'transient', 'timeout'],
  [/socket hang up|connection (reset|refused|closed)/i, 'transient', 'network'],
  // The gap is bounded: an unbounded `.*` here takes quadratic time on a long message.
  [/invalid\b[^\n]{0,80}?\b(format|parameter|param|argument|arg|value|input)s?\b/i, 'recoverable', 'invalid_arguments'],
];

function verdict(disposition: Disposition, category: string, reason: string): Classification {
  return { disposition, category, reason };
}

/** A provider code's verdict; own keys only, so `code: '__proto__'` is no code at all. */
function providerVerdict(code: string | undefined): readonly [Disposition, string] | undefined {
  return code !== undefined && Object.hasOwn(PROVIDER_CODES, code) ? PROVIDER_CODES[code] : undefined;
}

/** The error's class name (the OpenAI SDK's APIUserAbortError keeps `name` as plain 'Error'). */
function classNameOf(error: unknown): string {
  try {
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}

/** The error's `type` (OpenAI's APIError carries `insufficient_quota` there too). */
function typeOf(error: unknown): string {
  try {
    const type = (error as { type?: unknown }).type;
    return typeof type === 'string' ? type : '';
  } catch {
    return '';
  }
}

function readIssues(error: unknown): unknown {
  try {
    return (error as { issues?: unknown }).issues;
  } catch {
    return undefined;
  }
}

function isZodLikeError(error: unknown, facts: ErrorFacts): boolean {
  return facts.name === 'ZodError' || facts.name === '$ZodError' ||
    (isInstance(error, Error) && Array.isArray(readIssues(error)));
}

/**
 * The built-in classification, in order of precedence: the library's own errors, connection
 * codes, HTTP status, fetch network failures, timeouts by name, error types, then message
 * patterns. `undefined` when nothing matched.
 */
export function classifyByDefaults(error: unknown, facts: ErrorFacts): Classification | undefined {
  if (isInstance(error, AttemptTimeoutError)) return verdict('transient', 'timeout', 'attempt timed out');
  if (isInstance(error, CircuitOpenError)) return verdict('permanent', 'circuit_open', 'circuit open');

  if (ABORT_NAMES.has(facts.name) || (facts.code !== undefined && ABORT_CODES.has(facts.code)) || ABORT_NAMES.has(classNameOf(error))) {
    return verdict('permanent', 'aborted', `the caller aborted (${ABORT_NAMES.has(facts.name) ? facts.name : facts.code ?? classNameOf(error)})`);
  }

  // Temporary wiring (issue 15): the engine's family list takes these at merge.
  const byFamily = classifyByInfraFamilies(error, facts);
  if (byFamily) return byFamily;

  const providerKey = providerVerdict(facts.code) !== undefined ? facts.code! : typeOf(error);
  const providerCode = providerVerdict(providerKey);
  if (providerCode !== undefined) return verdict(providerCode[0], providerCode[1], `provider code ${providerKey}`);
  if (facts.status === 400 || facts.status === 403 || facts.status === 413 || facts.status === 429) {
    for (const [pattern, disposition, category] of PROVIDER_MESSAGES) {
      if (pattern.test(facts.message)) return verdict(disposition, category, `HTTP ${facts.status}: ${category.replace('_', ' ')}`);
    }
  }

  if (facts.code !== undefined && NETWORK_CODES.has(facts.code)) {
    const network = verdict('transient', facts.code === 'ETIMEDOUT' ? 'timeout' : 'network', `code ${facts.code}`);
    if (NOT_SENT_CODES.has(facts.code)) network.notProcessed = true;
    return network;
  }

  if (facts.status !== undefined) {
    const known = STATUS[facts.status];
    if (known) return verdict(known.disposition, known.category, `HTTP ${facts.status}`);
    // Other 5xx may pass; other 4xx will not change by asking again.
    if (facts.status >= 500 && facts.status !== 501 && facts.status !== 505) {
      return verdict('transient', 'server_error', `HTTP ${facts.status}`);
    }
    if (facts.status >= 400) return verdict('permanent', 'client_error', `HTTP ${facts.status}`);
  }

  if (facts.name === 'TypeError' && FETCH_NETWORK_MESSAGE.test(facts.message.trim())) {
    return verdict('transient', 'network', 'fetch network failure');
  }
  if (facts.name === 'TimeoutError') return verdict('transient', 'timeout', 'TimeoutError');
  if (facts.name === 'SyntaxError' || isInstance(error, SyntaxError)) {
    return verdict('recoverable', 'malformed_output', 'SyntaxError');
  }
  if (isZodLikeError(error, facts)) return verdict('recoverable', 'invalid_arguments', 'schema validation failed');
  if (facts.name === 'ValidationError') return verdict('recoverable', 'invalid_arguments', 'ValidationError');

  // A TypeError the called code raised itself means it was handed a value of the wrong type. It
  // comes before the message patterns: "reading 'timeout'" is a type mismatch, not a timeout.
  if (facts.name === 'TypeError' || isInstance(error, TypeError)) {
    return verdict('recoverable', 'type_mismatch', 'TypeError');
  }

  for (const [pattern, disposition, category] of MESSAGE_PATTERNS) {
    if (pattern.test(facts.message)) return verdict(disposition, category, `message matches ${pattern.source.slice(0, 40)}`);
  }
  return undefined;
}
