/**
 * What real clients throw, classified out of the box: each failure provoked for real against a
 * node:http server on 127.0.0.1 (an ephemeral port), through got, axios, fetch and the OpenAI SDK.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import got from 'got';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, ErrorClassifier, HealingPipeline, type Classification } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

let server: Server;
let base: string;

/** /status/N answers N with a JSON body; /hang never answers; /openai/* answers as the OpenAI API does. */
beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === "/hang" || url.startsWith("/hang-openai/")) return; // the client's abort ends it
    const status = /^\/status\/(\d{3})$/.exec(url)?.[1];
    if (status !== undefined) {
      response.writeHead(Number(status), { 'content-type': 'application/json' }).end('{"error":"scripted"}');
      return;
    }
    if (url.startsWith('/openai/quota/')) {
      response.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error: {
        message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }));
      return;
    }
    if (url.startsWith('/openai/context/')) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: {
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const classifier = new ErrorClassifier();
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
function classifyOf(error: unknown): Pick<Classification, 'disposition' | 'category'> {
  const { disposition, category } = classifier.classify(error);
  return { disposition, category };
}
/** A call aborted by its caller shortly after it started (the server never answers /hang). */
async function abortedCall(call: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> {
  const controller = new AbortController();
  const pending = thrown(() => call(controller.signal));
  setTimeout(() => controller.abort(), 20);
  return pending;
}

describe('got', () => {
  it.each([
    [400, 'recoverable', 'invalid_request'], [403, 'permanent', 'auth'], [404, 'permanent', 'not_found'],
    [422, 'recoverable', 'invalid_request'], [503, 'transient', 'unavailable'],
  ] as const)('HTTPError %i (status only on response.statusCode) is %s / %s', async (status, disposition, category) => {
    const error = await thrown(() => got(`${base}/status/${status}`, { retry: { limit: 0 } }));
    expect((error as Error).name).toBe('HTTPError');
    expect(classifyOf(error)).toEqual({ disposition, category });
  });

  it("the caller's abort is not retried", async () => {
    const error = await abortedCall((signal) => got(`${base}/hang`, { signal, retry: { limit: 0 } }));
    expect(classifyOf(error)).toEqual({ disposition: 'permanent', category: 'aborted' });
  });
});

describe('axios', () => {
  it('a 404 is permanent and a 503 transient', async () => {
    expect(classifyOf(await thrown(() => axios.get(`${base}/status/404`)))).toEqual({ disposition: 'permanent', category: 'not_found' });
    expect(classifyOf(await thrown(() => axios.get(`${base}/status/503`)))).toEqual({ disposition: 'transient', category: 'unavailable' });
  });

  it("the caller's abort (CanceledError, ERR_CANCELED) is not retried", async () => {
    const error = await abortedCall((signal) => axios.get(`${base}/hang`, { signal }));
    expect((error as { code?: string }).code).toBe('ERR_CANCELED');
    expect(classifyOf(error)).toEqual({ disposition: 'permanent', category: 'aborted' });
  });
});

describe('fetch (undici)', () => {
  it("the caller's abort (DOMException AbortError) is not retried", async () => {
    const error = await abortedCall((signal) => fetch(`${base}/hang`, { signal }));
    expect((error as Error).name).toBe('AbortError');
    expect(classifyOf(error)).toEqual({ disposition: 'permanent', category: 'aborted' });
  });
});

describe('OpenAI SDK', () => {
  const client = (path: string) => new OpenAI({ apiKey: 'sk-test', baseURL: `${base}/openai/${path}/`, maxRetries: 0 });
  const ask = (openai: OpenAI, signal?: AbortSignal) =>
    openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { signal });

  it('insufficient_quota (HTTP 429) is a billing state: permanent quota, not a rate limit', async () => {
    expect(classifyOf(await thrown(() => ask(client('quota'))))).toEqual({ disposition: 'permanent', category: 'quota' });
  });

  it('context_length_exceeded (HTTP 400) is permanent context_length, before the 400 rule', async () => {
    expect(classifyOf(await thrown(() => ask(client('context'))))).toEqual({ disposition: 'permanent', category: 'context_length' });
  });

  it("the caller's abort (APIUserAbortError) is not retried", async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${base}/hang-openai/`, maxRetries: 0 });
    const error = await abortedCall((signal) => ask(openai, signal));
    expect((error as Error).constructor.name).toBe('APIUserAbortError'); // its `name` is plain 'Error'
    expect(classifyOf(error)).toEqual({ disposition: 'permanent', category: 'aborted' });
  });
});

describe('in the pipeline', () => {
  it('four got 404s are not retried and do not open a breaker', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('users', { failureThreshold: 3 });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'users' });
    let calls = 0;
    for (let i = 0; i < 4; i++) {
      const result = await pipeline.execute(() => { calls++; return got(`${base}/status/404`, { retry: { limit: 0 } }).json(); }, {});
      expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    }
    expect(calls).toBe(4);
    expect(registry.get('users').state).toBe('CLOSED');
  });
});

describe('refused and unresolvable connections', () => {
  it('a refused connection (got, ECONNREFUSED) is transient network and provably not processed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await thrown(() => got(`http://127.0.0.1:${port}/`, { retry: { limit: 0 } }));
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'network', notProcessed: true });
  });

  it("a 503 is not marked as not processed (the server may have done the work)", async () => {
    expect(classifier.classify(await thrown(() => got(`${base}/status/503`, { retry: { limit: 0 } }))).notProcessed).toBeUndefined();
  });
});

describe('aborts and the breaker', () => {
  it("the caller's abort never counts against a breaker, even one whose shouldTrip counts everything", async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('search', { failureThreshold: 1, shouldTrip: () => true });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'search', retry: { maxAttempts: 1 } });
    const result = await pipeline.execute(async () => { throw await abortedCall((signal) => fetch(`${base}/hang`, { signal })); }, {});
    expect(result.status).toBe('error');
    expect(registry.get('search').state).toBe('CLOSED');
  });
});
