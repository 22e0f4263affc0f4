/**
 * `it`, `test`, `describe` and `expect` for snippets written as tests (docs/chaos-testing.md).
 * A snippet runs inside one vitest test, where vitest's own `it` cannot be called, so `it` and
 * `test` collect the test and the runner runs each after the snippet's module has loaded;
 * `expect` is vitest's.
 */
import { expect } from 'vitest';

export { expect };

type TestFunction = () => unknown;

/** The tests the snippet declared, in order; the runner takes them with `takeTests()`. */
const declared: Array<{ name: string; fn: TestFunction }> = [];

export function it(name: string, fn: TestFunction): void {
  declared.push({ name, fn });
}

export const test = it;

export function describe(_name: string, body: () => void): void {
  body();
}

/** The tests declared so far; the list is emptied. */
export function takeTests(): Array<{ name: string; fn: TestFunction }> {
  return declared.splice(0);
}
