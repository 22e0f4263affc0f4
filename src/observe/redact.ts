/**
 * Patterns of secrets that must not leave the process in logs, action details or reflection
 * prompts: bearer tokens, API-key-shaped strings, and `key=value` pairs whose key names a secret.
 */
export const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  [/\b(sk|pk|rk)[-_](?:(?:live|test|proj)[-_])?[A-Za-z0-9_-]{8,}/g, '[REDACTED]'],
  [/\b(ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{8,}/g, '[REDACTED]'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, '[REDACTED]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '[REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[REDACTED]'],
  // Credentials in a URL: scheme://user:password@host
  [/(\/\/[^\s:/@]{1,256}:)[^\s/@]{1,256}@/g, '$1[REDACTED]@'],
  // key=value and "key": "value" pairs whose key names a secret; a quoted value is taken whole.
  [/((?:api[_-]?key|apikey|x-api-key|token|secret|password|passwd|passphrase|authorization|cookie|session[_-]?id|credentials?|private[_-]?key|cvv|cvc|pin)["']?\s*[:=]\s*)("[^"\n]{0,512}"|'[^'\n]{0,512}'|[^\s"',;&]+)/gi, '$1[REDACTED]'],
];

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

export const MAX_MESSAGE_LENGTH = 500;

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
export function redactText(message: string, patterns: ReadonlyArray<readonly [RegExp, string]>): string {
  let text = message.length > MAX_MESSAGE_LENGTH * 2 ? message.slice(0, MAX_MESSAGE_LENGTH * 2) : message;
  if (text.includes('\n')) text = text.replace(STACK_FRAME_LINE, '');
  for (const [pattern, replacement] of patterns) text = text.replace(pattern, replacement);
  return truncate(text);
}

/** Truncates to {@link MAX_MESSAGE_LENGTH}, saying so. */
export function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}… [truncated]` : text;
}
