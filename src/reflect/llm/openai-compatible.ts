import { z } from 'zod';
import { parseWith } from '../../config/parse.js';
import { HealingConfigError, recogniseOtherCopies } from '../../errors.js';
import type { Assert, Same } from '../../config/same-type.js';
import { redactMessage } from '../../observe/redact.js';
import type { ChatMessage, CompleteFunction, CompleteOptions, CompletionResult } from './chat.js';
import { llmRetryOptionsSchema, withHttpRetries, type LLMRetryOptions } from './http-retry.js';
import { cutAtTokenBoundary } from '../../core/cut-text.js';

/**
 * How the reply's shape is requested: `json_schema` (structured output with the reply's schema),
 * `json_object` (JSON mode), `none`, or `auto`: `json_schema`, stepping down to `json_object`
 * and then `none` when the server rejects the `response_format` (and remembering that).
 *
 * @example
 * ```ts
 * const structuredOutput: StructuredOutput = 'json_object'; // a server without json_schema support
 * ```
 */
export type StructuredOutput = 'auto' | 'json_schema' | 'json_object' | 'none';

/**
 * Options of {@link openAICompatible}.
 *
 * @example
 * ```ts
 * const options: OpenAICompatibleOptions = { baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1' };
 * ```
 */
export interface OpenAICompatibleOptions {
  /** The API root, up to and including the version (`https://api.openai.com/v1`); `/chat/completions` is appended. */
  baseURL: string;
  /** Sent as `Authorization: Bearer ...`; never logged, never put in an error. Optional for local servers. */
  apiKey?: string;
  model: string;
  /** Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** More request headers (an organisation or project id, say): valid HTTP header names and string values, checked here. */
  headers?: Record<string, string>;
  /** Default `'auto'`. */
  structuredOutput?: StructuredOutput;
  /** From 0 to 2, the chat-completions range. Default 0: a repair should be the most likely one, not a creative one. */
  temperature?: number;
  /** Caps the reply (`max_tokens`): a whole number of tokens, at least 1. Default 1024. */
  maxTokens?: number;
  /**
   * Retries of the HTTP call itself (429, 408, 5xx, network errors; never 400, 401, 403, 404...),
   * done with p-retry and counted apart from `maxReflections`. The fields are the pipeline's
   * `RetryOptions`, mapped onto p-retry as {@link LLMRetryOptions} describes: `maxAttempts` (default 3)
   * becomes `retries: maxAttempts - 1`; `minDelayMs` (default 250), `factor` (2) and `maxDelayMs`
   * (30 000) become `minTimeout`, `factor` and `maxTimeout`; `jitter` becomes `randomize`; a
   * `Retry-After` up to `maxRetryAfterMs` (60 000) is waited at least. Waits end at once on abort.
   */
  retry?: LLMRetryOptions;
}

/**
 * The failure of a chat-completions request. `status` and `headers` are there so the classifier
 * decides retries as for any HTTP error; the message holds the server's error text, redacted and
 * truncated, never the API key.
 *
 * @example
 * ```ts
 * if (error instanceof LLMRequestError && error.status === 401) rotateKey();
 * ```
 */
export class LLMRequestError extends Error {
  readonly code = 'ERR_LLM_REQUEST';
  override readonly name = 'LLMRequestError';
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The response's `retry-after` headers, when present. */
  readonly headers: Record<string, string>;
  /**
   * `true` when the server answered 200 without a usable reply: a refusal, a body that is not
   * JSON (or empty), no `choices[0].message.content`. That is the model's answer, not a transient
   * failure, so the HTTP retries do not ask again.
   */
  readonly nonAnswer: boolean;

  constructor(message: string, status?: number, headers: Record<string, string> = {}, options?: ErrorOptions & { nonAnswer?: boolean }) {
    super(message, options);
    this.status = status;
    this.headers = headers;
    this.nonAnswer = options?.nonAnswer === true;
  }
}
recogniseOtherCopies(LLMRequestError, 'ERR_LLM_REQUEST');

const DOWNGRADE: Record<'json_schema' | 'json_object', StructuredOutput> = { json_schema: 'json_object', json_object: 'none' };

