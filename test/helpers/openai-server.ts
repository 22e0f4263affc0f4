import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake server does with one valid request. */
export type ScriptedReply =
  | { content: string; totalTokens?: number }
  | { refusal: string }
  | { status: number; error: string; headers?: Record<string, string> }
  | { hang: true }
  /** A 200 with this exact body (not JSON, empty, JSON of the wrong shape), as a misbehaving proxy sends. */
  | { rawBody: string }
  /** A 200 whose connection is cut halfway through the body, as a flaky network does. */
  | { cutBody: true };

/** A request the server accepted as valid, parsed. */
export interface ReceivedRequest {
  authorization: string | undefined;
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    temperature?: number;
    max_tokens?: number;
    response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  };
  /** Every message's content, joined: what the model was shown. */
  prompt: string;
}

export interface FakeOpenAIServer {
  baseURL: string;
  apiKey: string;
  /** Valid requests, in order (invalid ones are answered 400 and not recorded). */
  requests: ReceivedRequest[];
  /** Requests answered 400 by the server's validation, with why. */
  invalid: string[];
  /** Replies still to give. */
  script: ScriptedReply[];
  /** Resolves when the server has received `count` valid requests in all. */
  received(count: number): Promise<void>;
  /** How many connections of hanging requests the client closed. */
  abortedHangs: number;
  close(): Promise<void>;
}

const KNOWN_PARAMS = new Set(['model', 'messages', 'temperature', 'max_tokens', 'max_completion_tokens', 'response_format', 'top_p', 'seed', 'stream', 'n', 'stop', 'user']);
const ROLES = new Set(['system', 'developer', 'user', 'assistant']);
const MAX_BODY = 1_000_000;

/**
 * A server on 127.0.0.1 that speaks OpenAI's chat-completions wire format: it validates each
 * request as the real API does (method, path, bearer key, JSON body, known parameters, message
 * shape, `response_format`), answers 400/401/404/405 like it, and otherwise gives the next
 * scripted reply.
 */
export async function startFakeOpenAIServer(options: { apiKey?: string; supportsJsonSchema?: boolean } = {}): Promise<FakeOpenAIServer> {
  const apiKey = options.apiKey ?? 'sk-test-0123456789abcdef';
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const state: FakeOpenAIServer = {
    baseURL: '',
    apiKey,
    requests: [],
    invalid: [],
    script: [],
    abortedHangs: 0,
    received: (count) => new Promise((resolve) => {
      if (state.requests.length >= count) resolve();
      else waiters.push({ count, resolve });
    }),
    close: () => new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };

  const fail = (response: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}) => {
    if (status === 400) state.invalid.push(message);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null, ...extra } }));
  };

  const handle = (request: IncomingMessage, response: ServerResponse, raw: string) => {
    if (request.url !== '/v1/chat/completions') return fail(response, 404, `Invalid URL (${request.method} ${request.url})`);
    if (request.method !== 'POST') return fail(response, 405, `Method ${request.method} not allowed`);
    const authorization = request.headers.authorization;
    if (authorization === undefined) return fail(response, 401, "You didn't provide an API key.", { code: 'missing_api_key' });
    if (authorization !== `Bearer ${apiKey}`) return fail(response, 401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
    if (!String(request.headers['content-type']).startsWith('application/json')) return fail(response, 400, 'Content-Type must be application/json');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return fail(response, 400, 'We could not parse the JSON body of your request.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(response, 400, 'The body must be a JSON object.');
    const unknown = Object.keys(body).find((key) => !KNOWN_PARAMS.has(key));
    if (unknown) return fail(response, 400, `Unrecognized request argument supplied: ${unknown}`);
    if (typeof body.model !== 'string' || body.model === '') return fail(response, 400, "Missing required parameter: 'model'.");
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) return fail(response, 400, "Missing required parameter: 'messages'.");
    for (const [index, message] of messages.entries()) {
      if (message === null || typeof message !== 'object' || !ROLES.has((message as { role?: string }).role ?? '')) {
        return fail(response, 400, `Invalid value for 'messages[${index}].role'.`);
      }
      if (typeof (message as { content?: unknown }).content !== 'string') return fail(response, 400, `Invalid type for 'messages[${index}].content'.`);
    }
    if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
      return fail(response, 400, "Invalid 'temperature': expected a number between 0 and 2.");
    }
    if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)) {
      return fail(response, 400, "Invalid 'max_tokens': expected a positive integer.");
    }
    const format = body.response_format as ReceivedRequest['body']['response_format'] | undefined;
    if (format !== undefined) {
      if (format === null || typeof format !== 'object' || !['text', 'json_object', 'json_schema'].includes(format.type)) {
        return fail(response, 400, "Invalid value for 'response_format.type'.");
      }
      if (format.type === 'json_schema') {
        if (options.supportsJsonSchema === false) {
          return fail(response, 400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.");
        }
        const spec = format.json_schema;
        if (!spec || typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(spec.name) || spec.schema === null || typeof spec.schema !== 'object') {
          return fail(response, 400, "Invalid 'response_format.json_schema': expected { name, schema }.");
        }
      }
      if (format.type === 'json_object' && !messages.some((m) => /json/i.test((m as { content: string }).content))) {
        return fail(response, 400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.");
      }
    }
    const received: ReceivedRequest = {
      authorization,
      body: body as ReceivedRequest['body'],
      prompt: messages.map((m) => (m as { content: string }).content).join('\n'),
    };
    state.requests.push(received);
    for (const waiter of waiters.filter((w) => state.requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const reply = state.script.shift();
    if (reply === undefined) return fail(response, 500, 'The fake server has no scripted reply left.');
    if ('hang' in reply) {
      hanging.add(response);
      response.on('close', () => {
        if (!response.writableEnded) state.abortedHangs++;
        hanging.delete(response);
      });
      return;
    }
    if ('cutBody' in reply) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"choices": [');
      setImmediate(() => response.socket?.destroy());
      return;
    }
    if ('rawBody' in reply) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(reply.rawBody);
      return;
    }
    if ('status' in reply) {
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify({ error: { message: reply.error, type: 'server_error', param: null, code: null } }));
      return;
    }
    const message = 'refusal' in reply
      ? { role: 'assistant', content: null, refusal: reply.refusal }
      : { role: 'assistant', content: reply.content, refusal: null };
    const tokens = 'content' in reply ? reply.totalTokens ?? 100 : 10;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({
      id: `chatcmpl-${state.requests.length}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: body.model,
      choices: [{ index: 0, message, finish_reason: 'stop' }],
      usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
    }));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY) return fail(response, 400, 'Request body too large.');
      handle(request, response, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return state;
}
