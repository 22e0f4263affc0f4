import { z } from 'zod';
import { readProperty } from '../../classify/error-facts.js';
import { parseWith } from '../../config/parse.js';
import type { Assert, Same } from '../../config/same-type.js';
import { HealingConfigError } from '../../errors.js';
import type { Reflector, ReflectionRequest, ReflectionUsage } from '../reflector.js';
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

const COMPLETE_EXPECTED = 'complete must be a function (messages, { signal }) => Promise<string>, such as openAICompatible({ baseURL, model, apiKey })';

const optionsSchema = z.strictObject({
  complete: z.custom<CompleteFunction>((value) => typeof value === 'function', COMPLETE_EXPECTED),
  instructions: z.string({ error: 'instructions must be a string' }).optional(),
}, { error: 'expected { complete, instructions? }' });

// The interface keeps its field docs; this keeps it and the schema the same.
type _Check = Assert<Same<LLMReflectorOptions, z.input<typeof optionsSchema>>>;

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
  const { complete, instructions } = parseWith(optionsSchema, options, 'createLLMReflector');
  return async (request: ReflectionRequest<A>) => {
    checkRequest(request);
    const argsJsonSchema = jsonSchemaOf(request.argsSchema);
    const messages = buildMessages(request as ReflectionRequest<unknown>, instructions, argsJsonSchema);
    const reply = await complete(messages, { signal: request.signal, responseSchema: replySchema(argsJsonSchema) });
    // Read without trusting the reply's shape: `complete` is the user's code.
    const text = typeof reply === 'string' ? reply : readProperty(reply, 'text');
    // A reflector's failure: the pipeline records it (redacted) as a `reflector-error` and ends reflection.
    if (typeof text !== 'string') {
      throw new HealingConfigError('createLLMReflector.complete', `resolved ${describeReply(reply)}; it must resolve the reply's text, or { text, usage? }`);
    }
    const usage = typeof reply === 'string' ? undefined : readProperty(reply, 'usage') as ReflectionUsage | undefined;
    return declines(text) ? null : { json: text, usage };
  };
}

/**
 * Refuses what is not a pipeline's request (a reflector called by hand with something else), by
 * name, before any of it is read.
 */
function checkRequest(request: unknown): void {
  const redacted = readProperty(request, 'redacted');
  if (typeof request !== 'object' || redacted === null || typeof redacted !== 'object') {
    throw new HealingConfigError('request', 'expected the ReflectionRequest a pipeline passes its reflector ({ error, args, redacted: { error, args, history }, signal, ... })');
  }
}

/** What `complete` resolved, by kind only: the reply itself may hold anything the model wrote. */
function describeReply(reply: unknown): string {
  if (reply === null) return 'null';
  if (Array.isArray(reply)) return 'an array';
  if (typeof reply === 'object') return 'an object without a string `text`';
  return typeof reply === 'undefined' ? 'nothing' : `a ${typeof reply}`;
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
