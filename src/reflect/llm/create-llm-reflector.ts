import { HealingConfigError } from '../../errors.js';
import type { Reflector, ReflectionRequest } from '../reflector.js';
import { MAX_PROPOSAL_TEXT, unfence } from '../secure-json.js';
import type { CompleteFunction } from './chat.js';
import { buildMessages, jsonSchemaOf, replySchema } from './prompt.js';

/**
 * Options of {@link createLLMReflector}.
 *
 * @example
 * ```ts
 * const options: LLMReflectorOptions = { complete: openAICompatible({ baseURL, apiKey, model }), instructions: 'Dates are ISO 8601.' };
 * ```
 */
export interface LLMReflectorOptions {
  /** Sends the messages to a model and resolves its reply text. */
  complete: CompleteFunction;
  /** Domain hints added to the system prompt ("amounts are in cents", "dates are ISO 8601"). */
  instructions?: string;
}

/**
 * A reflector that asks a language model for repaired args. Provider-agnostic: `complete` is the
 * only thing it needs. The prompt holds the redacted error and args, the args' JSON Schema (from
 * `argsSchema`), the paths it may change and what was already tried, and asks for JSON only.
 *
 * The model's reply is untrusted text: the pipeline parses it (JSON only, no prototype keys),
 * holds it to `mutablePaths`, `argsSchema` and `accept`, and refuses repeats, before anything
 * runs. A reply of `{"args": null}` declines, bare or in a ```json fence.
 *
 * @example
 * ```ts
 * const reflector = createLLMReflector({ complete: openAICompatible({ baseURL: 'https://api.openai.com/v1', apiKey, model: 'gpt-4o-mini' }) });
 * const result = await executeWithHealing(createEvent, { date: '01-19-2026' }, { reflector, argsSchema, mutablePaths: ['date'] });
 * ```
 */
export function createLLMReflector<A = unknown>(options: LLMReflectorOptions): Reflector<A> {
  if (options === null || typeof options !== 'object' || typeof options.complete !== 'function') {
    throw new HealingConfigError('createLLMReflector.complete', 'complete must be a function (messages, { signal }) => Promise<string>, such as openAICompatible({ baseURL, model, apiKey })');
  }
  if (options.instructions !== undefined && typeof options.instructions !== 'string') {
    throw new HealingConfigError('createLLMReflector.instructions', 'instructions must be a string');
  }
  const { complete, instructions } = options;
  return async (request: ReflectionRequest<A>) => {
    const argsJsonSchema = jsonSchemaOf(request.argsSchema);
    const messages = buildMessages(request as ReflectionRequest<unknown>, instructions, argsJsonSchema);
    const reply = await complete(messages, { signal: request.signal, responseSchema: replySchema(argsJsonSchema) });
    const text = typeof reply === 'string' ? reply : reply?.text;
    if (typeof text !== 'string') throw new TypeError('complete() must resolve a string or { text, usage }');
    const usage = typeof reply === 'string' ? undefined : reply.usage;
    return declines(text) ? null : { json: text, usage };
  };
}

/**
 * Whether the reply is the agreed "cannot repair" answer, `{"args": null, ...}`, bare or in a
 * ```json fence: the fence is read as the proposal parser reads it, so a fenced decline can never
 * pass for a proposal of `null` args.
 */
function declines(text: string): boolean {
  if (text.length > MAX_PROPOSAL_TEXT) return false; // the parse check refuses it, once
  try {
    const parsed: unknown = JSON.parse(unfence(text.trim()));
    return parsed !== null && typeof parsed === 'object' && Object.hasOwn(parsed, 'args') && (parsed as { args: unknown }).args === null;
  } catch {
    return false;
  }
}
