/**
 * Paths into args, as users write them in `mutablePaths` and `redact.paths`: dot-separated keys
 * and array indexes (`'date'`, `'user.address.zip'`, `'items.0.qty'`; `'items[0].qty'` is read
 * the same), with `*` for any one key or index (`'items.*.qty'`). The empty path `''` is the
 * args value itself.
 */
export type ArgPath = readonly PathSegment[];

/**
 * The wildcard segment of a parsed user path. A symbol, not a string: every string is a key that
 * data can hold (a key named `*`, or any other, in a failure's `issues` paths, which an attacker
 * may shape) and must stay a literal key. Only `parsePath` of the user's own paths makes one.
 */
export const ANY_SEGMENT: unique symbol = Symbol('any key or index');

/** A key or index of a path, or the {@link ANY_SEGMENT} wildcard. */
export type PathSegment = string | typeof ANY_SEGMENT;

/** Splits `'items[0].qty'` or `'items.0.qty'` into `['items', '0', 'qty']`; `*` becomes {@link ANY_SEGMENT}. */
export function parsePath(path: string): ArgPath {
  if (path === '') return [];
  return path.replace(/\[(\d+|\*)\]/g, '.$1').replace(/^\./, '').split('.').map((segment) => (segment === '*' ? ANY_SEGMENT : segment));
}

/** The dot form of a path, for messages: `['items', '0']` becomes `'items.0'`, the root `'(root)'`. */
export function formatPath(path: ArgPath): string {
  return path.length === 0 ? '(root)' : path.map((segment) => (segment === ANY_SEGMENT ? '*' : segment)).join('.');
}

/** Whether a pattern holds a wildcard segment. */
export function hasWildcard(pattern: ArgPath): boolean {
  return pattern.includes(ANY_SEGMENT);
}

/** Whether `path` is `pattern` or lies under it (`items.0.qty` is under `items` and `items.*`). */
export function isUnder(path: ArgPath, pattern: ArgPath): boolean {
  if (pattern.length > path.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== ANY_SEGMENT && pattern[i] !== path[i]) return false;
  }
  return true;
}

/** Whether `path` equals `pattern` segment by segment (`*` matching any one segment). */
export function matchesExactly(path: ArgPath, pattern: ArgPath): boolean {
  return path.length === pattern.length && isUnder(path, pattern);
}

const isRecord = (value: unknown): value is Record<string, unknown> => {
  try {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const prototype: unknown = Object.getPrototypeOf(value);
    // Only plain objects compare key by key: a Map, a class instance or a Date is one value, and a
    // proposal (always plain data) that stands in for it is a change there.
    return prototype === Object.prototype || prototype === null;
  } catch {
    return false; // a Proxy whose traps throw: one opaque value
  }
};

/**
 * The paths where `proposed` differs from `current`: a changed leaf, a key added or removed, an
 * array grown or shrunk (at the first differing index), or a value whose type changed. Both are
 * plain data (the proposal has been through `toPlainData`).
 */
export function changedPaths(current: unknown, proposed: unknown, path: string[] = [], out: ArgPath[] = []): ArgPath[] {
  if (Object.is(current, proposed)) return out;
  if (isArray(current) && Array.isArray(proposed)) {
    const length = Math.max(current.length, proposed.length);
    for (let i = 0; i < length; i++) {
      if (i >= current.length || i >= proposed.length) out.push([...path, String(i)]);
      else changedPaths(current[i], proposed[i], [...path, String(i)], out);
    }
    return out;
  }
  if (isRecord(current) && isRecord(proposed)) {
    for (const key of new Set([...Object.keys(current), ...Object.keys(proposed)])) {
      const inCurrent = Object.hasOwn(current, key);
      const inProposed = Object.hasOwn(proposed, key);
      if (inCurrent !== inProposed) out.push([...path, key]);
      else changedPaths(read(current, key), proposed[key], [...path, key], out);
    }
    return out;
  }
  if (current instanceof Date && proposed instanceof Date && current.getTime() === proposed.getTime()) return out;
  out.push(path);
  return out;
}

/** A value the args could not give (a getter threw): it equals nothing, so it always counts as changed. */
const UNREADABLE = Symbol('unreadable');

function read(target: Record<string, unknown>, key: string): unknown {
  try {
    return target[key];
  } catch {
    return UNREADABLE;
  }
}

function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked Proxy
  }
}

/** Reads the value at a concrete path (no wildcards), or `undefined` (also when a getter throws). */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = read(node as Record<string, unknown>, segment);
    if (node === UNREADABLE) return undefined;
  }
  return node;
}

/**
 * The paths named by a validation error's issues (zod's `error.issues[].path`, and the same shape
 * from other validators): what the default `mutablePaths` allows a reflector to change. `undefined`
 * when the error names no path.
 */
export function pathsFromIssues(error: unknown): ArgPath[] | undefined {
  let issues: unknown;
  try {
    issues = (error as { issues?: unknown } | null)?.issues;
  } catch {
    return undefined;
  }
  if (!Array.isArray(issues)) return undefined;
  const paths: ArgPath[] = [];
  for (const issue of issues.slice(0, 100)) {
    const path: unknown = (issue as { path?: unknown } | null)?.path;
    if (Array.isArray(path) && path.length > 0 && path.every((s) => typeof s === 'string' || typeof s === 'number')) {
      paths.push(path.map(String));
    }
  }
  return paths.length > 0 ? paths : undefined;
}
