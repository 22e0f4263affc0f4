/**
 * A string that determines what an options schema says about a value, so that a call whose
 * options were checked before skips zod (the options written inline in every call of
 * `executeWithHealing`, a new object each time, cost about 2 µs each to parse).
 *
 * What goes in the key is what the schema reads: every key name; every primitive value (a range
 * or an enum may refuse it); for a function only that it is one (the schema checks
 * `typeof === 'function'`, never which function); for an `AbortSignal` and a `RegExp` only the
 * class (the schema checks `instanceof`); plain objects and arrays recursively. Any other object
 * (a registry, a classifier, a Bulkhead, a zod schema) goes in by identity, because the schema
 * checks its methods or its class. A value the key cannot describe (a symbol, a bigint, a cycle,
 * a throwing getter, a deep or huge value) gives `undefined`: the caller then asks zod as before.
 */
export class ShapeKeys {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  /** The key of `value`, or `undefined` when only the schema itself can judge it. */
  keyOf(value: unknown): string | undefined {
    try {
      const key = this.encode(value, 0);
      return key !== undefined && key.length <= MAX_KEY_LENGTH ? key : undefined;
    } catch {
      return undefined; // a getter threw, or a Proxy refused: the schema reports it
    }
  }

  private encode(value: unknown, depth: number): string | undefined {
    switch (typeof value) {
      case 'undefined': return 'u';
      case 'boolean': return value ? 'T' : 'F';
      case 'number': return Object.is(value, -0) ? 'n-0' : `n${value}`;
      case 'string': return `s${value.length}:${value}`;
      case 'function': return 'f';
      case 'object': return value === null ? 'z' : this.encodeObject(value, depth);
      default: return undefined; // symbol, bigint: rare and refused; let the schema say so
    }
  }

  private encodeObject(value: object, depth: number): string | undefined {
    if (depth >= MAX_DEPTH) return undefined;
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) return undefined;
      let key = '[';
      for (let i = 0; i < value.length; i++) {
        const item = this.encode(value[i], depth + 1);
        if (item === undefined) return undefined;
        key += item + ',';
      }
      return key + ']';
    }
    if (value instanceof AbortSignal) return 'S';
    if (value instanceof RegExp) return 'R';
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `#${this.idOf(value)}`;
    let key = '{';
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      const field = this.encode((value as Record<string, unknown>)[name], depth + 1);
      if (field === undefined) return undefined;
      key += `${name.length}:${name}=${field};`;
    }
    return key + '}';
  }

  private idOf(value: object): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
    }
    return id;
  }
}

/** Deeper options are not ours (a fallback `value` holding a document): let the schema judge. */
const MAX_DEPTH = 6;
const MAX_ITEMS = 64;
/** Keeps a verdict cache keyed by these strings small even with long values in the options. */
const MAX_KEY_LENGTH = 2_048;

/**
 * Remembers which keys a schema accepted. Bounded: past `maxEntries` (many distinct
 * `circuitName`s written inline, say) it starts over, which costs one zod parse per key again.
 */
export class AcceptedShapes {
  private readonly accepted = new Set<string>();
  readonly keys = new ShapeKeys();

  constructor(private readonly maxEntries = 1_024) {}

  /** Whether options with this key were accepted before. */
  has(key: string | undefined): boolean {
    return key !== undefined && this.accepted.has(key);
  }

  remember(key: string | undefined): void {
    if (key === undefined) return;
    if (this.accepted.size >= this.maxEntries) this.accepted.clear();
    this.accepted.add(key);
  }
}
