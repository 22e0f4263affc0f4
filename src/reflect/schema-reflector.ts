import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import type { Assert, Same } from '../config/same-type.js';
import { hasMethods } from '../config/schema-helpers.js';
import type { ArgsSchema } from './reflect-options.js';
import { readPath } from '../core/arg-paths.js';
import { toPlainData } from './plain-data.js';
import type { Reflector, ReflectionRequest } from './reflector.js';

/**
 * Options of {@link schemaReflector}.
 *
 * @example
 * ```ts
 * const options: SchemaReflectorOptions = { schema: z.object({ qty: z.number() }), then: llmReflector };
 * ```
 * @inline
 */
export interface SchemaReflectorOptions {
  /** The schema to coerce towards. Default: the pipeline's `argsSchema`. */
  schema?: ArgsSchema;
  /** Asked when coercion cannot make the args valid (an LLM reflector, say). Default: none. */
  then?: Reflector<any>;
}

const optionsSchema = z.strictObject({
  schema: z.custom<ArgsSchema>(hasMethods('safeParse'), 'schema must be a zod schema (an object with safeParse)').optional(),
  then: z.custom<Reflector<any>>((value) => typeof value === 'function', 'then must be a reflector function').optional(),
}, { error: 'expected { schema?, then? }' });

// The interface keeps its field docs; this keeps it and the schema the same.
type _Check = Assert<Same<SchemaReflectorOptions, z.input<typeof optionsSchema>>>;

interface Issue {
  code?: unknown;
  expected?: unknown;
  values?: unknown;
  path?: unknown;
}

const MAX_ROUNDS = 5;

/** One coercion made: the issue it answered, at its path. */
interface CoercionStep {
  path: readonly string[];
  issue: Issue;
}

interface Coerced {
  args: unknown;
  changes: string[];
  steps: CoercionStep[];
  valid: boolean;
}

/**
 * A deterministic reflector that repairs args towards a zod schema with the coercions zod users
 * expect before anything costlier runs: numeric strings to numbers, `'true'`/`'false'` to
 * booleans, numbers and booleans to strings, a lone value to a one-item array, and an enum value
 * in the wrong case to the right one. When the coerced args still fail the schema (or nothing
 * could be coerced), it hands over to `then`, if given, with the args as far as coercion got.
 *
 * @example
 * ```ts
 * const argsSchema = z.object({ qty: z.number().int(), currency: z.enum(['USD', 'EUR']) });
 * await executeWithHealing(order, { qty: '3', currency: 'usd' }, { argsSchema, reflector: schemaReflector() });
 * // second attempt runs with { qty: 3, currency: 'USD' }
 * ```
 * @throws {HealingConfigError} naming the option (`schemaReflector.schema`), or an unknown one.
 */
export function schemaReflector(options: SchemaReflectorOptions = {}): Reflector<any> {
  parseWith(optionsSchema, options, 'schemaReflector');
  return async (request: ReflectionRequest<unknown>) => {
    const schema = options.schema ?? request.argsSchema;
    const coerced = schema === undefined ? undefined : coerceTowards(schema, request.args);
    if (coerced?.valid) return { args: coerced.args, reason: `coerced ${coerced.changes.join(', ')} to match the schema` };
    if (options.then === undefined) return null;
    // What coercion fixed is kept: `then` starts from the partly coerced args.
    if (coerced === undefined) return options.then(request);
    // The model sees the view of the args: coercion's steps are replayed on it too, on its own
    // values, so what was redacted or cut stays so and the model starts where coercion got.
    const redacted = { ...request.redacted, args: replayOnView(request.redacted.args, coerced.steps) };
    const proposal = await options.then({ ...request, args: coerced.args, redacted });
    if (proposal !== null && typeof proposal === 'object' && 'reason' in proposal && typeof proposal.reason === 'string') {
      return { ...proposal, reason: `coerced ${coerced.changes.join(', ')}, then ${proposal.reason}` };
    }
    return proposal;
  };
}

/**
 * Coerces `args` round by round until the schema accepts them (`valid`) or nothing more can be
 * coerced; `undefined` when nothing could be.
 */
function coerceTowards(schema: ArgsSchema, args: unknown): Coerced | undefined {
  const copy = toPlainData(args);
  if (!copy.ok) return undefined;
  let current = copy.value;
  const changes: string[] = [];
  const steps: CoercionStep[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let result: ReturnType<ArgsSchema['safeParse']>;
    try {
      result = schema.safeParse(current);
    } catch {
      return undefined;
    }
    if (result.success) return changes.length > 0 ? { args: current, changes, steps, valid: true } : undefined;
    const issues = (result.error as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return changes.length > 0 ? { args: current, changes, steps, valid: false } : undefined;
    let progressed = false;
    for (const issue of issues as Issue[]) {
      if (!Array.isArray(issue.path) || !issue.path.every((s) => typeof s === 'string' || typeof s === 'number')) continue;
      const path: string[] = issue.path.map(String);
      const value = readPath(current, path);
      const fixed = coerceValue(issue, value);
      if (fixed === NO_FIX) continue;
      current = writePath(current, path, fixed);
      steps.push({ path, issue });
      changes.push(path.length ? path.join('.') : '(root)');
      progressed = true;
    }
    if (!progressed) break;
  }
  return changes.length > 0 ? { args: current, changes, steps, valid: false } : undefined;
}

/** The view of the args with coercion's steps replayed on its own values (never the args' own). */
function replayOnView(view: unknown, steps: readonly CoercionStep[]): unknown {
  const copy = toPlainData(view);
  if (!copy.ok) return view;
  let current = copy.value;
  for (const { path, issue } of steps) {
    const fixed = coerceValue(issue, readPath(current, path));
    if (fixed !== NO_FIX) current = writePath(current, path, fixed);
  }
  return current;
}

const NO_FIX = Symbol('no fix');

function coerceValue(issue: Issue, value: unknown): unknown {
  if (issue.code === 'invalid_type') {
    switch (issue.expected) {
      case 'number':
      case 'int': {
        if (typeof value !== 'string' || value.trim() === '') return NO_FIX;
        const number = Number(value.trim());
        return Number.isFinite(number) ? number : NO_FIX;
      }
      case 'boolean': {
        const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
        if (text === 'true' || text === 1 || text === '1' || text === 'yes') return true;
        if (text === 'false' || text === 0 || text === '0' || text === 'no') return false;
        return NO_FIX;
      }
      case 'string':
        return typeof value === 'number' || typeof value === 'boolean' ? String(value) : NO_FIX;
      case 'array':
        return value === undefined || value === null ? NO_FIX : [value];
      default:
        return NO_FIX;
    }
  }
  if (issue.code === 'invalid_value' && Array.isArray(issue.values) && typeof value === 'string') {
    const wanted = value.trim().toLowerCase();
    const found = issue.values.filter((option) => typeof option === 'string' && option.toLowerCase() === wanted);
    return found.length === 1 ? found[0] : NO_FIX;
  }
  return NO_FIX;
}

/** A copy of `root` with `value` at `path` (root is a fresh plain copy, so only it is changed). */
function writePath(root: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = readPath(root, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return root;
  Object.defineProperty(parent, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}
