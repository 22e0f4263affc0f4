import { HealingConfigError, HealingError } from '../errors.js';
import { hasMethods } from '../config/schema-helpers.js';
import { suggestionFor } from '../config/suggest-option.js';
import { isInstance } from '../core/guards.js';
import { HealingPipeline } from '../pipeline/healing-pipeline.js';
import type { AttemptContext, HealingOptions } from '../pipeline/options.js';
import type { ArgsSchema } from '../reflect/reflect-options.js';
import { mergeOptions, validateOptions } from '../pipeline/plan.js';
import { withOwnState } from './per-tool-state.js';

/**
 * The part of an agent tool that `healTools` reads: the shape of the Vercel AI SDK's `tool()`
 * and of MCP clients' tools (`{ description, inputSchema | parameters, execute(args, { abortSignal }) }`).
 * Every other property is kept as it is.
 *
 * @example
 * ```ts
 * const weather: ToolLike = {
 *   description: 'The weather in a city',
 *   inputSchema: z.object({ city: z.string() }),
 *   execute: async ({ city }, { abortSignal }) => fetchWeather(city, { signal: abortSignal }),
 * };
 * ```
 */
export interface ToolLike {
  /** A string, or (AI SDK) a function of the tool's context that returns one. */
  description?: unknown;
  /** A zod schema (used as `argsSchema`) or a JSON Schema object (left as it is). */
  inputSchema?: unknown;
  /** The older name of `inputSchema`. */
  parameters?: unknown;
  /** Called with the tool's args and the caller's options (`abortSignal`, `toolCallId`, `messages`, ...). */
  execute?: (args: any, options: any) => unknown;
}

/**
 * Options of {@link healTools}: the {@link HealingOptions} every tool's pipeline shares, and
 * `tools`, options of single tools by name, merged over the shared ones (`retry` field by field).
 *
 * @example
 * ```ts
 * const options: HealToolsOptions<typeof tools> = {
 *   retry: { maxAttempts: 3 },
 *   timeoutMs: 10_000,
 *   tools: { search: { retry: { maxAttempts: 5 } } },
 * };
 * ```
 * @typeParam Tools - The map of tools: `tools` takes only their names, each with its args and result types.
 */
export interface HealToolsOptions<Tools = Record<string, ToolLike>> extends HealingOptions {
  /** Per-tool options by tool name; a name that is not in the map is a `HealingConfigError`. */
  tools?: {
    [Name in keyof Tools]?: HealingOptions<
      NonNullable<Tools[Name] extends { execute?: infer E } ? E : never> extends (args: infer A, ...rest: any[]) => unknown ? A : unknown,
      NonNullable<Tools[Name] extends { execute?: infer E } ? E : never> extends (...args: any[]) => infer R ? Exclude<Awaited<R>, AsyncIterable<unknown>> : unknown
    >;
  };
}

const isZodLike = hasMethods('safeParse') as (value: unknown) => value is ArgsSchema;

