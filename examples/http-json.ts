/**
 * A tiny JSON GET over the global `fetch`. On a non-2xx answer it throws an Error that carries
 * the response's `status` and `headers`, which is what the classifier reads (HTTP status, and
 * `Retry-After` for 429/503).
 */
export interface HttpError extends Error {
  status: number;
  headers: Headers;
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as Partial<HttpError>).status === 'number';
}

export async function getJson<T = unknown>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal: signal ?? null, headers: { accept: 'application/json' } });
  const body = await res.text();
  if (!res.ok) {
    throw Object.assign(new Error(`HTTP ${res.status}: ${body}`), { status: res.status, headers: res.headers });
  }
  return JSON.parse(body) as T;
}
