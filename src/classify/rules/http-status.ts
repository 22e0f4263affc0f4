import type { Classification, Disposition } from '../classification.js';
import type { ErrorFacts } from '../error-facts.js';
import { providerMessageVerdict } from './llm-provider.js';
import { defaultSeverity, type Severity } from '../severity.js';
import { verdict } from '../verdict.js';

interface StatusMeaning { readonly disposition: Disposition; readonly category: string; readonly notProcessed?: true }

/**
 * What each status means. 421 (Misdirected Request) and 425 (Too Early, RFC 8470) say the server
 * did not process the request, so a non-idempotent call may run again; no other status proves
 * it (a 503 or a 429 may come after part of the work).
 */
const STATUS: Readonly<Record<number, StatusMeaning & { readonly severity: Severity }>> = withSeverities({
  400: { disposition: 'recoverable', category: 'invalid_request' },
  401: { disposition: 'permanent', category: 'auth' },
  402: { disposition: 'permanent', category: 'quota' },
  403: { disposition: 'permanent', category: 'auth' },
  404: { disposition: 'permanent', category: 'not_found' },
  408: { disposition: 'transient', category: 'timeout' },
  409: { disposition: 'permanent', category: 'conflict' },
  410: { disposition: 'permanent', category: 'not_found' },
  413: { disposition: 'permanent', category: 'payload_too_large' },
  421: { disposition: 'transient', category: 'misdirected', notProcessed: true },
  422: { disposition: 'recoverable', category: 'invalid_request' },
  425: { disposition: 'transient', category: 'too_early', notProcessed: true },
  429: { disposition: 'transient', category: 'rate_limit' },
  500: { disposition: 'transient', category: 'server_error' },
  501: { disposition: 'permanent', category: 'unimplemented' },
  502: { disposition: 'transient', category: 'server_error' },
  503: { disposition: 'transient', category: 'unavailable' },
  504: { disposition: 'transient', category: 'timeout' },
  529: { disposition: 'transient', category: 'overloaded' },
});

/** Each meaning with its category's severity, read once here rather than per classification. */
function withSeverities(table: Record<number, StatusMeaning>): Record<number, StatusMeaning & { severity: Severity }> {
  return Object.fromEntries(Object.entries(table).map(([status, meaning]) => [status, { ...meaning, severity: defaultSeverity(meaning.category) }]));
}

/** Statuses whose message may say more than the status (a context that is too long, a spent credit). */
const REFINED_BY_MESSAGE = new Set([400, 403, 413, 429]);

/**
 * The verdict for an HTTP status alone: the table above, other 5xx but 505 transient
 * `server_error`, other 4xx and 505 permanent `client_error`; `undefined` below 400.
 *
 * @example
 * ```ts
 * statusVerdict(404, 'HTTP 404'); // { disposition: 'permanent', category: 'not_found', reason: 'HTTP 404', severity: 'medium' }
 * ```
 */
export function statusVerdict(status: number, reason: string): Classification | undefined {
  const known = STATUS[status];
  if (known !== undefined) {
    const found: Classification = { disposition: known.disposition, category: known.category, reason, severity: known.severity };
    if (known.notProcessed) found.notProcessed = true;
    return found;
  }
  if (status >= 500 && status !== 505) return verdict('transient', 'server_error', reason);
  if (status >= 400) return verdict('permanent', 'client_error', reason);
  return undefined;
}

/**
 * The HTTP status rule: a 400, 403, 413 or 429 whose message says the context is too long or the
 * credit is spent is permanent first (the README's promise: context length is permanent), else
 * the status decides.
 */
export function classifyByStatus(facts: ErrorFacts): Classification | undefined {
  const { status } = facts;
  if (status === undefined) return undefined;
  if (REFINED_BY_MESSAGE.has(status)) {
    const refined = providerMessageVerdict(facts.message, `HTTP ${status}`);
    if (refined !== undefined) return refined;
  }
  return statusVerdict(status, `HTTP ${status}`);
}
