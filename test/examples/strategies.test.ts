/**
 * Runs the custom-strategy examples (docs/custom-strategies.md) and asserts the checks they
 * print as PASS/FAIL.
 */
import { describe, expect, it } from 'vitest';
import { pageAHumanScenario } from '../../examples/strategies/page-a-human.js';
import { restartToolProcess } from '../../examples/strategies/restart-tool-process.js';
import { smallerModelScenario } from '../../examples/strategies/smaller-model.js';
import { oneRestartPerKey } from '../../examples/strategies/one-restart-per-key.js';
import type { ScenarioReport } from '../../examples/scenario.js';

function expectPassed(report: ScenarioReport): void {
  expect(report.checks.filter((check) => !check.pass)).toEqual([]);
  expect(report.passed).toBe(true);
}

describe('custom strategy examples', () => {
  it('an attempt strategy restarts a crashed tool process', async () => {
    expectPassed(await restartToolProcess());
  });

  it('an execution strategy switches to a smaller model', async () => {
    expectPassed(await smallerModelScenario());
  });

  it('an attempt strategy pages a human and stops healing', async () => {
    expectPassed(await pageAHumanScenario());
  });

  it('twenty calls failing on one dead tool process restart it once', async () => {
    expectPassed(await oneRestartPerKey());
  });
});
