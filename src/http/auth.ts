import { HealingConfigError } from '../errors.js';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented token with the configured one in constant time. Both are hashed first, so
 * the compared buffers always have the same length and neither the content nor the length of the
 * secret leaks through timing.
 */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of an `Authorization` header, or `undefined` when there is none. */
export function bearerToken(header: string | null): string | undefined {
  if (header === null) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match === null ? undefined : match[1];
}

/**
 * Why `token` cannot be the `authToken`, or `undefined`. Never quotes the token, not even in part:
 * a config error ends up in logs. A token with whitespace around it (a trailing newline read from
 * a file) or inside it could never match a bearer token, so it is refused rather than silently
 * locking the POST routes.
 */
export function authTokenProblem(token: unknown): string | undefined {
  if (typeof token !== 'string') return `expected a string (got ${token === null ? 'null' : typeof token})`;
  if (token !== token.trim()) return 'has whitespace around it (a trailing newline read from a file?): trim it, since a bearer token never carries it';
  if (!/^[\x21-\x7e]*$/.test(token)) return 'may hold only visible ASCII characters (no spaces, control or non-ASCII characters), as a bearer token does';
  if (token.length < 16) return 'expected a token of at least 16 characters (e.g. crypto.randomBytes(32).toString("hex"))';
  return undefined;
}

/** Throws a {@link HealingConfigError} for `options.authToken` when {@link authTokenProblem} finds one. */
export function checkAuthTokenOption(options: unknown): void {
  let token: unknown;
  try {
    if (options === null || typeof options !== 'object') return; // the schema says what is wrong
    token = (options as { authToken?: unknown }).authToken;
  } catch {
    return; // a throwing getter: the schema reports it
  }
  const problem = token === undefined ? undefined : authTokenProblem(token);
  if (problem !== undefined) throw new HealingConfigError('http.authToken', problem);
}
