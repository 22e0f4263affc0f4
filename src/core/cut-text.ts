/**
 * Characters a token is made of (keys, JWTs, base64, URLs' paths): a cut that falls between two
 * of them is inside a token.
 */
function isTokenChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ||
    code === 45 || code === 46 || code === 95 || code === 43 || code === 47 || code === 61 || code === 126 || code === 37; // - . _ + / = ~ %
}

/**
 * The first `max` characters of `text`, or fewer: when the cut would fall inside a token (a key,
 * a JWT, a base64 blob), the whole token is dropped, so a cut never leaves the first characters
 * of a secret behind, and a partial secret can never slip past a pattern that needs all of it.
 *
 * @example
 * ```ts
 * cutAtTokenBoundary('key AKIAIOSFODNN7EXAMPLE', 10); // 'key '
 * ```
 */
export function cutAtTokenBoundary(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  if (isTokenChar(text.charCodeAt(end))) {
    while (end > 0 && isTokenChar(text.charCodeAt(end - 1))) end--;
  }
  return text.slice(0, end);
}
