/**
 * The snapshot an `OptionsTemplate` keeps of options the schema accepted: one node per
 * value, of one class for every kind so that the matchers' loads stay monomorphic. Shared by the
 * walking matcher (`shape-key.ts`) and the compiled one (`compiled-matcher.ts`).
 */

/** What a template node holds. A `const enum`, so that the build writes the numbers into the matchers (see shape-key.ts). */
export const enum Kind {
  VALUE = 0, //    a primitive, or an object that must be the very same
  FUNCTION = 1, // any function matches (the same one is SAME)
  SIGNAL = 2, //   any AbortSignal
  REGEXP = 3, //   any RegExp
  PLAIN = 4, //    a plain object: keys in order, each a node
  ARRAY = 5, //    an array: items in order, each a node
  NEVER = 6, //    longer than we compare: the schema judges
}

/** Deeper options are not ours (a fallback `value` holding a document): let the schema judge. */
const MAX_DEPTH = 6;
const MAX_ITEMS = 64;

/** One value of the snapshot. One class for every kind, so the matcher's loads stay monomorphic. */
export class ShapeNode {
  constructor(
    readonly kind: Kind,
    /** VALUE, FUNCTION, SIGNAL, REGEXP: the value accepted. PLAIN: its prototype (`Object.prototype` or `null`). */
    readonly value: unknown,
    /** PLAIN: the key names in order. */
    readonly keys: readonly string[] | undefined,
    /** PLAIN and ARRAY: one node per key or item. */
    readonly children: readonly ShapeNode[] | undefined,
  ) {}
}

/**
 * The snapshot of `value`, `depth` levels below the options object.
 * @example
 * ```ts
 * snapshot({ retry: { maxAttempts: 3 } }, 0).keys; // ['retry']
 * ```
 */
export function snapshot(value: unknown, depth: number): ShapeNode {
  if (typeof value === 'function') return new ShapeNode(Kind.FUNCTION, value, undefined, undefined);
  // Deeper than we compare, an object is kept by reference: only the very same one matches.
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return new ShapeNode(Kind.VALUE, value, undefined, undefined);
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) return new ShapeNode(Kind.NEVER, undefined, undefined, undefined);
    return new ShapeNode(Kind.ARRAY, undefined, undefined, value.map((item) => snapshot(item, depth + 1)));
  }
  const proto = plainProto(value);
  if (proto !== undefined) {
    const keys = Object.keys(value);
    return new ShapeNode(Kind.PLAIN, proto, keys, keys.map((name) => {
      const child = (value as Record<string, unknown>)[name];
      // A static fallback's `value` is data handed to the caller, not a setting: only the very
      // same object is the same fallback. Another call's equal literal would be served the first
      // call's object (one caller's result, mutated, seen by the next).
      return name === 'value' && child !== null && typeof child === 'object' ? new ShapeNode(Kind.VALUE, child, undefined, undefined) : snapshot(child, depth + 1);
    }));
  }
  if (value instanceof AbortSignal) return new ShapeNode(Kind.SIGNAL, value, undefined, undefined);
  if (value instanceof RegExp) return new ShapeNode(Kind.REGEXP, value, undefined, undefined);
  return new ShapeNode(Kind.VALUE, value, undefined, undefined); // any other object must be the very same one
}

/**
 * `Object.prototype` or `null` for a plain object (its prototype), `undefined` for anything else.
 * @example
 * ```ts
 * plainProto({}); // Object.prototype
 * plainProto(new Map()); // undefined
 * ```
 */
export function plainProto(value: object): object | null | undefined {
  // `__proto__` is Object.prototype's accessor, which V8 compiles to a load of the object's
  // prototype: about 10 times cheaper than Object.getPrototypeOf, a call into the runtime. Where
  // the accessor is not in the chain (a null prototype, `node --disable-proto=delete`), it is
  // undefined and Object.getPrototypeOf answers.
  const fast = (value as { __proto__?: unknown }).__proto__;
  const proto = fast === Object.prototype ? fast : (Object.getPrototypeOf(value) as object | null);
  if (proto !== Object.prototype && proto !== null) return undefined;
  return Array.isArray(value) ? undefined : proto;
}

/**
 * Whether options (plain objects and arrays, as deep as a snapshot goes) hold a getter or setter
 * anywhere: such a value may read otherwise each time, so what the schema accepted must be what
 * a plan is built from, and no template may stand for it. A Proxy, or a getter that throws,
 * counts as one.
 * @example
 * ```ts
 * holdsAccessors({ retry: { get maxAttempts() { return 3; } } }); // true
 * holdsAccessors({ retry: { maxAttempts: 3 } }); // false
 * ```
 */
export function holdsAccessors(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return false;
  try {
    if (!Array.isArray(value) && plainProto(value) === undefined) return false; // another object: kept by reference
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined || descriptor.get !== undefined || descriptor.set !== undefined) return true;
      if (holdsAccessors(descriptor.value, depth + 1)) return true;
    }
    return false;
  } catch {
    return true;
  }
}
