/**
 * Every row of the client table in docs/retry-and-classification.md: one failure provoked for
 * real through one client against {@link startProviderServer}, and what the classifier must say
 * about what the client threw. test/classify/real-clients.test.ts runs them all, and checks the
 * docs table lists exactly these rows.
 */
import { request as httpGet, type RequestOptions } from 'node:http';
import { request as httpsGet } from 'node:https';
import type { LookupFunction } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch, request as undiciRequest } from 'undici';
import type { Classification } from '../../../src/index.js';
import type { ProviderServer } from './provider-server.js';

export interface ClientCase {
  client: string;
  failure: string;
  /** Provokes the failure and resolves with what the client threw. */
  provoke(server: ProviderServer): Promise<unknown>;
  expected: Pick<Classification, 'disposition' | 'category' | 'retryAfterMs' | 'notProcessed'>;
}

export async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** The caller aborts once the request has reached the server (which never answers `/hang`). */
async function abortedOnArrival(server: ProviderServer, call: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> {
  const controller = new AbortController();
  const arrived = server.nextHang();
  const pending = thrown(() => call(controller.signal));
  await arrived;
  controller.abort();
  return pending;
}

/** A resolver that finds no such host, as getaddrinfo reports it (no DNS query leaves the machine). */
const noSuchHost = ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException) => void) => {
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { errno: -3008, code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname }));
}) as unknown as LookupFunction;
const UNKNOWN_HOST = 'http://api.example.invalid/';

/** A GET over node:http (or node:https) that rejects with the request's own error. */
function nodeGet(url: string, options: RequestOptions = {}, get: typeof httpGet = httpGet): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, options, (response) => {
      response.resume();
      response.on('end', resolve);
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

const transient = (category: string, extra: Partial<ClientCase['expected']> = {}) => ({ disposition: 'transient' as const, category, ...extra });
const permanent = (category: string, extra: Partial<ClientCase['expected']> = {}) => ({ disposition: 'permanent' as const, category, ...extra });
/** A certificate no client trusts: refused in the handshake, before any request is sent. */
const untrusted = permanent('tls', { notProcessed: true });
const recoverable = (category: string) => ({ disposition: 'recoverable' as const, category });
const aborted = permanent('aborted');

const gotOnce = { retry: { limit: 0 } } as const;
const openAi = (baseURL: string, timeout?: number) => new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, ...(timeout ? { timeout } : {}) });
const chat = (client: OpenAI, signal?: AbortSignal) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { signal });
const anthropic = (baseURL: string) => new Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 });
const message = (client: Anthropic, signal?: AbortSignal) => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, { signal });
const generate = (baseURL: string, options: { maxRetries?: number; abortSignal?: AbortSignal; apiKey?: string | undefined } = {}) =>
  generateText({ model: createOpenAI({ apiKey: 'apiKey' in options ? options.apiKey : 'sk-test', baseURL }).chat('gpt-4o-mini'), prompt: 'hi', maxRetries: options.maxRetries ?? 0, abortSignal: options.abortSignal });

