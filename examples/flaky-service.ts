/**
 * A small, deliberately flaky HTTP service for the examples. It listens on 127.0.0.1 with an
 * ephemeral port (port 0), so several instances (the demo, parallel tests) never collide.
 *
 * Routes (each counts its own hits; admin requests are not counted):
 *
 *   GET /orders/42           503 for the first 2 requests, then 200
 *   GET /rates               429 with `Retry-After: <retry_after query, default 1>` once, then 200
 *   GET /profile             always 401 (a bad token never gets better)
 *   GET /events?date=...     422 unless `date` is YYYY-MM-DD, then 200
 *   GET /inventory           503 while marked down, else 200
 *
 *   GET  /_admin/hits                      { "<route>": hits, ... }
 *   POST /_admin/down?route=/inventory     mark a route down (503)
 *   POST /_admin/up?route=/inventory       mark it up again
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlakyServiceOptions {
  /** How many requests to /orders/42 fail with 503 before it answers. Default 2. */
  ordersFailures?: number;
}

export interface FlakyService {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly baseUrl: string;
  readonly port: number;
  /** Requests that reached `route` (a pathname such as `/inventory`). */
  hits(route: string): number;
  /** Marks `route` as down (it answers 503) or up. */
  setDown(route: string, down: boolean): void;
  /** Stops listening and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts a fresh service; every instance has its own counters and state. */
export async function startFlakyService(options: FlakyServiceOptions = {}): Promise<FlakyService> {
  const ordersFailures = options.ordersFailures ?? 2;
  const hitCounts = new Map<string, number>();
  const down = new Set<string>();
  let ratesLimited = false;

  const hit = (route: string): number => {
    const count = (hitCounts.get(route) ?? 0) + 1;
    hitCounts.set(route, count);
    return count;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://flaky.local');
    const route = url.pathname;

    // Admin endpoints: not counted, so the examples can observe the service without disturbing it.
    if (route === '/_admin/hits' && req.method === 'GET') return send(res, 200, Object.fromEntries(hitCounts));
    if ((route === '/_admin/down' || route === '/_admin/up') && req.method === 'POST') {
      const target = url.searchParams.get('route');
      if (!target) return send(res, 400, { error: 'missing ?route=' });
      if (route === '/_admin/down') down.add(target);
      else down.delete(target);
      return send(res, 200, { route: target, down: down.has(target) });
    }

    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
    const count = hit(route);
    if (down.has(route)) return send(res, 503, { error: 'Service Unavailable' });

    switch (route) {
      case '/orders/42':
        if (count <= ordersFailures) return send(res, 503, { error: 'Service Unavailable' });
        return send(res, 200, { id: 42, status: 'shipped' });
      case '/rates':
        if (!ratesLimited) {
          ratesLimited = true;
          const retryAfter = url.searchParams.get('retry_after') ?? '1';
          return send(res, 429, { error: 'Too Many Requests' }, { 'retry-after': retryAfter });
        }
        return send(res, 200, { base: 'EUR', USD: 1.08, NOK: 11.52 });
      case '/profile':
        return send(res, 401, { error: 'Unauthorized: the access token has expired' });
      case '/events': {
        const date = url.searchParams.get('date') ?? '';
        if (!ISO_DATE.test(date)) return send(res, 422, { error: 'Invalid date format, expected YYYY-MM-DD' });
        return send(res, 200, { date, events: ['stand-up 09:00', 'release review 14:00'] });
      }
      case '/inventory':
        return send(res, 200, { sku: 'A-100', inStock: 7 });
      default:
        return send(res, 404, { error: `no route ${route}` });
    }
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    hits: (route) => hitCounts.get(route) ?? 0,
    setDown: (route, isDown) => {
      if (isDown) down.add(route);
      else down.delete(route);
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // fetch keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
    }),
  };
}

/**
 * The admin side of a running service, over HTTP, for code that only knows its base URL
 * (the scenarios). Uses the global `fetch`.
 */
export function serviceAdmin(baseUrl: string) {
  return {
    async hits(route: string): Promise<number> {
      const res = await fetch(`${baseUrl}/_admin/hits`);
      const counts = (await res.json()) as Record<string, number>;
      return counts[route] ?? 0;
    },
    async setDown(route: string, isDown: boolean): Promise<void> {
      const res = await fetch(`${baseUrl}/_admin/${isDown ? 'down' : 'up'}?route=${encodeURIComponent(route)}`, { method: 'POST' });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`admin request failed: HTTP ${res.status}`);
    },
  };
}
