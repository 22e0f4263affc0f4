/**
 * `self-healing/tools`: heal an agent's tools in one call. `healTools` wraps a map of tools in
 * the shape the Vercel AI SDK and MCP clients use (`{ description, inputSchema, execute(args, { abortSignal }) }`),
 * each `execute` healed by a pipeline of its own, with its own circuit, and keeps the map's type.
 * Re-exports only.
 *
 * @example
 * ```ts
 * import { generateText, tool } from 'ai';
 * import { healTools } from 'self-healing/tools';
 *
 * const tools = healTools({ search: tool({ description: 'Web search', inputSchema, execute: search }) }, { retry: { maxAttempts: 4 } });
 * await generateText({ model, tools, prompt });
 * ```
 * @module self-healing/tools
 */
export { healTools, type HealToolsOptions, type ToolLike } from './heal-tools.js';
