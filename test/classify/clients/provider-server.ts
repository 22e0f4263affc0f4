/**
 * A node:http server on 127.0.0.1 (an ephemeral port) that answers as the real APIs do, for
 * provoking each client's failures for real. Routes:
 * - `/s/<scenario>/...`: the scripted answer of {@link SCENARIOS} (any suffix, so an SDK's
 *   baseURL can point at `/s/<scenario>`);
 * - `/hang/...`: never answers (the client's abort or timeout ends it); each arrival is announced
 *   to {@link ProviderServer.nextHang}, so a test aborts once the request has really arrived;
 * - `/redirect/...`: 302 to itself, forever; `/bad-json`: 200 whose JSON body is broken;
 * - `/drop`: the socket is destroyed before any answer ("socket hang up");
 * - `/cut`: 200 and half a body, then the socket is destroyed;
 * - `/big`: 200 with a 64 KiB body (for a client's limit on the response's size).
 * `garbageUrl` is a raw TCP server that answers with bytes that are not HTTP; `selfSignedUrl` an
 * HTTPS server whose certificate (test/fixtures/self-signed.crt) no client trusts.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';

interface Scripted { status: number; headers?: Record<string, string>; body: unknown }

const openAiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });
const anthropicError = (type: string, message: string) => ({ type: 'error', error: { type, message } });

/** What the real APIs answer, by scenario name. */
export const SCENARIOS: Readonly<Record<string, Scripted>> = {
  'status-400': { status: 400, body: { error: 'bad request' } },
  'status-403': { status: 403, body: { error: 'forbidden' } },
  'status-404': { status: 404, body: { error: 'not found' } },
  'status-409': { status: 409, body: { error: 'conflict' } },
  'status-422': { status: 422, body: { error: 'unprocessable' } },
  'status-503': { status: 503, body: { error: 'unavailable' } },
  'status-429-retry-after': { status: 429, headers: { 'retry-after': '7' }, body: { error: 'Too Many Requests' } },
  'status-503-should-not-retry': { status: 503, headers: { 'x-should-retry': 'false' }, body: { error: 'unavailable' } },
  'status-425': { status: 425, body: { error: 'too early' } },
  'openai-quota': { status: 429, body: openAiError('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota') },
  'openai-context': { status: 400, body: openAiError("This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", 'invalid_request_error', 'context_length_exceeded') },
  'openai-rate-limit': { status: 429, body: openAiError('Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.', 'requests', 'rate_limit_exceeded') },
  'openai-rate-limit-ms': { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' }, body: openAiError('Rate limit reached.', 'tokens', 'rate_limit_exceeded') },
  'openai-bad-key': { status: 401, body: openAiError('Incorrect API key provided: sk-test.', 'invalid_request_error', 'invalid_api_key') },
  'openai-conflict': { status: 409, body: openAiError('The resource is locked by another request.', 'invalid_request_error', null) },
  'openai-no-retry': { status: 500, headers: { 'x-should-retry': 'false' }, body: openAiError('The server had an error.', 'server_error', null) },
  'anthropic-context': { status: 400, body: anthropicError('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum') },
  'anthropic-credit': { status: 400, body: anthropicError('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.') },
  'anthropic-overloaded': { status: 529, body: anthropicError('overloaded_error', 'Overloaded') },
  'anthropic-rate-limit': { status: 429, headers: { 'retry-after': '7' }, body: anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.') },
  'anthropic-invalid': { status: 400, body: anthropicError('invalid_request_error', 'max_tokens: Field required') },
  'ai-unavailable-fast-retry': { status: 503, headers: { 'retry-after-ms': '1' }, body: openAiError('The engine is currently overloaded.', 'server_error', null) },
};

export interface ProviderServer {
  base: string;
  /** A URL on 127.0.0.1 where nothing listens (a refused connection). */
  refusedUrl: string;
  /** A raw TCP server answering with bytes that are not HTTP. */
  garbageUrl: string;
  /** An HTTPS server on 127.0.0.1 with a self-signed certificate: every client refuses it. */
  selfSignedUrl: string;
  /** Resolves when the next request to `/hang/...` has arrived. */
  nextHang(): Promise<void>;
  close(): Promise<void>;
}

function answer(server: Server): void {
  server.on('request', (request, response) => {
    const url = request.url ?? '/';
    request.resume();
    if (url.startsWith('/hang')) {
      server.emit('hang');
      return;
    }
    if (url.startsWith('/redirect')) return void response.writeHead(302, { location: url }).end();
    if (url === '/bad-json') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": tru');
    if (url === '/drop') return void request.socket.destroy();
    if (url === '/big') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: 'x'.repeat(64 * 1024) }));
    if (url === '/cut') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"partial":');
      setImmediate(() => request.socket.destroy());
      return;
    }
    const scenario = /^\/s\/([\w-]+)/.exec(url)?.[1];
    const scripted = scenario !== undefined && Object.hasOwn(SCENARIOS, scenario) ? SCENARIOS[scenario]! : { status: 418, body: { error: `no scenario for ${url}` } };
    response.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers }).end(JSON.stringify(scripted.body));
  });
}

async function listen(server: Server | TcpServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function startProviderServer(): Promise<ProviderServer> {
  const server = createServer();
  answer(server);
  const port = await listen(server);
  const sockets = new Set<Socket>();
  const garbage = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => socket.end('THIS IS NOT HTTP\r\n\r\n'));
  });
  const garbagePort = await listen(garbage);
  const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
  const selfSigned = createHttpsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (_request, response) => response.end('{}'));
  selfSigned.on('tlsClientError', () => {}); // each client hangs up on the certificate: expected
  const selfSignedPort = await listen(selfSigned as unknown as Server);
  const closed = createTcpServer();
  const refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    refusedUrl: `http://127.0.0.1:${refusedPort}`,
    garbageUrl: `http://127.0.0.1:${garbagePort}`,
    selfSignedUrl: `https://127.0.0.1:${selfSignedPort}/`,
    nextHang: () => once(server, 'hang').then(() => undefined),
    async close() {
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      selfSigned.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => garbage.close(resolve)), new Promise((resolve) => selfSigned.close(resolve))]);
    },
  };
}
