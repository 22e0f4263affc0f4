/**
 * Escalating timeouts, a deadline for the whole call, and a grace period (offline, real time,
 * scaled down: milliseconds stand for seconds).
 *
 * A report service is slow: it answers after 70 ms. Each attempt gets more time (20, 40, 80 ms,
 * like 30 s, 60 s, 120 s in production), so the third attempt succeeds. The service honours its
 * signal but needs 5 ms to stop; `timeoutGraceMs` waits for it, so attempts never overlap.
 * With `deadlineMs: 50` instead, the call gives up with reason `deadline` after 50 ms, waits
 * included, whatever the attempts would still allow.
 *
 * Run it: `npx tsx examples/recovery/timeouts-and-deadline.ts`
 */
import { HealingPipeline, type AttemptContext } from '../../src/index.js';
import { formatResult } from '../print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function timeoutsAndDeadline(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let running = 0;
  let overlapped = false;
  const slowReport = (_args: object, { signal }: AttemptContext) => new Promise<string>((resolve, reject) => {
    if (++running > 1) overlapped = true;
    const done = setTimeout(() => { running--; resolve('report ready'); }, 70);
    signal.addEventListener('abort', () => {
      clearTimeout(done);
      setTimeout(() => { running--; reject(signal.reason); }, 5); // stopping takes a moment
    }, { once: true });
  });

  const reports = new HealingPipeline({
    timeoutMs: (attempt) => 20 * 2 ** (attempt - 1), // 20, 40, 80 ms
    timeoutGraceMs: 10,
    retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 1 },
  });
  const escalated = await reports.execute(slowReport, {});
  log('  escalating timeouts (20, 40, 80 ms) for a 70 ms report:');
  log(formatResult(escalated));

  const withDeadline = await reports.execute(slowReport, {}, { deadlineMs: 50 });
  log('  the same with deadlineMs: 50:');
  log(formatResult(withDeadline));

  const expect = new Expectations();
  expect.equal('escalated status', escalated.status, 'ok');
  expect.equal('escalated attempts', escalated.attempts, 3);
  expect.that('no two attempts ran at once', !overlapped, overlapped);
  expect.that('every timeout stopped within the grace period',
    escalated.healingActions.filter((a) => a.kind === 'timeout').every((a) => a.detail.endsWith('stopped within the grace period')),
    escalated.healingActions.map((a) => a.detail));
  expect.equal('deadline status', withDeadline.status, 'error');
  expect.equal('deadline give-up reason', withDeadline.healingActions.at(-1)?.reason, 'deadline');
  expect.that('the deadline call ended within 50 ms plus the grace period and timer slack', withDeadline.durationMs < 50 + 10 + 150, withDeadline.durationMs);
  return expect.report('timeouts escalate per attempt; a deadline bounds the whole call');
}

runStandalone(import.meta.url, timeoutsAndDeadline);