export const CASES: readonly ClientCase[] = [
  // fetch (Node's global fetch) and undici
  { client: 'fetch', failure: 'connection refused', provoke: (s) => thrown(() => fetch(s.refusedUrl)), expected: transient('network', { notProcessed: true }) },
  { client: 'fetch', failure: 'body cut mid-way', provoke: (s) => thrown(async () => (await fetch(`${s.base}/cut`)).text()), expected: transient('network') },
  { client: 'fetch', failure: 'AbortSignal.timeout', provoke: (s) => thrown(() => fetch(`${s.base}/hang`, { signal: AbortSignal.timeout(30) })), expected: transient('timeout') },
  { client: 'fetch', failure: 'redirect loop', provoke: (s) => thrown(() => fetch(`${s.base}/redirect`)), expected: permanent('redirect_loop') },
  { client: 'fetch', failure: "a redirect under redirect: 'error'", provoke: (s) => thrown(() => fetch(`${s.base}/redirect`, { redirect: 'error' })), expected: permanent('client_error') },
  { client: 'fetch', failure: 'self-signed certificate', provoke: (s) => thrown(() => fetch(s.selfSignedUrl)), expected: untrusted },
  { client: 'fetch', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (signal) => fetch(`${s.base}/hang`, { signal })), expected: aborted },
  { client: 'undici', failure: 'unknown host (fetch)', provoke: () => thrown(() => undiciFetch(UNKNOWN_HOST, { dispatcher: new Agent({ connect: { lookup: noSuchHost } }) })), expected: transient('network', { notProcessed: true }) },
  { client: 'undici', failure: 'connection refused (request)', provoke: (s) => thrown(() => undiciRequest(s.refusedUrl)), expected: transient('network', { notProcessed: true }) },
  { client: 'undici', failure: 'headers timeout', provoke: (s) => thrown(() => undiciRequest(`${s.base}/hang`, { headersTimeout: 30 })), expected: transient('timeout') },
  { client: 'undici', failure: 'larger than maxResponseSize (request)', provoke: (s) => thrown(async () => (await undiciRequest(`${s.base}/big`, { dispatcher: new Agent({ maxResponseSize: 1024 }) })).body.text()), expected: permanent('payload_too_large') },
  { client: 'undici', failure: 'self-signed certificate (request)', provoke: (s) => thrown(() => undiciRequest(s.selfSignedUrl)), expected: untrusted },
  { client: 'undici', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (signal) => undiciRequest(`${s.base}/hang`, { signal })), expected: aborted },
  // node:http
  { client: 'node:http', failure: 'connection refused', provoke: (s) => thrown(() => nodeGet(s.refusedUrl)), expected: transient('network', { notProcessed: true }) },
  { client: 'node:http', failure: 'unknown host', provoke: () => thrown(() => nodeGet(UNKNOWN_HOST, { lookup: noSuchHost })), expected: transient('network', { notProcessed: true }) },
  { client: 'node:http', failure: 'socket hang up', provoke: (s) => thrown(() => nodeGet(`${s.base}/drop`)), expected: transient('network') },
  { client: 'node:http', failure: 'response not HTTP', provoke: (s) => thrown(() => nodeGet(s.garbageUrl)), expected: transient('protocol_error') },
  { client: 'node:http', failure: 'self-signed certificate (node:https)', provoke: (s) => thrown(() => nodeGet(s.selfSignedUrl, {}, httpsGet)), expected: untrusted },
  { client: 'node:http', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (signal) => nodeGet(`${s.base}/hang`, { signal })), expected: aborted },
  // axios
  { client: 'axios', failure: 'HTTP 404', provoke: (s) => thrown(() => axios.get(`${s.base}/s/status-404`)), expected: permanent('not_found') },
  { client: 'axios', failure: 'HTTP 409', provoke: (s) => thrown(() => axios.get(`${s.base}/s/status-409`)), expected: permanent('conflict') },
  { client: 'axios', failure: 'HTTP 429 with Retry-After: 7', provoke: (s) => thrown(() => axios.get(`${s.base}/s/status-429-retry-after`)), expected: transient('rate_limit', { retryAfterMs: 7000 }) },
  { client: 'axios', failure: 'HTTP 503', provoke: (s) => thrown(() => axios.get(`${s.base}/s/status-503`)), expected: transient('unavailable') },
  { client: 'axios', failure: 'HTTP 425', provoke: (s) => thrown(() => axios.get(`${s.base}/s/status-425`)), expected: transient('too_early', { notProcessed: true }) },
  { client: 'axios', failure: 'its own timeout', provoke: (s) => thrown(() => axios.get(`${s.base}/hang`, { timeout: 30 })), expected: transient('timeout') },
  { client: 'axios', failure: 'connection refused', provoke: (s) => thrown(() => axios.get(s.refusedUrl)), expected: transient('network', { notProcessed: true }) },
  { client: 'axios', failure: 'unknown host', provoke: () => thrown(() => axios.get(UNKNOWN_HOST, { lookup: noSuchHost as never })), expected: transient('network', { notProcessed: true }) },
  { client: 'axios', failure: 'redirect loop', provoke: (s) => thrown(() => axios.get(`${s.base}/redirect`, { maxRedirects: 2 })), expected: permanent('redirect_loop') },
  { client: 'axios', failure: 'body cut mid-way', provoke: (s) => thrown(() => axios.get(`${s.base}/cut`)), expected: transient('network') },
  { client: 'axios', failure: 'larger than maxContentLength', provoke: (s) => thrown(() => axios.get(`${s.base}/big`, { maxContentLength: 1024 })), expected: permanent('payload_too_large') },
  { client: 'axios', failure: 'self-signed certificate', provoke: (s) => thrown(() => axios.get(s.selfSignedUrl)), expected: untrusted },
  { client: 'axios', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (signal) => axios.get(`${s.base}/hang`, { signal })), expected: aborted },
  // got
  { client: 'got', failure: 'HTTP 400', provoke: (s) => thrown(() => got(`${s.base}/s/status-400`, gotOnce)), expected: recoverable('invalid_request') },
  { client: 'got', failure: 'HTTP 403', provoke: (s) => thrown(() => got(`${s.base}/s/status-403`, gotOnce)), expected: permanent('auth') },
  { client: 'got', failure: 'HTTP 404', provoke: (s) => thrown(() => got(`${s.base}/s/status-404`, gotOnce)), expected: permanent('not_found') },
  { client: 'got', failure: 'HTTP 409', provoke: (s) => thrown(() => got(`${s.base}/s/status-409`, gotOnce)), expected: permanent('conflict') },
  { client: 'got', failure: 'HTTP 422', provoke: (s) => thrown(() => got(`${s.base}/s/status-422`, gotOnce)), expected: recoverable('invalid_request') },
  { client: 'got', failure: 'HTTP 429 with Retry-After: 7', provoke: (s) => thrown(() => got(`${s.base}/s/status-429-retry-after`, gotOnce)), expected: transient('rate_limit', { retryAfterMs: 7000 }) },
  { client: 'got', failure: 'HTTP 503', provoke: (s) => thrown(() => got(`${s.base}/s/status-503`, gotOnce)), expected: transient('unavailable') },
  { client: 'got', failure: 'request timeout', provoke: (s) => thrown(() => got(`${s.base}/hang`, { ...gotOnce, timeout: { request: 30 } })), expected: transient('timeout') },
  { client: 'got', failure: 'DNS lookup timeout', provoke: () => thrown(() => got(UNKNOWN_HOST, { ...gotOnce, dnsLookup: (() => undefined) as never, timeout: { lookup: 30 } })), expected: transient('timeout', { notProcessed: true }) },
  { client: 'got', failure: 'connection refused', provoke: (s) => thrown(() => got(s.refusedUrl, gotOnce)), expected: transient('network', { notProcessed: true }) },
  { client: 'got', failure: 'unknown host', provoke: () => thrown(() => got(UNKNOWN_HOST, { ...gotOnce, dnsLookup: noSuchHost as never })), expected: transient('network', { notProcessed: true }) },
  { client: 'got', failure: 'malformed JSON body', provoke: (s) => thrown(() => got(`${s.base}/bad-json`, gotOnce).json()), expected: transient('malformed_response') },
  { client: 'got', failure: 'redirect loop', provoke: (s) => thrown(() => got(`${s.base}/redirect`, { ...gotOnce, maxRedirects: 2 })), expected: permanent('redirect_loop') },
  { client: 'got', failure: 'self-signed certificate', provoke: (s) => thrown(() => got(s.selfSignedUrl, gotOnce)), expected: untrusted },
  { client: 'got', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (signal) => got(`${s.base}/hang`, { ...gotOnce, signal })), expected: aborted },
  // ky
  { client: 'ky', failure: 'HTTP 404', provoke: (s) => thrown(() => ky(`${s.base}/s/status-404`, { retry: 0 })), expected: permanent('not_found') },
  { client: 'ky', failure: 'HTTP 429 with Retry-After: 7', provoke: (s) => thrown(() => ky(`${s.base}/s/status-429-retry-after`, { retry: 0 })), expected: transient('rate_limit', { retryAfterMs: 7000 }) },
  { client: 'ky', failure: 'HTTP 503 with x-should-retry: false', provoke: (s) => thrown(() => ky(`${s.base}/s/status-503-should-not-retry`, { retry: 0 })), expected: permanent('unavailable') },
  { client: 'ky', failure: 'connection refused', provoke: (s) => thrown(() => ky(s.refusedUrl, { retry: 0 })), expected: transient('network', { notProcessed: true }) },
  { client: 'ky', failure: 'its own timeout', provoke: (s) => thrown(() => ky(`${s.base}/hang`, { retry: 0, timeout: 30 })), expected: transient('timeout') },
  { client: 'ky', failure: 'redirect loop', provoke: (s) => thrown(() => ky(`${s.base}/redirect`, { retry: 0 })), expected: permanent('redirect_loop') },
  { client: 'ky', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (signal) => ky(`${s.base}/hang`, { retry: 0, signal })), expected: aborted },
  // OpenAI SDK
  { client: 'OpenAI SDK', failure: 'insufficient_quota (HTTP 429)', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-quota`))), expected: permanent('quota') },
  { client: 'OpenAI SDK', failure: 'context_length_exceeded (HTTP 400)', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-context`))), expected: permanent('context_length') },
  { client: 'OpenAI SDK', failure: 'rate_limit_exceeded, "try again in 20s"', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-rate-limit`))), expected: transient('rate_limit', { retryAfterMs: 20_000 }) },
  { client: 'OpenAI SDK', failure: 'rate_limit_exceeded, retry-after-ms: 1500', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-rate-limit-ms`))), expected: transient('rate_limit', { retryAfterMs: 1500 }) },
  { client: 'OpenAI SDK', failure: 'invalid_api_key (HTTP 401)', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-bad-key`))), expected: permanent('auth') },
  { client: 'OpenAI SDK', failure: 'HTTP 409', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-conflict`))), expected: transient('conflict') },
  { client: 'OpenAI SDK', failure: 'HTTP 500 with x-should-retry: false', provoke: (s) => thrown(() => chat(openAi(`${s.base}/s/openai-no-retry`))), expected: permanent('server_error') },
  { client: 'OpenAI SDK', failure: 'connection refused (APIConnectionError)', provoke: (s) => thrown(() => chat(openAi(s.refusedUrl))), expected: transient('network', { notProcessed: true }) },
  { client: 'OpenAI SDK', failure: 'its own timeout (APIConnectionTimeoutError)', provoke: (s) => thrown(() => chat(openAi(`${s.base}/hang`, 30))), expected: transient('timeout') },
  { client: 'OpenAI SDK', failure: "caller's abort (APIUserAbortError)", provoke: (s) => abortedOnArrival(s, (signal) => chat(openAi(`${s.base}/hang`), signal)), expected: aborted },
  // Anthropic SDK
  { client: 'Anthropic SDK', failure: '"prompt is too long" (HTTP 400)', provoke: (s) => thrown(() => message(anthropic(`${s.base}/s/anthropic-context`))), expected: permanent('context_length') },
  { client: 'Anthropic SDK', failure: '"credit balance is too low" (HTTP 400)', provoke: (s) => thrown(() => message(anthropic(`${s.base}/s/anthropic-credit`))), expected: permanent('quota') },
  { client: 'Anthropic SDK', failure: 'other invalid_request_error (HTTP 400)', provoke: (s) => thrown(() => message(anthropic(`${s.base}/s/anthropic-invalid`))), expected: recoverable('invalid_request') },
  { client: 'Anthropic SDK', failure: 'overloaded_error (HTTP 529)', provoke: (s) => thrown(() => message(anthropic(`${s.base}/s/anthropic-overloaded`))), expected: transient('overloaded') },
  { client: 'Anthropic SDK', failure: 'rate_limit_error with Retry-After: 7', provoke: (s) => thrown(() => message(anthropic(`${s.base}/s/anthropic-rate-limit`))), expected: transient('rate_limit', { retryAfterMs: 7000 }) },
  { client: 'Anthropic SDK', failure: 'connection refused (APIConnectionError)', provoke: (s) => thrown(() => message(anthropic(s.refusedUrl))), expected: transient('network', { notProcessed: true }) },
  { client: 'Anthropic SDK', failure: "caller's abort (APIUserAbortError)", provoke: (s) => abortedOnArrival(s, (signal) => message(anthropic(`${s.base}/hang`), signal)), expected: aborted },
  // Vercel AI SDK
  { client: 'Vercel AI SDK', failure: 'HTTP 429 with Retry-After: 7', provoke: (s) => thrown(() => generate(`${s.base}/s/status-429-retry-after`)), expected: transient('rate_limit', { retryAfterMs: 7000 }) },
  { client: 'Vercel AI SDK', failure: 'insufficient_quota (HTTP 429)', provoke: (s) => thrown(() => generate(`${s.base}/s/openai-quota`)), expected: permanent('quota') },
  { client: 'Vercel AI SDK', failure: 'context_length_exceeded (HTTP 400)', provoke: (s) => thrown(() => generate(`${s.base}/s/openai-context`)), expected: permanent('context_length') },
  { client: 'Vercel AI SDK', failure: 'HTTP 409 (isRetryable)', provoke: (s) => thrown(() => generate(`${s.base}/s/status-409`)), expected: transient('conflict') },
  { client: 'Vercel AI SDK', failure: 'HTTP 503, the SDK\'s retries spent (RetryError)', provoke: (s) => thrown(() => generate(`${s.base}/s/ai-unavailable-fast-retry`, { maxRetries: 1 })), expected: transient('unavailable', { retryAfterMs: 1 }) },
  { client: 'Vercel AI SDK', failure: 'connection refused', provoke: (s) => thrown(() => generate(s.refusedUrl)), expected: transient('network', { notProcessed: true }) },
  { client: 'Vercel AI SDK', failure: 'no API key (LoadAPIKeyError)', provoke: (s) => thrown(() => generate(`${s.base}/s/status-404`, { apiKey: undefined })), expected: permanent('auth') },
  { client: 'Vercel AI SDK', failure: "caller's abort", provoke: (s) => abortedOnArrival(s, (abortSignal) => generate(`${s.base}/hang`, { abortSignal })), expected: aborted },
];
