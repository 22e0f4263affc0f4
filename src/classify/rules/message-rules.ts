import type { Classification, Disposition } from '../classification.js';
import { statusVerdict } from './http-status.js';
import { providerMessageVerdict } from './llm-provider.js';
import { networkVerdict } from './network-codes.js';
import { verdict } from '../verdict.js';

/** A status written in the message with its reason phrase: "404 Not Found", "503 Service Unavailable". */
const STATUS_WITH_PHRASE = /\b([45]\d\d) (?:Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|Request Timeout|Conflict|Gone|Payload Too Large|Content Too Large|Unprocessable (?:Entity|Content)|Too Early|Too Many Requests|Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Timeout)\b/i;
/** A status named as one: "HTTP 503", "HTTP/1.1 502", "status 404", "status code: 429". */
const STATUS_NAMED = /\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: code)?)[ :=]{1,3}([45]\d\d)\b/i;
/** A connection code written in the message: "connect ECONNREFUSED 10.0.0.1:5432". */
const CODE_IN_MESSAGE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)\b/;

/**
 * Message patterns for errors that carry no status or code, tried in order. Every pattern runs in
 * linear time (no unbounded `.*` between two alternatives): messages can be megabytes.
 */
const MESSAGE_PATTERNS: ReadonlyArray<readonly [RegExp, Disposition, string]> = [
  [/invalid[ _-]?api[ _-]?key|incorrect api key|api key (is )?(missing|invalid|revoked)|unauthori[sz]ed|authentication failed/i, 'permanent', 'auth'],
  [/rate[ _-]?limit|too many requests|quota exceeded, retry/i, 'transient', 'rate_limit'],
  [/service unavailable|temporarily unavailable|overloaded|bad gateway|gateway timeout|try again later/i, 'transient', 'unavailable'],
  [/timed? ?out|timeout/i, 'transient', 'timeout'],
  [/socket hang up|connection (reset|refused|closed)/i, 'transient', 'network'],
  // The gap is bounded: an unbounded `.*` here takes quadratic time on a long message.
  [/invalid\b[^\n]{0,80}?\b(format|parameter|param|argument|arg|value|input)s?\b/i, 'recoverable', 'invalid_arguments'],
];

/**
 * What the message alone says: a provider's wording (context too long, credit spent), then a
 * status or a connection code written in it, then the patterns above.
 */
export function classifyByMessage(message: string): Classification | undefined {
  const provider = providerMessageVerdict(message, 'message');
  if (provider !== undefined) return provider;
  const status = STATUS_WITH_PHRASE.exec(message)?.[1] ?? STATUS_NAMED.exec(message)?.[1];
  if (status !== undefined) {
    const byStatus = statusVerdict(Number(status), `status ${status} in the message`);
    if (byStatus !== undefined) return byStatus;
  }
  const code = CODE_IN_MESSAGE.exec(message)?.[1];
  if (code !== undefined) return networkVerdict(code, undefined, `code ${code} in the message`);
  for (const [pattern, disposition, category] of MESSAGE_PATTERNS) {
    if (pattern.test(message)) return verdict(disposition, category, `message matches ${pattern.source.slice(0, 40)}`);
  }
  return undefined;
}
