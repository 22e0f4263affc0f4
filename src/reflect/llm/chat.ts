import type { ReflectionUsage } from '../reflector.js';

/**
 * One chat message, in the shape every chat-completions API accepts.
 *
 * @example
 * ```ts
 * const message: ChatMessage = { role: 'user', content: 'Repair these args: ...' };
 * ```
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * What `complete` is given besides the messages.
 *
 * @example
 * ```ts
 * const complete: CompleteFunction = (messages, { signal, responseSchema }) => callMyModel(messages, signal, responseSchema);
 * ```
 */
export interface CompleteOptions {
  /** Aborts on the caller's abort or `reflectionTimeoutMs`: pass it to your SDK or `fetch`. */
  signal: AbortSignal;
  /**
   * The JSON Schema of the expected reply (`{ args, reason }`), for providers with structured
   * output. Optional to use: the reply is validated either way.
   */
  responseSchema: Record<string, unknown>;
}

/**
 * A model's reply: its text, or its text and what it cost.
 *
 * @example
 * ```ts
 * const reply: CompletionResult = { text: '{"args":{},"reason":"..."}', usage: { tokens: 120 } };
 * ```
 */
export type CompletionResult = string | { text: string; usage?: ReflectionUsage };

/**
 * The one thing an LLM reflector needs from you: send chat messages to a model, resolve its reply.
 * Any SDK fits (OpenAI, Anthropic, the Vercel AI SDK, a local model), or `openAICompatible(...)`.
 *
 * @example
 * ```ts
 * const complete: CompleteFunction = async (messages, { signal }) => {
 *   const reply = await anthropic.messages.create({ model, max_tokens: 1024, system: messages[0].content,
 *     messages: messages.slice(1) }, { signal });
 *   return { text: reply.content[0].text, usage: { tokens: reply.usage.input_tokens + reply.usage.output_tokens } };
 * };
 * ```
 */
export type CompleteFunction = (messages: ChatMessage[], options: CompleteOptions) => Promise<CompletionResult>;
