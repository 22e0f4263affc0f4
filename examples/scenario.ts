/**
 * What every scenario returns: the checks of its expected outcome. The demo prints them as
 * PASS/FAIL and the test asserts them, so the expectations live in one place (the scenario).
 */
export interface Check {
  /** What is expected, e.g. `attempts is 3`. */
  name: string;
  pass: boolean;
  /** What was actually seen. */
  actual: string;
}

export interface ScenarioReport {
  title: string;
  checks: Check[];
  /** True iff every check passed. */
  passed: boolean;
}

/** Options every scenario accepts. */
export interface ScenarioOptions {
  /** Where the scenario prints its narration and results. Default: prints nothing. */
  log?: (line: string) => void;
}

/** Collects checks for one scenario. */
export class Expectations {
  readonly checks: Check[] = [];

  /** Expects `actual` to equal `expected` (compared as JSON, so objects compare by value). */
  equal(name: string, actual: unknown, expected: unknown): void {
    const a = JSON.stringify(actual);
    this.checks.push({ name: `${name} is ${JSON.stringify(expected)}`, pass: a === JSON.stringify(expected), actual: String(a) });
  }

  /** Expects `pass` to be true; `actual` says what was seen. */
  that(name: string, pass: boolean, actual: unknown): void {
    this.checks.push({ name, pass, actual: typeof actual === 'string' ? actual : JSON.stringify(actual) });
  }

  report(title: string): ScenarioReport {
    return { title, checks: this.checks, passed: this.checks.length > 0 && this.checks.every((check) => check.pass) };
  }
}

/** A scenario: runs against the flaky service at `baseUrl` and reports its checks. */
export type Scenario<O extends ScenarioOptions = ScenarioOptions> = (baseUrl: string, options?: O) => Promise<ScenarioReport>;

export const noLog = (_line: string): void => {};
