/**
 * Patterns of secrets that must not leave the process in logs or action details: bearer tokens,
 * API-key-shaped strings, and `key=value` pairs whose key names a secret.
 */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  [/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, '[REDACTED]'],
  [/\b(ghp|gho|github_pat|xox[abpr])_[A-Za-z0-9_]{8,}/g, '[REDACTED]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '[REDACTED]'],
  [/((?:api[_-]?key|apikey|token|secret|password|passwd|authorization|x-api-key)["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1[REDACTED]'],
];

const MAX_MESSAGE_LENGTH = 500;

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
  lastMessage = message;
  lastRedacted = redact(message);
  return lastRedacted;
}

let lastMessage: string | undefined;
let lastRedacted = '';

function redact(message: string): string {
  let text = message.length > MAX_MESSAGE_LENGTH * 2 ? message.slice(0, MAX_MESSAGE_LENGTH * 2) : message;
  for (const [pattern, replacement] of SECRET_PATTERNS) text = text.replace(pattern, replacement);
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}… [truncated]` : text;
}
