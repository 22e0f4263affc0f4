/**
 * The last text built from the same parts, so that a path which says the same words over and over
 * builds the string once. Every refusal by an open circuit writes the same three sentences (its
 * error's message, its `circuit_open` action, its `give_up` action): built anew, each template
 * costs a string or two of garbage and 15–25 ns, a tenth of a refusal. Parts are compared with
 * `===`, so a part that is itself such a remembered string is found without comparing text.
 *
 * @example
 * ```ts
 * const said = new LastText();
 * const detail = said.of('payments', 1) ?? said.keep('circuit "payments" refused attempt 1', 'payments', 1);
 * ```
 */
export class LastText {
  private first: unknown = undefined;
  private second: unknown = undefined;
  private third: unknown = undefined;
  private text: string | undefined = undefined;

  /** The text kept for these parts, when they are the last ones kept; else `undefined`. */
  of(first: unknown, second?: unknown, third?: unknown): string | undefined {
    return first === this.first && second === this.second && third === this.third ? this.text : undefined;
  }

  /** Keeps `text` as what these parts say, and returns it. */
  keep(text: string, first: unknown, second?: unknown, third?: unknown): string {
    this.first = first;
    this.second = second;
    this.third = third;
    this.text = text;
    return text;
  }
}
