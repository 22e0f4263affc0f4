/**
 * A shorter soak (3 000 steady calls) in a child process on every `npm test`; the full 20 000-call
 * run is `npm run soak`, which .ci/run calls. The child proves what a test inside vitest cannot:
 * the process exits by itself (no timer or socket left), with no unhandled rejection.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'self-healing-soak-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('soak in a child process', () => {
  it('loses no result, keeps the retry success rate, opens and closes the breaker, leaks nothing, exits by itself', () => {
    const out = join(work, 'soak.json');
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/reliability/soak-run.ts', '--calls', '3000', '--out', out], {
      cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    // Killed by the timeout means something held the process open (or a result never came).
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({
      steadyCalls: 3_000,
      resultsLost: 0,
      invalidResults: [],
      unhandledRejections: 0,
      openHandles: [],
      recovery: { ok: 1_000, calls: 1_000, finalState: 'CLOSED' },
      outage: { refusedWhileOpen: 1_000, callsWhileOpen: 1_000, requestsWhileOpen: 0 },
      gcExposed: true,
    });
    expect(report.transitions.map((t: { phase: string; to: string }) => `${t.phase}:${t.to}`)).toEqual(['outage:OPEN', 'recovery:HALF_OPEN', 'recovery:CLOSED']);
    expect(Math.abs(report.successRate - report.expectedSuccessRate)).toBeLessThanOrEqual(report.tolerance);
    expect(report.steadyFaults).toBeGreaterThan(0);
  }, 70_000);
});
