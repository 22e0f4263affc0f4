import type { z } from 'zod';
import { HealingConfigError } from '../errors.js';
import { knownKeys, suggestionFor } from './suggest-option.js';
import { isSecretKeyName, redactMessage } from '../observe/redact.js';

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  // Redacted before it is cut: a connection URL or a token given where another option belongs
  // (`client: process.env.REDIS_URL`) must not reach the log that prints the error.
  if (typeof value === 'string') {
    const shown = redactMessage(value);
    return JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown);
  }
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a value of type ${typeof value}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    try {
      current = (current as Record<PropertyKey, unknown>)[key];
    } catch {
      return undefined;
    }
  }
  return current;
}

type Issue = z.core.$ZodIssue;

/**
 * For a value that matched no branch of a union (`redact: false | { keys, ... }`), the issue of
 * the branch it came closest to: the one whose issue lies deepest (`redact.keys.0` says more than
 * `redact`). Branches refused at the union's own level say nothing better than the union.
 */
function innermost(issue: Issue, root: unknown): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined || first.path.length === 0 || (best !== undefined && first.path.length <= best.path.length)) continue;
    // A branch that fails for a key the user never wrote (`run` missing from `{ valu: 1 }`) is not
    // the one they meant: the union's own message, listing every shape, says more.
    const path = [...issue.path, ...first.path];
    if (!isWritten(root, path)) continue;
    best = { ...first, path } as Issue;
  }
  return best === undefined ? issue : innermost(best, root);
}

/**
 * For a value no branch of a union accepted at the union's own level (`retry.jitter: 'random'`
 * against `boolean | 'full' | 'equal' | 'none'`): what the branches expect, in one phrase.
 */
function unionExpectations(issue: Issue): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const kinds: string[] = [];
  const values: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined || first.path.length > 0) return undefined;
    if (first.code === 'invalid_value') values.push(...first.values.map((value) => JSON.stringify(value)));
    else if (first.code === 'invalid_type') kinds.push(`${/^[aeiou]/.test(first.expected) ? 'an' : 'a'} ${first.expected}`); // an object, an array
    else return undefined;
  }
  const parts = [...new Set(kinds)];
  if (values.length > 0) parts.push(values.length === 1 ? values[0]! : `one of ${values.join(', ')}`);
  return parts.length === 0 ? undefined : `expected ${parts.join(' or ')}`;
}

/** The zod issue to report: an unknown key first, since a misspelt key also shows up as a missing one. */
function firstIssue(issues: readonly Issue[]): Issue {
  return issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0]!;
}

function isWritten(root: unknown, path: readonly PropertyKey[]): boolean {
  const parent = valueAt(root, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.hasOwn(parent, path.at(-1)!);
}

/**
 * Validates `value` against `schema`, or throws a {@link HealingConfigError} that names the first
 * offending path (`retry.maxAttempts`), says what was expected and what was given.
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(value);
  } catch (cause) {
    // A getter (or a Proxy's trap) that throws inside the options object: name where.
    const where = [root, ...(unreadablePath(value) ?? [])].filter(Boolean).join('.') || 'options';
    throw new HealingConfigError(where, 'could not be read (a getter threw)', { cause });
  }
  if (result.success) return result.data;
  const issue = innermost(firstIssue(result.error.issues), value);
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = [...issue.path, ...(keys.length === 1 ? keys : [])];
  const option = [root, ...path.map(String)].filter(Boolean).join('.') || 'options';
  if (issue.code === 'unrecognized_keys') {
    const hint = keys.length === 1 ? suggestionFor(keys[0]!, knownKeys(schema, issue.path), root) : undefined;
    throw new HealingConfigError(option, `unknown option${keys.length > 1 ? `s ${keys.join(', ')}` : ''}; ` +
      (hint ?? 'check the spelling against the documented options'));
  }
  const given = valueAt(value, issue.path);
  const said = unionExpectations(issue) ?? wording(issue, given);
  // Under a secret's name (`apiKey`, a header), only the kind of the value: it may be the secret.
  const secret = issue.path.some((key) => typeof key === 'string' && (key === 'headers' || isSecretKeyName(key, given)));
  throw new HealingConfigError(option, `${said} (got ${secret ? kindOf(given) : describe(given)})`);
}

const KINDS: Readonly<Record<string, string>> = {
  int: 'a whole number', number: 'a number', string: 'a string', boolean: 'a boolean', object: 'an object', array: 'an array', function: 'a function',
};

/**
 * zod's own words for a type or a range ("Invalid input: expected int, received number", "Too
 * small: expected number to be >=1") in ours, as the schemas' own messages read: what is expected,
 * then what was given. A message a schema wrote itself is kept as it is.
 */
function wording(issue: Issue, given: unknown): string {
  const message = issue.message;
  if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
    const kind = KINDS[issue.expected] ?? `a ${issue.expected}`;
    return given === undefined ? `is required: expected ${kind}` : `expected ${kind}`;
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && /^Too (small|big)/.test(message)) {
    const small = issue.code === 'too_small';
    const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
    const inclusive = issue.inclusive !== false;
    if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
      return `expected a number ${small ? (inclusive ? '>=' : '>') : (inclusive ? '<=' : '<')} ${String(bound)}`;
    }
    const unit = issue.origin === 'string' ? 'character' : issue.origin === 'array' || issue.origin === 'set' ? 'item' : undefined;
    if (unit !== undefined) return `expected ${small ? 'at least' : 'at most'} ${String(bound)} ${unit}${Number(bound) === 1 ? '' : 's'}`;
  }
  return message;
}

/** The path of the first value of `value` that throws when read (a getter, a revoked Proxy), if one is found. */
function unreadablePath(value: unknown, depth = 0): string[] | undefined {
  if (value === null || typeof value !== 'object' || depth > 8) return undefined;
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return []; // the object itself cannot be listed
  }
  for (const key of keys.slice(0, 100)) {
    let child: unknown;
    try {
      child = (value as Record<string, unknown>)[key];
    } catch {
      return [key];
    }
    const below = unreadablePath(child, depth + 1);
    if (below !== undefined) return [key, ...below];
  }
  return undefined;
}
