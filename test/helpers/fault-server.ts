/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) that answers with scripted faults, for tests
 * that drive the pipeline through real sockets (`fetch` and `node:http`).
 *
 * Each route has a queue of scripted replies, consumed one per request; when a route's queue is
 * empty the server's `otherwise` responder answers (by default 200 with `{ ok: true, hit }`).
 * Replies are plain data made by the `reply` helpers below.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted answer. */
export type Reply =
  /** A complete JSON response. */
  | { type: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** Status 200 and part of the body, then the connection is destroyed (a reset mid-body). */
  | { type: 'reset-mid-body' }
  /** The connection is destroyed before any byte of the response is sent. */
  | { type: 'drop' }
  /** Never answers: the request waits until the client gives up (or the server closes). */
  | { type: 'hang' }
  /** Answers `then` after `delayMs` (real time), or not at all if the client left by then. */
  | { type: 'slow'; delayMs: number; then: Reply };

/** Builders for {@link Reply}. */
export const reply = {
  ok: (body: unknown = { ok: true }): Reply => ({ type: 'json', status: 200, body }),
  status: (status: number, headers?: Record<string, string>, body: unknown = { error: `HTTP ${status}` }): Reply =>
    ({ type: 'json', status, body, ...(headers ? { headers } : {}) }),
  rateLimited: (retryAfter: string): Reply => reply.status(429, { 'retry-after': retryAfter }, { error: 'Too Many Requests' }),
  resetMidBody: (): Reply => ({ type: 'reset-mid-body' }),
  drop: (): Reply => ({ type: 'drop' }),
  hang: (): Reply => ({ type: 'hang' }),
  slow: (delayMs: number, then: Reply): Reply => ({ type: 'slow', delayMs, then }),
};

/** Answers a request whose route has no scripted reply left; `hit` is the route's 1-based hit count. */
export type Responder = (route: string, hit: number) => Reply;

export interface FaultServer {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly baseUrl: string;
  /** Queues replies for `route` (a pathname), answered in order by its next requests. */
  script(route: string, ...replies: Reply[]): void;
  /** Sets the responder used when a route's script is empty. */
  otherwise(responder: Responder): void;
  /** Requests that reached `route`. */
  hits(route: string): number;
  /** Hung or slow requests whose client closed the connection (an aborted fetch, a destroyed request). */
  readonly abandoned: number;
  /** Slow replies whose delay has passed (answered, or found their client gone). */
  readonly slowDone: number;
  /** Stops listening and destroys every connection, hung and keep-alive ones included. */
  close(): Promise<void>;
}

const okResponder: Responder = (_route, hit) => reply.ok({ ok: true, hit });

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts a fault server; every instance has its own scripts and counters. */
export async function startFaultServer(responder: Responder = okResponder): Promise<FaultServer> {
  const scripts = new Map<string, Reply[]>();
  const hitCounts = new Map<string, number>();
  let otherwise = responder;
  let abandoned = 0;
  let slowDone = 0;
  const slowTimers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const route = new URL(req.url ?? '/', 'http://fault.local').pathname;
    const hit = (hitCounts.get(route) ?? 0) + 1;
    hitCounts.set(route, hit);
    send(req, res, scripts.get(route)?.shift() ?? otherwise(route, hit));
  };

  const send = (req: IncomingMessage, res: ServerResponse, next: Reply): void => {
    switch (next.type) {
      case 'json':
        return sendJson(res, next.status, next.body, next.headers);
      case 'reset-mid-body': {
        // The headers promise 64 bytes; 16 arrive, then the connection dies.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' });
        res.write('{"partial":"abc', () => req.socket.destroy());
        return;
      }
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        res.on('close', () => {
          if (!res.writableEnded) abandoned++;
        });
        return;
      case 'slow': {
        res.on('close', () => {
          if (!res.writableEnded) abandoned++;
        });
        const timer = setTimeout(() => {
          slowTimers.delete(timer);
          slowDone++;
          if (!res.destroyed) send(req, res, next.then);
        }, next.delayMs);
        slowTimers.add(timer);
        return;
      }
    }
  };

  const server = createServer(answer);
  // Sockets are tracked so close() can destroy hung ones: closeAllConnections() only ends
  // connections the server considers idle or in a request it is still reading.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening'); // rejects if listening fails
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    script(route, ...replies) {
      scripts.set(route, [...(scripts.get(route) ?? []), ...replies]);
    },
    otherwise(next) {
      otherwise = next;
    },
    hits: (route) => hitCounts.get(route) ?? 0,
    get abandoned() {
      return abandoned;
    },
    get slowDone() {
      return slowDone;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      for (const timer of slowTimers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
    }),
  };
}

/** A loopback port with nothing listening on it: connecting is refused (ECONNREFUSED). */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
