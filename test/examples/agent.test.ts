/** The agent example (examples/agent/, demo scenario 21): the checks it prints as PASS/FAIL. */
import { expect, it } from 'vitest';
import { agentScenario } from '../../examples/agent/agent.js';

it('an agent whose tools crash, rate-limit, get malformed args, overflow the context and stay down heals or escalates each', async () => {
  const lines: string[] = [];
  const report = await agentScenario({ log: (line) => lines.push(line) });
  expect(report.checks.filter((check) => !check.pass)).toEqual([]);
  expect(report.passed).toBe(true);
  // What the run prints: which strategy healed what, and what was escalated.
  expect(lines).toContain('  healed:');
  expect(lines.slice(lines.indexOf('  escalated:') + 1)).toEqual([
    '    tool:charge: escalate: restart-payments-worker (risk high) exceeds the most risk allowed for a medium-severity unavailable failure (medium): escalated instead',
  ]);
}, 20_000);
