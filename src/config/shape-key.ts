/**
 * Whether two option values get the same verdict from the options schema, so that a call whose
 * options look like ones accepted a moment ago skips zod (the options written inline in every
 * call of `executeWithHealing`, a new object each time, cost microseconds each to parse).
 *
 * They do when the schema could not tell them apart: the same key names; equal primitive values
 * (a range or an enum may refuse one); a function against a function (the schema checks
 * `typeof === 'function'`, never which function); an `AbortSignal` against an `AbortSignal` and a
 * `RegExp` against a `RegExp` (it checks `instanceof`); plain objects and arrays compared the
 * same way, recursively. Any other object (a registry, a classifier, a Bulkhead, a zod schema)
 * must be the very same object, because the schema checks its class or its methods. Walking two
 * values side by side allocates nothing, unlike building a key string for each call.
 */
export function sameShape(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  const type = typeof a;
  if (type !== typeof b) return false;
  if (type === 'function') return true;
  if (type !== 'object' || a === null || b === null || depth >= MAX_DEPTH) return Object.is(a, b);
  const left = a as object;
  const right = b as object;
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length || left.length > MAX_ITEMS) return false;
    for (let i = 0; i < left.length; i++) if (!sameShape(left[i], right[i], depth + 1)) return false;
    return true;
  }
  if (left instanceof AbortSignal) return right instanceof AbortSignal;
  if (left instanceof RegExp) return right instanceof RegExp;
  const proto: unknown = Object.getPrototypeOf(left);
  if ((proto !== Object.prototype && proto !== null) || Object.getPrototypeOf(right) !== proto) return false;
  let count = 0;
  for (const name in left) {
    if (!Object.hasOwn(left, name)) continue;
    if (!Object.hasOwn(right, name) || !sameShape((left as Record<string, unknown>)[name], (right as Record<string, unknown>)[name], depth + 1)) return false;
    count++;
  }
  for (const name in right) if (Object.hasOwn(right, name)) count--;
  return count === 0;
}

/** Deeper options are not ours (a fallback `value` holding a document): let the schema judge. */
const MAX_DEPTH = 6;
const MAX_ITEMS = 64;

/**
 * The last few options the schema accepted, to compare a new call's options with. Few, because
 * they are held strongly (with the closures in them) and a hot call site has one shape.
 */
export class AcceptedShapes {
  private readonly recent: unknown[] = [];
  private next = 0;

  constructor(private readonly size = 4) {}

  /** Whether options of this shape were accepted lately. A throwing getter counts as "no". */
  has(options: unknown): boolean {
    try {
      for (const accepted of this.recent) if (sameShape(accepted, options)) return true;
    } catch {
      // a getter threw or a Proxy refused: the schema reports it
    }
    return false;
  }

  /** Keeps a copy of the plain parts, so a later change to the caller's object cannot pass for accepted. */
  remember(options: unknown): void {
    try {
      this.recent[this.next] = copyPlain(options, 0);
      this.next = (this.next + 1) % this.size;
    } catch {
      // unreadable: nothing remembered, the schema is asked next time
    }
  }
}

/** A copy of the plain objects and arrays in `value`; everything else by reference. */
function copyPlain(value: unknown, depth: number): unknown {
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
