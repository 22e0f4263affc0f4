import { cutAtTokenBoundary } from '../core/cut-text.js';

/** What a match of a secret pattern becomes: a replacement string (`$1` allowed) or a function of the match. */
export type SecretReplacement = string | ((match: string, ...groups: string[]) => string);

/**
 * A pattern, what its matches become, and (optionally) texts of which a match holds at least one:
 * a text with none of them is not scanned, so the common message (a status, a short value) pays
 * a few `includes` instead of a dozen regular expressions.
 */
export type SecretPattern = readonly [pattern: RegExp, replacement: SecretReplacement, needsOneOf?: readonly string[]];

/** Words that make a key name a secret wherever they appear in it: `secret_key`, `x-api-key`, `aws_secret_access_key`. */
const SECRET_WORD = 'secret|token|password|passwd|passphrase|api[_-]?key|apikey|access[_-]?key|private[_-]?key|authori[sz]ation|cookie|session[_-]?id|credentials?|signature';
/** Short key names that are secrets only as the whole key (as a part they are everywhere: `spin`, `signal`). */
const SECRET_WHOLE_KEY = 'cvv|cvc|pin|sig';
const KEY_CHAR = 'A-Za-z0-9_.-';
/** A number under a key that counts tokens (`max_tokens: 4096`) is a count the reader needs, not a secret. */
const TOKEN_COUNT_KEY = /tokens|token[-_]?(?:count|limit|usage)/i;

/**
 * `key=value`, `key: value`, `"key": "value"`, `?key=value&` and `Header: value` pairs whose key
 * holds a secret word anywhere. The key starts where key characters start (so `max_tokens` is
 * read whole); a quoted value is taken whole, an unterminated one up to the end of the text.
 */
const SECRET_PAIR = new RegExp(
  `(?<![${KEY_CHAR}])((?:[${KEY_CHAR}]*(?:${SECRET_WORD})[${KEY_CHAR}]*|${SECRET_WHOLE_KEY})["']?\\s*[:=]\\s*)` +
  `("[^"\\n]*(?:"|$)|'[^'\\n]*(?:'|$)|[^\\s"',;&]+)`, 'gi');

/**
 * Headers whose whole value is a secret, however it is written: `Authorization: Token abc`
 * (a scheme, a space, a short token), `Cookie: theme=dark; sid=...` (many pairs). The value runs
 * to the end of the line; a quoted one to its closing quote.
 */
const SECRET_HEADER = /(?<![A-Za-z0-9_-])((?:proxy-)?authori[sz]ation|(?:set-)?cookie)(["']?\s*[:=]\s*)("[^"\n]*(?:"|$)|'[^'\n]*(?:'|$)|[^\n"']+)/gi;

/**
 * Credentials in a URL: `scheme://user:password@host`, or only a password (`redis://:password@host`).
 * A raw `@` in the user or the password is tolerated by parsers (WHATWG URL, ioredis), which end
 * the userinfo at the last `@` before the host: so does this, within the URL (up to a space, a `/`
 * or a `"`, so an address later in the text, the next URL or the next JSON field stay).
 */
