/**
 * Recognises options written inline in every call (a new object each time, of one shape) as
 * options accepted a moment ago, so zod is not run again: each call of
 * `executeWithHealing(fn, args, { ...options })` would otherwise pay microseconds to parse them.
 *
 * Two option values get the same verdict from the options schema when it could not tell them
 * apart: the same key names in the same order; equal primitive values (a range or an enum may
 * refuse one); a function against a function (the schema checks `typeof === 'function'`, never
 * which function); an `AbortSignal` against an `AbortSignal` and a `RegExp` against a `RegExp`
 * (it checks `instanceof`); plain objects and arrays compared the same way, recursively. Any other
 * object (a registry, a classifier, a Bulkhead, a zod schema) must be the very same object,
 * because the schema checks its class or its methods.
 *
 * The accepted options are kept as an {@link OptionsTemplate}: a snapshot of their values (so a
 * later change to the caller's object cannot pass for what was accepted) with each level's key
 * list and prototype worked out once. Matching a call's options against it allocates nothing:
 * it walks them with `for...in`, which V8 serves from the object shape's enum cache. A template
 * that keeps matching (a call site in a loop) is compiled into a function written for its shape
 * (`compiled-matcher.ts`), which gives the same answers in about a third of the instructions.
 */
import { compileMatcher } from './compiled-matcher.js';
import { Kind, plainProto, type ShapeNode, snapshot } from './shape-node.js';

// `Found` (and `Kind`, in shape-node.ts) are `const enum`s so that the build writes their numbers into the code:
// a bundler turns a module's top-level `const` into a `var`, which V8 must load from the module's
// context at every use (about 90 machine instructions per match of the README's literal).

/** How many matches a template is walked before it is compiled. */
const COMPILE_AFTER = 8;

/** What a match found: the schema could tell the two apart, they are the same values, or of one shape only. */
const enum Found {
  OTHER = 0,
  SAME = 1,
  SHAPE = 2,
}

/**
 * A snapshot of options the schema accepted, to tell later options of the same shape in one walk.
 *
 * @example
 * ```ts
 * const template = OptionsTemplate.of({ retry: { maxAttempts: 3 }, fallback: () => 0 }, ['fallback']);
 * template.match({ retry: { maxAttempts: 3 }, fallback: () => 1 }); // 1: bit 0, a new `fallback` function
 * template.match({ retry: { maxAttempts: 4 }, fallback: () => 1 }); // -1: the schema must judge
 * ```
 */
export class OptionsTemplate {
  /** The function compiled for this shape, once {@link COMPILE_AFTER} matches have shown it is worth it. */
  private compiled: ((options: object) => number) | undefined;
  /** Matches walked so far; -1 once compiling was tried. */
  private walked = 0;

  private constructor(
    private readonly root: ShapeNode,
    /** Per top-level key: the bit {@link match} sets when its value is of the same shape but not the same. */
    private readonly bits: readonly number[],
  ) {}

  /**
   * The template of `options` (a plain object), with bit `i` for `rebindable[i]` and bit 30 for
   * any other top-level key. `undefined` when `options` is not a plain object.
   * @throws whatever a getter of `options` throws.
   */
  static of(options: object, rebindable: readonly string[]): OptionsTemplate | undefined {
    const root = snapshot(options, 0);
    if (root.kind !== Kind.PLAIN) return undefined;
    const bits = root.keys!.map((name) => {
      const index = rebindable.indexOf(name);
      return index === -1 ? 1 << 30 : 1 << index;
    });
    return new OptionsTemplate(root, bits);
  }

  /**
   * `-1` when the schema could tell `options` apart from the snapshot; else a mask of the
   * top-level keys whose values are of the same shape but not the same (a new arrow function,
   * another signal). `0` means the very same values, so whatever was built from the snapshot
   * fits `options`.
   * @throws whatever a getter (or a Proxy trap) of `options` throws.
   */
  match(options: object): number {
    const compiled = this.compiled;
    if (compiled !== undefined) return compiled(options);
    const found = this.walk(options);
    // Compiled only once it has matched a few times: options whose values change at every call
    // (a new shape each time) would pay the compiling and never use it.
    if (found !== -1 && this.walked !== -1 && ++this.walked === COMPILE_AFTER) this.compileNow();
    return found;
  }

  /**
   * Compiles the matcher now rather than after {@link COMPILE_AFTER} matches; whether one was
   * compiled (not where code generation is off). For tests, which check both matchers agree.
   * @internal
   */
  compileNow(): boolean {
    this.walked = -1;
    this.compiled = compileMatcher(this.root, this.bits);
    return this.compiled !== undefined;
  }

