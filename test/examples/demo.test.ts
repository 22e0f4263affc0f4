/**
 * Runs every example scenario against a fresh flaky service and asserts the same checks the
 * demo prints as PASS/FAIL (they live in the scenarios, so there is one source of truth).
 * Real time, kept short: Retry-After 0.2 s and a 300 ms breaker recovery.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transient503 } from '../../examples/01-transient-503.js';
import { rateLimitRetryAfter } from '../../examples/02-rate-limit-retry-after.js';
import { authFallback } from '../../examples/03-auth-fallback.js';
import { reflectInvalidDate } from '../../examples/04-reflect-invalid-date.js';
import { circuitBreakerOutage } from '../../examples/05-circuit-breaker.js';
import { chaosTesting } from '../../examples/06-chaos-testing.js';
import { startFlakyService, type FlakyService } from '../../examples/flaky-service.js';
import type { ScenarioReport } from '../../examples/scenario.js';

let service: FlakyService;

beforeEach(async () => {
  service = await startFlakyService();
});

afterEach(async () => {
  await service.close();
});

function expectPassed(report: ScenarioReport): void {
  expect(report.checks.length).toBeGreaterThan(0);
  // Listing the failed checks (with what was actually seen) makes a failure readable.
  expect(report.checks.filter((check) => !check.pass)).toEqual([]);
  expect(report.passed).toBe(true);
}

describe('examples', () => {
  it('listens on an ephemeral 127.0.0.1 port', () => {
    expect(service.port).toBeGreaterThan(0);
    expect(service.baseUrl).toBe(`http://127.0.0.1:${service.port}`);
  });

  it('1. a transient 503 is healed by retry', async () => {
    expectPassed(await transient503(service.baseUrl));
    expect(service.hits('/orders/42')).toBe(3);
  });

  it('2. a 429 waits for Retry-After before retrying', async () => {
    expectPassed(await rateLimitRetryAfter(service.baseUrl, { retryAfterSeconds: 0.2 }));
    expect(service.hits('/rates')).toBe(2);
  });

  it('3. a 401 fails fast into a fallback', async () => {
    expectPassed(await authFallback(service.baseUrl));
    expect(service.hits('/profile')).toBe(1);
  });

  it('4. an invalid date is repaired by a reflector', async () => {
    expectPassed(await reflectInvalidDate(service.baseUrl));
    expect(service.hits('/events')).toBe(2);
  });

  it('5. an outage opens the circuit, then recovery goes through half-open', async () => {
    expectPassed(await circuitBreakerOutage(service.baseUrl, { breakDurationMs: 300 }));
    expect(service.hits('/inventory')).toBe(5);
  });

  it('6. chaos wrappers make a healthy route flaky; the pipeline heals the faults and times out the hangs', async () => {
    expectPassed(await chaosTesting(service.baseUrl));
  });

  it('reports a failed check when the service does not behave as expected', async () => {
    // /orders/42 now fails 5 times: 4 attempts are not enough, so the scenario must say FAIL.
    await service.close();
    service = await startFlakyService({ ordersFailures: 5 });
    const report = await transient503(service.baseUrl);
    expect(report.passed).toBe(false);
    expect(report.checks.find((check) => check.name.startsWith('status'))).toMatchObject({ pass: false, actual: '"error"' });
  });
});