/**
 * Heals every tool of a map (Vercel AI SDK tools, MCP tools, any `{ execute(args, options) }`):
 * each `execute` runs through a {@link HealingPipeline} of its own, built once here, so a tool
 * that fails with a transient error is retried with backoff, repaired by a reflector, served by
 * a fallback, refused by its breaker, as the options say. Returns a map of the same shape and
 * type: tools without `execute` are returned as they are, the others as copies whose only
 * change is `execute`.
 *
 * - **Circuits and state**: each tool gets its own breaker, `tool:<name>`, so one tool being down
 *   does not open the others; a `circuitName` in the options (shared or per tool) replaces it.
 *   Shared stateful configs (`bulkhead: { ... }`, a retry budget's config, `lastGood` fallbacks,
 *   `adaptive: true`) give each tool its own; pass an instance (`new Bulkhead(...)`) to share one.
 * - **Abort**: the caller's `abortSignal` (the AI SDK's `abortSignal` of `generateText`) is the
 *   execution's `signal`: aborting it ends a retry wait at once. The tool's own `execute` gets the
 *   signal of its attempt as `abortSignal`, which also aborts when `timeoutMs` cuts the attempt;
 *   the rest of the second argument (`toolCallId`, `messages`, `context`, ...) is passed unchanged.
 * - **Args**: a zod `inputSchema` (or `parameters`) is the pipeline's `argsSchema`, so args a
 *   reflector repairs must still match the tool's schema. A JSON Schema (`jsonSchema(...)`, MCP)
 *   is not used for that and is left untouched.
 * - **Failure**: when healing gives up, `execute` rejects with a {@link HealingError} whose message
 *   ends with the tool's own error message and whose `cause` is that error, and `result` says
 *   what was tried: the AI SDK turns it into the tool-error part the model sees.
 *
 * A tool whose `execute` is an async generator (streamed, preliminary results) cannot be retried
 * as one value and is refused with a `HealingConfigError`.
 *
 * @example
 * ```ts
 * import { generateText, tool } from 'ai';
 * import { healTools } from 'self-healing/tools';
 *
 * const tools = healTools({
 *   weather: tool({
 *     description: 'The weather in a city',
 *     inputSchema: z.object({ city: z.string() }),
 *     execute: async ({ city }, { abortSignal }) => fetchWeather(city, { signal: abortSignal }),
 *   }),
 * }, { retry: { maxAttempts: 4 }, timeoutMs: 10_000, tools: { weather: { fallback: () => ({ unknown: true }) } } });
 * const { text } = await generateText({ model, tools, prompt: 'Weather in Oslo?', abortSignal });
 * ```
 * @throws {HealingConfigError} for a map that is not a plain object of tools (a `Map`, an array),
 *   a tool that is not an object, whose `execute` is not a function or streams its results, or
 *   that the map only inherits (a getter of its class: only own properties are healed), invalid
 *   options (per-tool ones named `tools.<name>.<option>`), or a name in `tools` that is not in the map.
 */
export function healTools<Tools extends { [Name in keyof Tools]: ToolLike }>(tools: Tools, options?: HealToolsOptions<Tools>): Tools {
  checkToolMap(tools);
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new HealingConfigError('options', 'expected the healing options ({ retry, timeoutMs, tools: { <name>: { ... } } }) or nothing');
  }
  const { tools: perTool = {}, ...shared } = options ?? {};
  validateOptions(shared);
  const names = Object.keys(tools);
  refuseInheritedTools(tools, names);
  checkToolNames(perTool, names);
  const healed: Record<string, unknown> = {};
  for (const name of names) {
    const tool = toolAt(tools, name);
    if (tool === null || typeof tool !== 'object') {
      throw new HealingConfigError(`tools.${name}`, `expected a tool ({ description, inputSchema, execute }), got ${tool === null ? 'null' : typeof tool}`);
    }
    // No execute: a tool run elsewhere, returned as it is. Any other execute cannot be healed, and
    // returning the tool unhealed would hide that its calls fail (or are never healed).
    if (tool.execute !== undefined && typeof tool.execute !== 'function') {
      throw new HealingConfigError(`tools.${name}.execute`, `expected a function execute(args, options), or none for a tool run elsewhere (got ${tool.execute === null ? 'null' : typeof tool.execute})`);
    }
    // Own keys only: a tool named `constructor` or `toString` (an MCP server names its tools) must
    // not find Object.prototype's member as its options.
    const own = Object.hasOwn(perTool, name) ? (perTool as Record<string, HealingOptions | undefined>)[name] : undefined;
    // Defined, not assigned: a tool named `__proto__` is a key like any other, not the prototype.
    Object.defineProperty(healed, name, { value: tool.execute === undefined ? tool : healTool(name, tool, shared, own), enumerable: true, writable: true, configurable: true });
  }
  return healed as Tools;
}