  /**
   * Whether the snapshot read what `accepted` (the schema's copy of the same options) holds, key
   * by key: a getter or a Proxy that answered the schema one thing and the snapshot another would
   * otherwise leave a template standing for values the schema never saw. Keys the copy has and the
   * snapshot lacks are ignored; a part too long to compare ({@link Kind.NEVER}) never matches anyway.
   */
  standsFor(accepted: unknown): boolean {
    return agrees(this.root, accepted);
  }

  /** {@link match} by walking the snapshot. */
  private walk(options: object): number {
    const { root, bits } = this;
    if (plainProto(options) !== root.value) return -1;
    const keys = root.keys!;
    const children = root.children!;
    let differ = 0;
    let index = 0;
    for (const name in options) {
      if (name !== keys[index]) return -1; // another key, or another key order: the schema's to judge
      const child = children[index]!;
      const value = (options as Record<string, unknown>)[name];
      // A primitive or the very same object (a registry, a classifier), inline: most keys are such.
      const found = child.kind === Kind.VALUE && child.value === value && value !== 0 ? Found.SAME : matchNode(child, value);
      if (found === Found.OTHER) return -1;
      if (found === Found.SHAPE) differ |= bits[index]!;
      index++;
    }
    return index === keys.length ? differ : -1;
  }
}

/**
 * Whether the schema could not tell `a` from `b` (see the module's comment).
 * @example
 * ```ts
 * sameShape({ fallback: () => 0 }, { fallback: () => 1 }); // true
 * ```
 */
export function sameShape(a: unknown, b: unknown): boolean {
  return matchNode(snapshot(a, 0), b) !== Found.OTHER;
}

function agrees(node: ShapeNode, accepted: unknown): boolean {
  switch (node.kind) {
    case Kind.PLAIN: {
      if (accepted === null || typeof accepted !== 'object' || Array.isArray(accepted)) return false;
      const keys = node.keys!;
      return node.children!.every((child, index) => agrees(child, (accepted as Record<string, unknown>)[keys[index]!]));
    }
    case Kind.ARRAY: {
      const items = node.children!;
      return Array.isArray(accepted) && accepted.length === items.length && items.every((item, index) => agrees(item, accepted[index]));
    }
    case Kind.NEVER:
      return true;
    default:
      return Object.is(node.value, accepted);
  }
}

function matchNode(node: ShapeNode, value: unknown): number {
  // The common kinds first, as plain comparisons: this runs for every key of every inline call.
  const kind = node.kind;
  if (kind === Kind.VALUE) return Object.is(node.value, value) ? Found.SAME : Found.OTHER; // not ===: 0 and -0 may get different verdicts
  if (kind === Kind.FUNCTION) return node.value === value ? Found.SAME : typeof value === 'function' ? Found.SHAPE : Found.OTHER;
  if (kind === Kind.PLAIN) return matchPlain(node, value);
  if (kind === Kind.ARRAY) return matchArray(node, value);
  if (kind === Kind.SIGNAL) return node.value === value ? Found.SAME : value instanceof AbortSignal ? Found.SHAPE : Found.OTHER;
  if (kind === Kind.REGEXP) return node.value === value ? Found.SAME : value instanceof RegExp ? Found.SHAPE : Found.OTHER;
  return Found.OTHER; // NEVER
}

function matchPlain(node: ShapeNode, value: unknown): number {
  if (value === null || typeof value !== 'object' || plainProto(value) !== node.value) return Found.OTHER;
  const keys = node.keys!;
  const children = node.children!;
  let found = Found.SAME;
  let index = 0;
  for (const name in value) {
    if (name !== keys[index]) return Found.OTHER;
    const child = children[index]!;
    const field = (value as Record<string, unknown>)[name];
    const inner = child.kind === Kind.VALUE && child.value === field && field !== 0 ? Found.SAME : matchNode(child, field);
    if (inner === Found.OTHER) return Found.OTHER;
    if (inner === Found.SHAPE) found = Found.SHAPE;
    index++;
  }
  return index === keys.length ? found : Found.OTHER;
}

function matchArray(node: ShapeNode, value: unknown): number {
  const children = node.children!;
  if (!Array.isArray(value) || value.length !== children.length) return Found.OTHER;
  let found = Found.SAME;
  for (let index = 0; index < children.length; index++) {
    const inner = matchNode(children[index]!, value[index]);
    if (inner === Found.OTHER) return Found.OTHER;
    if (inner === Found.SHAPE) found = Found.SHAPE;
  }
  return found;
}

