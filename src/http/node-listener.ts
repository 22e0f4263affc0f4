import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealingHttpHandler } from './handler.js';

/**
 * Adapts a Fetch API handler to `node:http` (and to Express or Connect, whose `req.originalUrl`
 * it honours). At most `handler.maxBodyBytes + 1` bytes of a body are kept, the rest drained, so
 * an oversized body is refused without being buffered.
 * @example
 * ```ts
 * createServer(createNodeListener(createHealingHandler())).listen(9464, '127.0.0.1');
 * ```
 */
export function createNodeListener(handler: HealingHttpHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void respond(handler, req, res);
  };
}

async function respond(handler: HealingHttpHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const body = await readCapped(req, handler.maxBodyBytes + 1);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'content-length' || name === 'transfer-encoding') continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const method = req.method ?? 'GET';
    const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    // The host header is not trusted for anything: routing only reads the path.
    const request = new Request(new URL(path, 'http://localhost'), {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' || body.length === 0 ? null : new Uint8Array(body),
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"error":"internal error"}');
  }
}

/** Reads at most `limit` bytes of the body and drains the rest without keeping it. */
function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      const room = limit - size;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
    // A client that goes away mid-body sent no request: never act on the part that arrived.
    req.on('close', () => {
      if (!ended) reject(new Error('the request was aborted'));
    });
  });
}