function checkToolMap(tools: unknown): asserts tools is object {
  if (tools === null || typeof tools !== 'object' || Array.isArray(tools)) {
    throw new HealingConfigError('tools', `expected a map of tools by name ({ search: tool({ ... }) }), got ${tools === null ? 'null' : Array.isArray(tools) ? 'an array' : typeof tools}`);
  }
  // A Map (or a Set, any iterable) holds its tools as entries, not properties: healing its
  // properties would return an empty map, every tool silently dropped.
  if (typeof (tools as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
    throw new HealingConfigError('tools', `expected a plain object of tools by name, got ${isInstance(tools, Map) ? 'a Map' : 'an iterable'}; pass Object.fromEntries(map)`);
  }
}

/**
 * Tools a class gives as getters (or fields) of its prototype are not own keys of the map, so
 * the map returned would not have them: refused, naming the first, rather than dropped. A
 * prototype's methods are not tools and are left alone.
 */
function refuseInheritedTools(tools: object, names: readonly string[]): void {
  for (let proto: object | null = Object.getPrototypeOf(tools); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || names.includes(key)) continue;
      const value = toolAt(tools, key);
      if (value === null || typeof value !== 'object') continue;
      throw new HealingConfigError(`tools.${key}`, 'is inherited from the map\'s prototype (a class getter), and healTools heals own properties only; ' +
        `pass a plain object that holds it ({ ${key}: tools.${key}, ... })`);
    }
  }
}

/** The tool of that name, read through the map (a getter of its class included). */
function toolAt(tools: object, name: string): ToolLike {
  try {
    return (tools as Record<string, ToolLike>)[name]!;
  } catch (cause) {
    throw new HealingConfigError(`tools.${name}`, 'could not be read (a getter threw)', { cause });
  }
}

function checkToolNames(perTool: object, names: readonly string[]): void {
  if (perTool === null || typeof perTool !== 'object' || Array.isArray(perTool)) {
    throw new HealingConfigError('tools', 'expected per-tool options by tool name ({ search: { retry: { maxAttempts: 5 } } })');
  }
  for (const key of Object.keys(perTool)) {
    if (names.includes(key)) continue;
    const hint = suggestionFor(key, names, '');
    throw new HealingConfigError(`tools.${key}`, `no tool named "${key}" in the map${hint === undefined ? '' : `; ${hint}`} (the tools: ${names.join(', ') || 'none'})`);
  }
}

function healTool(name: string, tool: ToolLike, shared: HealingOptions, own: HealingOptions | undefined): ToolLike {
  const execute = tool.execute!;
  if (Object.prototype.toString.call(execute) === '[object AsyncGeneratorFunction]') {
    throw new HealingConfigError(`tools.${name}.execute`, 'streams its results (an async generator), which cannot be retried as one value; heal the calls inside it, or leave this tool out of healTools');
  }
  if (own !== undefined) validateOptions(own, `tools.${name}`);
  const schema = isZodLike(tool.inputSchema) ? tool.inputSchema : isZodLike(tool.parameters) ? tool.parameters : undefined;
  const defaults: HealingOptions = schema === undefined ? { circuitName: `tool:${name}` } : { circuitName: `tool:${name}`, argsSchema: schema };
  const options = mergeOptions(mergeOptions(defaults, withOwnState(shared)), own ?? {});
  const pipeline = new HealingPipeline(options);
  // A signal in the options (a shutdown) still holds when the caller gives its own: either ends the call.
  const configured = options.signal;

  async function healedExecute(this: unknown, args: unknown, callOptions?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const caller = callOptions?.abortSignal;
    const signal = caller === undefined ? undefined : configured === undefined ? caller : AbortSignal.any([configured, caller]);
    const result = await pipeline.execute(
      (attemptArgs: unknown, attempt: AttemptContext) => execute.call(this, attemptArgs, { ...callOptions, abortSignal: attempt.signal }),
      args,
      signal === undefined ? undefined : { signal },
    );
    if (result.status === 'ok') return result.result;
    throw new HealingError(result);
  }
  // A copy with every own property as it was (getters, symbols, non-enumerable ones like the AI
  // SDK's tool caller), and the same prototype; only `execute` changes.
  const copy = Object.create(Object.getPrototypeOf(tool), Object.getOwnPropertyDescriptors(tool)) as ToolLike;
  Object.defineProperty(copy, 'execute', { value: healedExecute, writable: true, enumerable: true, configurable: true });
  return copy;
}
