/**
 * The request target read as RFC 9112 says a server reads it, never as a browser resolves a link.
 * `new URL('//evil.example/stats', base)` takes `evil.example` for a host and `/stats` for the
 * path, so a target starting with `//` would route past a reverse proxy's path rules: here a target
 * starting with `/` is a path, whole (`//x` stays `//x` and matches no route).
 */

/** What the node adapter hands the handler: the target on `http://localhost`, and the absolute form's authority. */
export interface ParsedTarget {
  readonly url: URL;
  /** The authority of an absolute-form target (`GET http://host/x`), which stands in for `Host`. */
  readonly authority?: string;
}

/**
 * Parses a raw request target: origin-form (`/path?query`) or absolute-form
 * (`http://host/path?query`); anything else (`*`, `evil.example/x`) is `undefined`.
 */
export function parseRequestTarget(target: string): ParsedTarget | undefined {
  if (target.startsWith('/')) return tryUrl(`http://localhost${target}`);
  if (!/^https?:\/\/[^/?#]/i.test(target)) return undefined;
  const absolute = tryUrl(target);
  if (absolute === undefined) return undefined;
  const url = tryUrl(`http://localhost${absolute.url.pathname}${absolute.url.search}`);
  return url === undefined ? undefined : { url: url.url, authority: absolute.url.host };
}

function tryUrl(text: string): { url: URL } | undefined {
  try {
    return { url: new URL(text) };
  } catch {
    return undefined;
  }
}

/** The route path of `url` under `basePath` (`''` for the base itself), or `undefined` outside it. */
export function routePath(url: string, basePath: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (basePath === '') return pathname;
  if (pathname === basePath) return '';
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

/** A path segment percent-decoded (`pay%2Fments` is the name `pay/ments`), or `undefined` when malformed. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Methods a Fetch `Request` cannot carry (`new Request(url, { method: 'TRACE' })` throws). The node
 * adapter builds such a request as a GET and records the real method here, so the handler answers
 * 405 with `Allow` rather than failing: a WeakMap the client cannot write to.
 */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const realMethods = new WeakMap<Request, string>();

/** The method to build a `Request` with: the request's own, or GET for one Fetch forbids. */
export function fetchableMethod(method: string): string {
  return FORBIDDEN_METHODS.has(method.toUpperCase()) ? 'GET' : method;
}

/** Records the method a request really came with, when it differs from `request.method`. */
export function rememberMethod(request: Request, method: string): void {
  if (request.method !== method) realMethods.set(request, method);
}

/** The method the client sent. */
export function methodOf(request: Request): string {
  return realMethods.get(request) ?? request.method;
}