const STRUCTURED_OUTPUTS = ['auto', 'json_schema', 'json_object', 'none'] as const;
const TEMPERATURE = 'temperature must be a number from 0 to 2';
const MAX_TOKENS = 'maxTokens must be a whole number of tokens, at least 1';

/** Refuses a baseURL fetch could not POST to: not absolute, or not http(s). */
function checkBaseURL(ctx: z.core.ParsePayload<string>): void {
  let protocol: string;
  try {
    protocol = new URL(ctx.value).protocol;
  } catch {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: 'baseURL must be an absolute URL such as https://api.openai.com/v1' });
    return;
  }
  if (protocol !== 'http:' && protocol !== 'https:') ctx.issues.push({ code: 'custom', input: ctx.value, message: `baseURL must be http(s), got ${protocol}` });
}

/**
 * Refuses a header `Headers` would refuse at the first call (a name that is not an HTTP token, a
 * value with a line break), naming the header but never showing its value: it may be a secret.
 */
function checkHeaders(ctx: z.core.ParsePayload<Record<string, string>>): void {
  for (const [name, value] of Object.entries(ctx.value)) {
    try {
      new Headers([[name, value]]);
    } catch {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `header ${JSON.stringify(name)} is not a valid HTTP header (a name is a token without spaces; a value has no line breaks)` });
      return;
    }
  }
}

const optionsSchema = z.strictObject({
  baseURL: z.string({ error: 'baseURL must be an absolute URL such as https://api.openai.com/v1' }).check(checkBaseURL),
  apiKey: z.string({ error: 'apiKey must be a string' }).optional(),
  model: z.string({ error: 'model must be a non-empty string' }).min(1, 'model must be a non-empty string'),
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'fetch must be a function').optional(),
  headers: z.record(z.string(), z.string({ error: 'each header value must be a string' }), { error: 'headers must be an object of header names to string values' })
    .check(checkHeaders).optional(),
  structuredOutput: z.enum(STRUCTURED_OUTPUTS, { error: `structuredOutput must be one of ${STRUCTURED_OUTPUTS.join(', ')}` }).optional(),
  // NaN and Infinity are not numbers to zod: a NaN temperature would be sent as null.
  temperature: z.number({ error: TEMPERATURE }).min(0, TEMPERATURE).max(2, TEMPERATURE).optional(),
  maxTokens: z.number({ error: MAX_TOKENS }).int(MAX_TOKENS).min(1, MAX_TOKENS).optional(),
  retry: llmRetryOptionsSchema.optional(),
}, { error: 'expected { baseURL, model, apiKey? }' });

// The interface keeps its field docs; this keeps it and the schema the same.
type _Check = Assert<Same<OpenAICompatibleOptions, z.input<typeof optionsSchema>>>;

/**
 * A `complete` function for any OpenAI-compatible chat-completions endpoint (OpenAI, Azure
 * OpenAI's v1 API, OpenRouter, Groq, Together, vLLM, Ollama, LM Studio, llama.cpp's server...).
 * No SDK: `fetch` only. It asks for structured output when the server supports it, retries the
 * HTTP call on 429/5xx/network errors, and reports token usage for `reflectionBudget`.
 *
 * @example
 * ```ts
 * const reflector = createLLMReflector({
 *   complete: openAICompatible({ baseURL: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY, model: 'gpt-4o-mini' }),
 * });
 * ```
 */
