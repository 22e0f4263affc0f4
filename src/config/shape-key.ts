/**
 * Whether two option values get the same verdict from the options schema, so that a call whose
 * options look like ones accepted a moment ago skips zod (the options written inline in every
 * call of `executeWithHealing`, a new object each time, cost microseconds each to parse).
 *
 * They do when the schema could not tell them apart: the same key names; equal primitive values
 * (a range or an enum may refuse one); a function against a function (the schema checks
 * `typeof === 'function'`, never which function); an `AbortSignal` against an `AbortSignal` and a
 * `RegExp` against a `RegExp` (it checks `instanceof`); plain objects and arrays compared the
 * same way, recursively, with their keys in the same order. Any other object (a registry, a
 * classifier, a Bulkhead, a zod schema) must be the very same object, because the schema checks
 * its class or its methods.
 */
export function sameShape(a: unknown, b: unknown): boolean {
  return walk(a, b, 0) !== OTHER;
}

/** What {@link walk} found: the schema could tell the two apart, they are the same values, or of one shape only. */
const OTHER = 0;
const SAME = 1;
const SHAPE = 2;

/**
 * Compares per-call options with a copy of earlier ones (see {@link copyPlain}) as
 * {@link sameShape} does, and says more: `-1` when the schema could tell them apart, else a mask
 * of the top-level keys whose values are of the same shape but not the same (a new arrow
 * function, another signal): bit `i` for `keys[i]`, bit 30 for any other key. `0` means the
 * options hold the very same values, so whatever was built from the earlier ones fits these.
 */
export function compareShape(copy: object, options: object, keys: readonly string[]): number {
  if (plainProto(copy) === undefined || plainProto(options) !== plainProto(copy)) return -1;
  const names = Object.keys(copy);
  const others = Object.keys(options);
  if (names.length !== others.length) return -1;
  let differ = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (others[i] !== name) return -1; // another key order: rare, and the schema's to judge
    const found = walk((copy as Record<string, unknown>)[name], (options as Record<string, unknown>)[name], 1);
    if (found === OTHER) return -1;
    if (found === SHAPE) {
      const bit = keys.indexOf(name);
      differ |= bit === -1 ? 1 << 30 : 1 << bit;
    }
  }
  return differ;
}

/**
 * Walks two values side by side, allocating nothing but the key lists V8 keeps cached per object
 * shape. Plain objects are compared key by key in their order (a literal written in one place
 * always has one order), before any `instanceof`, which is slow on plain objects.
 */
function walk(a: unknown, b: unknown, depth: number): number {
  if (Object.is(a, b)) return SAME; // not ===: 0 and -0 may get different verdicts
  const type = typeof a;
  if (type !== typeof b) return OTHER;
  if (type === 'function') return SHAPE;
  if (type !== 'object' || a === null || b === null) return OTHER;
  if (depth >= MAX_DEPTH) return OTHER;
  const proto = plainProto(a as object);
  if (proto !== undefined) {
    if (plainProto(b as object) !== proto) return OTHER;
    const names = Object.keys(a as object);
    const others = Object.keys(b as object);
    if (names.length !== others.length) return OTHER;
    let found = SAME;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (others[i] !== name) return OTHER;
      const inner = walk((a as Record<string, unknown>)[name], (b as Record<string, unknown>)[name], depth + 1);
      if (inner === OTHER) return OTHER;
      if (inner === SHAPE) found = SHAPE;
    }
    return found;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || a.length > MAX_ITEMS) return OTHER;
    let found = SAME;
    for (let i = 0; i < a.length; i++) {
      const inner = walk(a[i], b[i], depth + 1);
      if (inner === OTHER) return OTHER;
      if (inner === SHAPE) found = SHAPE;
    }
    return found;
  }
  if (a instanceof AbortSignal) return b instanceof AbortSignal ? SHAPE : OTHER;
  if (a instanceof RegExp) return b instanceof RegExp ? SHAPE : OTHER;
  return OTHER; // any other object must be the very same one (the `===` above)
}

/** `Object.prototype` or `null` for a plain object (its prototype), `undefined` for anything else. */
function plainProto(value: object): object | null | undefined {
  if (Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null ? proto : undefined;
}

/** Deeper options are not ours (a fallback `value` holding a document): let the schema judge. */
const MAX_DEPTH = 6;
const MAX_ITEMS = 64;

/** A copy of the plain objects and arrays in `value`; everything else by reference. */
export function copyPlain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => copyPlain(item, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = proto === null ? Object.create(null) : {};
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const field = copyPlain((value as Record<string, unknown>)[name], depth + 1);
    // An own `__proto__` key (from JSON.parse) must stay a key, never become a prototype; any other
    // key is assigned plainly, which keeps the copy a fast object to walk.
    if (name === '__proto__') Object.defineProperty(copy, name, { value: field, enumerable: true, writable: true, configurable: true });
    else copy[name] = field;
  }
  return copy;
}
