import type { HealingResult } from '../src/index.js';
import type { ScenarioReport } from './scenario.js';

function short(value: unknown, max = 120): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // One line each: a multi-line message (a zod issue dump) is shown by its first line.
  const firstLine = text.split('\n', 1)[0]!;
  const cut = firstLine.length < text.length ? `${firstLine} …` : text;
  return cut.length > max ? `${cut.slice(0, max - 1)}…` : cut;
}

/** A schema error (zod's message is a JSON dump of its issues) as `path: message` pairs. */
function describeError(error: Error): string {
  const issues = (error as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return error.message;
  return `${error.name}: ` + issues
    .map((issue: { path?: unknown[]; message?: string }) => `${(issue.path ?? []).join('.') || '(args)'}: ${issue.message ?? 'invalid'}`)
    .join('; ');
}

/**
 * A HealingResult as readable lines: the outcome, then one line per healing action
 * (`attempt  kind  detail`).
 */
export function formatResult(result: HealingResult<unknown>, indent = '    '): string {
  const lines = [
    `status: ${result.status}   attempts: ${result.attempts}   healed: ${result.healed}   ` +
      `circuitBreakerTriggered: ${result.circuitBreakerTriggered}   duration: ${Math.round(result.durationMs)} ms`,
    result.status === 'ok' ? `result: ${short(result.result)}` : `error:  ${short(describeError(result.error))}`,
  ];
  // A call made without args (fn takes none) has nothing to show.
  if (result.args !== undefined) lines.push(`args:   ${short(result.args)}`);
  if (result.healingActions.length === 0) {
    lines.push('healing actions: none');
  } else {
    lines.push('healing actions:', '  attempt  kind          detail');
    for (const action of result.healingActions) {
      lines.push(`  ${String(action.attempt).padEnd(7)}  ${action.kind.padEnd(12)}  ${action.detail}`);
    }
  }
  return lines.map((line) => indent + line).join('\n');
}

/** The PASS/FAIL lines of a scenario's checks, and its verdict. */
export function formatReport(report: ScenarioReport, indent = '  '): string {
  const lines = report.checks.map((check) =>
    `${indent}${check.pass ? 'ok  ' : 'FAIL'}  ${check.name}${check.pass ? '' : `  (actual: ${check.actual})`}`);
  lines.push(`${indent}=> ${report.passed ? 'PASS' : 'FAIL'}: ${report.title}`);
  return lines.join('\n');
}