const URL_CREDENTIALS = /(\/\/[^\s:/"]{0,256}:)[^\s/"]{1,256}@/g;

/** A PEM private key, also inside JSON (its line breaks escaped as `\n`): up to its END line, or the end of the text. */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

function redactPair(match: string, key: string, value: string): string {
  return TOKEN_COUNT_KEY.test(key) && /^\d+$/.test(value) ? match : `${key}[REDACTED]`;
}

/**
 * Patterns of secrets that must not leave the process in logs, action details or reflection
 * prompts: bearer tokens, API-key-shaped strings, AWS credentials, and `key=value` pairs whose
 * key names a secret.
 */
export const SECRET_PATTERNS: ReadonlyArray<SecretPattern> = [
  [PRIVATE_KEY_PEM, '[REDACTED]', ['PRIVATE KEY']],
  [SECRET_HEADER, '$1$2[REDACTED]', [':', '=']],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  [/\b(sk|pk|rk)[-_](?:(?:live|test|proj)[-_])?[A-Za-z0-9_-]{8,}/g, '[REDACTED]'],
  // GitHub: personal (ghp_, github_pat_), OAuth (gho_), user-to-server (ghu_), server-to-server (ghs_), refresh (ghr_).
  [/\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{8,}/g, '[REDACTED]', ['gh', 'github_pat']],
  // Slack: bot, user, legacy workspace, refresh, legacy (xoxs-, and xoxo- followed by a digit, as
  // `xoxo` alone is a word), rotating (`xoxe-` and `xoxe.xoxp-`), and app-level (xapp-) tokens.
  [/\b(?:xoxe\.)?(?:xox[abeprs]|xoxo(?=-\d)|xapp)-[A-Za-z0-9-]{10,}/g, '[REDACTED]', ['xox', 'xapp']],
  // AWS access key ids: long-term (AKIA) and temporary, from STS (ASIA).
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '[REDACTED]', ['AKIA', 'ASIA']],
  // An AWS secret access key on its own: 40 characters of base64 mixing upper and lower case
  // with a digit, `/` or `+` (a hex digest, all lower case, is left alone).
  [/(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, '[REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[REDACTED]', ['eyJ']],
  [URL_CREDENTIALS, '$1[REDACTED]@', ['@']],
  [SECRET_PAIR, redactPair, [':', '=']],
];

/** What a redacted value is replaced with. */
/** Key names whose values are secrets (strings, numbers and objects alike: `pin: 1234` is one). */
const SECRET_KEY = /api[-_]?key|apikey|access[-_]?key|authori[sz]ation|password|passwd|passphrase|secret|token|cookie|credential|private[-_]?key|session[-_]?id|cvv|cvc|(?:^|[-_])pin(?:[-_]?code)?$|[a-z]Pin(?:Code)?$/i;


/**
 * Whether a value under the key `key` is a secret by its name: strings, numbers and objects alike
 * (`pin: 1234` is one), except a number under a key that counts tokens.
 * @example
 * ```ts
 * isSecretKeyName('apiKey', 9876543210); // true
 * isSecretKeyName('maxTokens', 512); // false
 * ```
 */
export function isSecretKeyName(key: string, value: unknown): boolean {
  if ((typeof value === 'number' || typeof value === 'bigint') && TOKEN_COUNT_KEY.test(key)) return false;
  return SECRET_KEY.test(key);
}

export const REDACTED = '[REDACTED]';

export const MAX_MESSAGE_LENGTH = 500;
/**
 * How much of a message the patterns read. Far more than is kept, so every secret that could
 * show in the kept part is seen whole; what lies past it is never shown, so never scanned.
 */
const SCAN_LENGTH = MAX_MESSAGE_LENGTH * 4;

/** Stack frames (`    at fn (file:1:2)`) pasted into a message: they say nothing a model or a log reader needs. */
const STACK_FRAME_LINE = /\n[ \t]*at [^\n]*/g;

/**
 * Removes secrets from a message and truncates it, for logs and `HealingAction.error`.
 *
 * @example
 * ```ts
 * redactMessage('401 for Authorization: Bearer abc.def.ghi'); // '401 for Authorization: [REDACTED]'
 * ```
 */
export function redactMessage(message: string): string {
  // The same message is often redacted several times in a row (one per action of an execution,
  // and across executions while a dependency is down): remember the last one.
  if (message === lastMessage) return lastRedacted;
  const redacted = redactText(message, SECRET_PATTERNS);
  // Remembered only once redacting succeeded, so a failure can never serve another message's text.
  lastMessage = message;
  lastRedacted = redacted;
  return redacted;
}

let lastMessage: string | undefined;
let lastRedacted = '';

/** Applies `patterns` to `message`, strips stack frames and truncates. */
export function redactText(message: string, patterns: ReadonlyArray<SecretPattern>): string {
  // Secrets out first, truncation after: a secret cut first would lose the part its pattern needs.
  let text = cutAtTokenBoundary(message, SCAN_LENGTH);
  const cut = text.length < message.length;
  if (text.includes('\n')) text = text.replace(STACK_FRAME_LINE, '');
  text = applyPatterns(text, patterns);
  return cut || text.length > MAX_MESSAGE_LENGTH ? `${cutAtTokenBoundary(text, MAX_MESSAGE_LENGTH)}… [truncated]` : text;
}

/** Replaces every match of every pattern, in order. */
export function applyPatterns(text: string, patterns: ReadonlyArray<SecretPattern>): string {
  let redacted = text;
  for (const [pattern, replacement, needsOneOf] of patterns) {
    if (needsOneOf !== undefined && !needsOneOf.some((needed) => redacted.includes(needed))) continue;
    // The cast: TypeScript's overloads of replace() take a string or a function, not their union.
    redacted = redacted.replace(pattern, replacement as string);
  }
  return redacted;
}
