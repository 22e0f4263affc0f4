/**
 * `self-healing/llm`: a reflector that asks a language model to repair the arguments of a failed
 * call (`createLLMReflector`), and a transport for any OpenAI-compatible chat endpoint
 * (`openAICompatible`). Everything the model proposes is checked like any other proposal, and
 * only redacted text leaves the process. Re-exports only.
 *
 * @example
 * ```ts
 * import { HealingPipeline } from 'self-healing';
 * import { createLLMReflector, openAICompatible } from 'self-healing/llm';
 *
 * const reflector = createLLMReflector({
 *   complete: openAICompatible({ baseURL: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY!, model: 'gpt-4o-mini' }),
 * });
 * const pipeline = new HealingPipeline({ reflector, argsSchema });
 * ```
 * @module self-healing/llm
 */
export { createLLMReflector, type LLMReflectorOptions } from './create-llm-reflector.js';
export {
  openAICompatible, LLMRequestError, type OpenAICompatibleOptions, type StructuredOutput,
} from './openai-compatible.js';
export type { LLMRetryOptions } from './http-retry.js';
export type { ChatMessage, CompleteFunction, CompleteOptions, CompletionResult } from './chat.js';
