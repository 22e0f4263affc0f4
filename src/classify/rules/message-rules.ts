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

/** The longest message whose verdict is kept: a longer one is scanned each time, never held. */
export const MAX_REMEMBERED_MESSAGE_LENGTH = 512;
/** How many messages' verdicts are kept before all are dropped (at most 128 × 512 characters). */
export const MAX_REMEMBERED_MESSAGES = 128;

/**
 * The verdicts of the messages seen last (`null`: no pattern matched). The patterns are a pure
 * function of the text, and a dependency that fails fails with the same message again and again
 * (an outage repeats one message thousands of times): so each distinct message is scanned once
 * while it is here, not by up to eleven regular expressions per failure. Dropped whole when full,
 * so a stream of distinct messages costs a copy of its text and a `Map.set` each, never a growing
 * map. The text is kept in this process's memory only, never logged or sent.
 */
const remembered = new Map<string, Classification | null>();

/**
 * What the message alone says: a provider's wording (context too long, credit spent), then a
 * status or a connection code written in it, then the patterns above. Each call gets a verdict
 * of its own, which the caller may change (a cause's prefix, a severity, `retryAfterMs`).
 */
export function classifyByMessage(message: string): Classification | undefined {
  if (message.length > MAX_REMEMBERED_MESSAGE_LENGTH) return scanMessage(message);
  const known = remembered.get(message);
  if (known !== undefined) return known === null ? undefined : { ...known };
  const found = scanMessage(message);
  if (remembered.size >= MAX_REMEMBERED_MESSAGES) remembered.clear();
  remembered.set(detached(message), found === undefined ? null : { ...found });
  return found;
}

/**
 * A copy of `text` that holds nothing else alive. A message cut from a larger string (a response
 * body's first 200 characters) can be a V8 slice that keeps the whole body in memory for as long
 * as the slice lives; kept here, 128 of them could hold 128 bodies. The concatenation is
 * flattened into a new string by `slice`, so what is kept is at most 513 characters of its own.
 */
function detached(text: string): string {
  return ` ${text}`.slice(1);
}

/** How many messages' verdicts are kept now (for tests). @internal */
export function rememberedMessages(): number {
  return remembered.size;
}

function scanMessage(message: string): Classification | undefined {
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
