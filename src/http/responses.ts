/** The handler's JSON answers and its route shape, shared by the route tables. */

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function problem(status: number, message: string, headers?: Record<string, string>): Response {
  return json(status, { error: message }, headers);
}

export function notConfigured(what: 'statistics' | 'monitor' | 'history'): Response {
  return problem(404, `no ${what} on this endpoint: pass \`${what}\` to createHealingHandler`);
}

/** One route: a method, a path pattern, and what answers it (POST routes are authorised first). */
export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  run(match: RegExpExecArray, request: Request, body: Record<string, unknown>): Response | Promise<Response>;
}

/** `?component=` of a request: absent, a name, or a 400 for an empty or repeated one. */
export function componentOf(request: Request): { name?: string } | Response {
  const values = new URL(request.url).searchParams.getAll('component');
  if (values.length === 0) return {};
  if (values.length > 1 || values[0]!.length === 0) return problem(400, 'component must be given once, as a non-empty name');
  return { name: values[0]! };
}
