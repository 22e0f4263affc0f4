/**
 * Compiles an options template into a function written for its one shape, so that matching the
 * README's literal (`{ circuitName, registry, retry: { maxAttempts }, fallback }`) costs named
 * property loads and a compare each, not a walk over the snapshot: counted under valgrind, the
 * walk is about 840 machine instructions of that call's 2,600, the compiled function about 300.
 *
 * It is the technique zod itself uses to parse objects (its `jitless` setting, `allowsEval`), and
 * follows the same switch: nothing is compiled where `z.config({ jitless: true })` is set or where
 * `new Function` is refused (a Content-Security-Policy without `unsafe-eval`, Cloudflare Workers),
 * and the walking matcher, which gives the same answers, is used instead.
 *
 * What goes into the source is ours alone: fixed syntax, numbers we computed, and key names
 * through `JSON.stringify` (a JSON string is a JavaScript string literal). No value of the
 * options is ever written into it; the function reads them from its closure. A template with a
 * `__proto__` key or of more than {@link MAX_NODES} values is not compiled.
 */
import { z } from 'zod';
import { Kind, plainProto, type ShapeNode } from './shape-node.js';

/** A template larger than this is walked: the source would be long, and such options rare. */
const MAX_NODES = 256;

/** Whether this process may compile code from a string; probed once, on the first compile. */
let codeGeneration: boolean | undefined;

function allowsCodeGeneration(): boolean {
  if (z.config().jitless === true) return false; // read each time: the user may set it at any point
  if (codeGeneration === undefined) {
    try {
      // Cloudflare Workers refuse code generation; zod's own probe tells them by the user agent, as we do.
      const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
      codeGeneration = agent?.includes('Cloudflare') !== true && typeof new Function('') === 'function';
    } catch {
      codeGeneration = false;
    }
  }
  return codeGeneration;
}

/**
 * A function that answers as the walking `OptionsTemplate.match` does for options against the
 * snapshot `root` (`bits[i]` for the `i`-th top-level key), or `undefined` where none is compiled.
 *
 * @example
 * ```ts
 * const root = snapshot({ retry: { maxAttempts: 3 }, fallback: () => 0 }, 0);
 * const match = compileMatcher(root, [1 << 30, 1]);
 * match?.({ retry: { maxAttempts: 3 }, fallback: () => 1 }); // 1: a new fallback function
 * ```
 */
export function compileMatcher(root: ShapeNode, bits: readonly number[]): ((options: object) => number) | undefined {
  if (!allowsCodeGeneration()) return undefined;
  const writer = new Writer();
  if (!writer.root(root, bits)) return undefined;
  try {
    const factory = new Function('c', 'plainProto', 'isArray', 'objectIs', 'AbortSignal', 'RegExp', writer.source()) as Factory;
    return factory(writer.constants, plainProto, Array.isArray, Object.is, AbortSignal, RegExp);
  } catch {
    codeGeneration = false; // refused after the probe passed (a policy applied late): walk from now on
    return undefined;
  }
}

type Factory = (
  constants: unknown[],
  proto: typeof plainProto,
  isArray: typeof Array.isArray,
  objectIs: typeof Object.is,
  signal: typeof AbortSignal,
  regexp: typeof RegExp,
) => (options: object) => number;

/** Writes the matcher's source: one statement list, variables `v1, v2, …`, constants `c0, c1, …`. */
class Writer {
  readonly constants: unknown[] = [];
  private readonly lines: string[] = [];
  private variables = 0;

  root(root: ShapeNode, bits: readonly number[]): boolean {
    if (root.kind !== Kind.PLAIN) return false;
    this.lines.push('let d = 0;');
    if (!this.plain(root, 'o', (index) => bits[index]!)) return false;
    this.lines.push('return d;');
    return this.variables <= MAX_NODES;
  }

  source(): string {
    const constants = this.constants.map((_, index) => `c${index} = c[${index}]`).join(', ');
    return `"use strict";\n${constants === '' ? '' : `const ${constants};\n`}return function matchOptions(o) {\n${this.lines.join('\n')}\n};`;
  }

  /** `value`'s node, for the top-level key whose bit is `bit`; false where it cannot be compiled. */
  private node(node: ShapeNode, value: string, bit: number): boolean {
    if (this.variables > MAX_NODES) return false;
    switch (node.kind) {
      case Kind.VALUE: {
        const same = node.value;
        // `!==` where it agrees with Object.is; 0, -0 and NaN are the values where it does not.
        const differs = typeof same === 'number' && (same === 0 || same !== same) ? `!objectIs(${value}, ${this.constant(same)})` : `${value} !== ${this.constant(same)}`;
        this.lines.push(`if (${differs}) return -1;`);
        return true;
      }
      case Kind.FUNCTION:
        return this.anyOf(node, value, bit, `typeof ${value} !== "function"`);
      case Kind.SIGNAL:
        return this.anyOf(node, value, bit, `!(${value} instanceof AbortSignal)`);
      case Kind.REGEXP:
        return this.anyOf(node, value, bit, `!(${value} instanceof RegExp)`);
      case Kind.PLAIN:
        this.lines.push(`if (${value} === null || typeof ${value} !== "object") return -1;`);
        return this.plain(node, value, () => bit);
      case Kind.ARRAY: {
        const items = node.children!;
        this.lines.push(`if (!isArray(${value}) || ${value}.length !== ${items.length}) return -1;`);
        return items.every((item, index) => this.node(item, this.read(`${value}[${index}]`), bit));
      }
      default:
        this.lines.push('return -1;'); // NEVER: the schema judges
        return true;
    }
  }

  /** The very same value, or (setting `bit`) another of its kind. */
  private anyOf(node: ShapeNode, value: string, bit: number, otherKind: string): boolean {
    this.lines.push(`if (${value} !== ${this.constant(node.value)}) { if (${otherKind}) return -1; d |= ${bit}; }`);
    return true;
  }

  /** A plain object: its prototype, its keys in order (one `for...in`), then each value by name. */
  private plain(node: ShapeNode, value: string, bitOf: (index: number) => number): boolean {
    const keys = node.keys!;
    if (keys.includes('__proto__')) return false; // `o["__proto__"]` would read the prototype, not the key
    this.lines.push(`if (plainProto(${value}) !== ${this.constant(node.value)}) return -1;`);
    const count = `n${this.variables++}`;
    const cases = keys.map((key, index) => `case ${index}: if (k !== ${JSON.stringify(key)}) return -1; break;`).join(' ');
    this.lines.push(`let ${count} = 0;`, `for (const k in ${value}) { switch (${count}++) { ${cases} default: return -1; } }`, `if (${count} !== ${keys.length}) return -1;`);
    return node.children!.every((child, index) => this.node(child, this.read(`${value}[${JSON.stringify(keys[index])}]`), bitOf(index)));
  }

  /** Reads `expression` once into a new variable, and names it. */
  private read(expression: string): string {
    const variable = `v${this.variables++}`;
    this.lines.push(`const ${variable} = ${expression};`);
    return variable;
  }

  private constant(value: unknown): string {
    this.constants.push(value);
    return `c${this.constants.length - 1}`;
  }
}
