/**
 * The showcase: `npm run demo`.
 *
 * Starts its own flaky HTTP service on 127.0.0.1 (ephemeral port), runs every scenario against
 * it with the global `fetch`, prints each HealingResult and a PASS/FAIL per scenario, then
 * closes the service so the process exits on its own. Exit code 0 iff every scenario passed.
 */
import { startFlakyService } from './flaky-service.js';
import { formatReport } from './print-result.js';
import type { ScenarioReport } from './scenario.js';
import { transient503 } from './01-transient-503.js';
import { rateLimitRetryAfter } from './02-rate-limit-retry-after.js';
import { authFallback } from './03-auth-fallback.js';
import { reflectInvalidDate } from './04-reflect-invalid-date.js';
import { circuitBreakerOutage } from './05-circuit-breaker.js';
import { chaosTesting } from './06-chaos-testing.js';
import { reflectOffline } from './07-reflect-offline.js';
import { rollbackAndTransaction } from './recovery/rollback-and-transaction.js';
import { retryBudgetOutage } from './recovery/retry-budget.js';
import { timeoutsAndDeadline } from './recovery/timeouts-and-deadline.js';
import { fallbackChain } from './recovery/fallback-chain.js';
import { batchGeocode } from './recovery/batch.js';
import { bulkheadOverload } from './recovery/bulkhead.js';
import { gracefulDegradation } from './recovery/graceful-degradation.js';
import { hedgingSlowCall } from './recovery/hedging.js';
import { adaptiveHealing } from './recovery/adaptive-healing.js';
import { restartToolProcess } from './strategies/restart-tool-process.js';
import { smallerModelScenario } from './strategies/smaller-model.js';
import { pageAHumanScenario } from './strategies/page-a-human.js';
import { oneRestartPerKey } from './strategies/one-restart-per-key.js';
import { agentScenario } from './agent/agent.js';

const log = (line: string): void => console.log(line);

const scenarios: Array<{ title: string; run: (baseUrl: string) => Promise<ScenarioReport> }> = [
  { title: '1. Transient 503, healed by retry', run: (url) => transient503(url, { log }) },
  { title: '2. 429 honouring Retry-After', run: (url) => rateLimitRetryAfter(url, { log, retryAfterSeconds: 1 }) },
  { title: '3. 401 failing fast into a fallback', run: (url) => authFallback(url, { log }) },
  { title: '4. Invalid date repaired by a reflector', run: (url) => reflectInvalidDate(url, { log }) },
  { title: '5. Circuit breaker: outage, fail fast, half-open recovery', run: (url) => circuitBreakerOutage(url, { log, breakDurationMs: 1_000 }) },
  { title: '6. Chaos testing with self-healing/testing', run: (url) => chaosTesting(url, { log }) },
  { title: '7. Sloppy input repaired offline by schema coercion and a rule', run: () => reflectOffline({ log }) },
  // Recovery beyond retry: in memory, no service needed (each file also runs on its own).
  { title: '8. Rollback and a compensated transaction', run: () => rollbackAndTransaction({ log }) },
  { title: '9. Retry budget during an outage', run: () => retryBudgetOutage({ log }) },
  { title: '10. Escalating timeouts and a deadline', run: () => timeoutsAndDeadline({ log }) },
  { title: '11. A fallback chain: last good result, backup provider, static value', run: () => fallbackChain({ log }) },
  { title: '12. A batch with a concurrency limit', run: () => batchGeocode({ log }) },
  { title: '13. A bulkhead under overload', run: () => bulkheadOverload({ log }) },
  { title: '14. Graceful degradation of a feature', run: () => gracefulDegradation({ log }) },
  { title: '15. Hedging a slow call', run: () => hedgingSlowCall({ log }) },
  { title: '16. Adaptive healing: futile retries skipped, recurring error escalated', run: () => adaptiveHealing({ log }) },
  // Your own strategies (the strategies option): see docs/custom-strategies.md.
  { title: '17. A custom attempt strategy restarts a crashed tool process', run: () => restartToolProcess({ log }) },
  { title: '18. A custom execution strategy switches to a smaller model', run: () => smallerModelScenario({ log }) },
  { title: '19. A custom attempt strategy pages a human and stops healing', run: () => pageAHumanScenario({ log }) },
  { title: '20. Twenty calls on a dead tool process, one restart (oneRecoveryPerKey)', run: () => oneRestartPerKey({ log }) },
  // A whole agent: examples/agent/ (healTools, restart, reconfigure, reflection, the safety policy, escalate).
  { title: '21. An agent whose tools crash, rate-limit, get malformed args, overflow the context and stay down', run: () => agentScenario({ log }) },
];

async function main(): Promise<boolean> {
  const startedAt = performance.now();
  const service = await startFlakyService();
  console.log(`flaky service listening on ${service.baseUrl}\n`);
  const verdicts: Array<{ title: string; passed: boolean }> = [];
  try {
    for (const scenario of scenarios) {
      console.log(`=== ${scenario.title} ===`);
      let report: ScenarioReport;
      try {
        report = await scenario.run(service.baseUrl);
      } catch (error) {
        // A scenario that throws is a failed scenario, not a crashed demo.
        report = { title: scenario.title, passed: false, checks: [{ name: 'the scenario runs without throwing', pass: false, actual: String(error) }] };
      }
      console.log(formatReport(report));
      console.log();
      verdicts.push({ title: scenario.title, passed: report.passed });
    }
  } finally {
    await service.close();
  }

  console.log('=== Summary ===');
  for (const verdict of verdicts) console.log(`  ${verdict.passed ? 'PASS' : 'FAIL'}  ${verdict.title}`);
  const failed = verdicts.filter((verdict) => !verdict.passed).length;
  console.log(`\n${verdicts.length - failed}/${verdicts.length} scenarios passed in ${Math.round(performance.now() - startedAt)} ms; service closed.`);
  return failed === 0;
}

main().then(
  (ok) => {
    // No process.exit(): the process must end on its own once the service is closed.
    if (!ok) process.exitCode = 1;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
