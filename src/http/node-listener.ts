import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealingHttpHandler } from './handler.js';
import { fetchableMethod, parseRequestTarget, rememberMethod } from './request-target.js';

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
    // Routing reads only the path: the target is parsed as a server reads it, so `//evil/stats`
    // is a path that matches nothing, never a host.
    const target = parseRequestTarget((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/');
    if (target === undefined) return await send(res, new Response('{"error":"the request target must be a path or an absolute http(s) URL"}', {
      status: 400, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    }));
    // An absolute-form target's authority replaces Host (RFC 9112, 3.2.2): the allow-list checks it.
    if (target.authority !== undefined) headers.set('host', target.authority);
    const fetchable = fetchableMethod(method);
    const request = new Request(target.url, {
      method: fetchable,
      headers,
      body: fetchable === 'GET' || fetchable === 'HEAD' || body.length === 0 ? null : new Uint8Array(body),
    });
    rememberMethod(request, method);
    await send(res, await handler(request));
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"error":"internal error"}');
  }
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(payload);
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