export function openAICompatible(options: OpenAICompatibleOptions): CompleteFunction {
  parseWith(optionsSchema, options, 'openAICompatible');
  const url = `${options.baseURL.replace(/\/+$/, '')}/chat/completions`;
  // The key and header values are removed from every error text, whatever their shape: a server
  // may echo a key in its own words ("Invalid API Key provided: gsk_...").
  const credentials = [options.apiKey, ...Object.values(options.headers ?? {})].filter((value): value is string => typeof value === 'string' && value.length >= 4);
  const scrub = (text: string): string => {
    let clean = text;
    for (const secret of credentials) {
      for (const form of [secret, encodeURIComponent(secret)]) clean = clean.split(form).join('[REDACTED]');
    }
    return redactMessage(clean); // then the patterns, then the cut: no secret is cut in half
  };
  const doFetch = options.fetch ?? globalThis.fetch;
  let mode: StructuredOutput = options.structuredOutput ?? 'auto';
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  const send = async (messages: ChatMessage[], complete: CompleteOptions, format: StructuredOutput): Promise<Response> => {
    const body: Record<string, unknown> = {
      model: options.model,
      messages,
      temperature: options.temperature ?? 0,
      max_tokens: options.maxTokens ?? 1024,
    };
    if (format === 'json_schema' || format === 'auto') {
      body.response_format = { type: 'json_schema', json_schema: { name: 'repaired_arguments', schema: complete.responseSchema, strict: false } };
    } else if (format === 'json_object') {
      body.response_format = { type: 'json_object' };
    }
    try {
      return await doFetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: complete.signal });
    } catch (error) {
      if (complete.signal.aborted) throw error;
      throw new LLMRequestError(`the chat-completions request to ${new URL(url).host} failed: ${scrub(String((error as Error)?.message ?? error))}`, undefined, {}, { cause: error });
    }
  };

  const requestOnce = async (messages: ChatMessage[], complete: CompleteOptions): Promise<CompletionResult> => {
    for (;;) {
      const response = await send(messages, complete, mode);
      if (response.ok) return readCompletion(await readJson(response), scrub);
      const errorText = shorten(scrub(await readErrorText(response))) || response.statusText || 'no details';
      // A server without structured output says so with a 400 about response_format: step down once per level.
      if ((mode === 'auto' || mode === 'json_schema' || mode === 'json_object') && response.status === 400 &&
        /response_format|json_schema|json_object|structured/i.test(errorText) && (options.structuredOutput ?? 'auto') === 'auto') {
        mode = DOWNGRADE[mode === 'auto' ? 'json_schema' : mode];
        continue;
      }
      throw new LLMRequestError(`the model server answered HTTP ${response.status}: ${errorText}`, response.status, retryHeaders(response));
    }
  };

  return (messages, complete) => {
    // Called by the reflector with both; called by hand, a missing one is misuse, not a TypeError from inside.
    if (!Array.isArray(messages)) return Promise.reject(new HealingConfigError('messages', 'expected an array of chat messages { role, content }'));
    if (!(complete?.signal instanceof AbortSignal)) {
      return Promise.reject(new HealingConfigError('options.signal', 'expected { signal: AbortSignal } as the second argument (the reflector passes its own)'));
    }
    return withHttpRetries(() => requestOnce(messages, complete), options.retry, complete.signal);
  };
}

/**
 * The 200 body as JSON. A connection lost while reading it is a network error, retried like one;
 * a body that arrived whole but is not JSON (or is empty) is the server's answer: `nonAnswer`.
 */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    const what = text.trim() === '' ? 'an empty body' : 'a body that is not JSON';
    throw new LLMRequestError(`the model server answered 200 with ${what}`, response.status, {}, { cause: error, nonAnswer: true });
  }
}

function readCompletion(body: unknown, scrub: (text: string) => string): CompletionResult {
  const choice = (body as { choices?: Array<{ message?: { content?: unknown; refusal?: unknown } }> } | null)?.choices?.[0];
  const message = choice?.message;
  if (typeof message?.refusal === 'string' && message.refusal) {
    throw new LLMRequestError(`the model refused: ${scrub(message.refusal)}`, 200, {}, { nonAnswer: true });
  }
  if (typeof message?.content !== 'string' || message.content.trim() === '') {
    throw new LLMRequestError('the model server answered without choices[0].message.content (none or empty)', 200, {}, { nonAnswer: true });
  }
  const usage = (body as { usage?: { total_tokens?: unknown } }).usage;
  const tokens = typeof usage?.total_tokens === 'number' ? usage.total_tokens : undefined;
  return { text: message.content, usage: tokens === undefined ? undefined : { tokens } };
}

/** The server's error message (OpenAI's `{ error: { message } }`, else the text), as sent. */
async function readErrorText(response: Response): Promise<string> {
  let text = '';
  try {
    text = (await response.text()).slice(0, 100_000);
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (typeof message === 'string') text = message;
  } catch {
    // not JSON: keep the text
  }
  return text; // redacted whole by the caller, then cut: a secret spanning the cut leaves nothing behind
}

function shorten(text: string): string {
  return text.length > 300 ? `${cutAtTokenBoundary(text, 300)}…` : text; // a token at the cut goes whole
}

function retryHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['retry-after', 'retry-after-ms']) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}
