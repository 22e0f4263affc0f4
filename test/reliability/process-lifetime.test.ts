import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a script in a fresh Node process (through tsx, on the same Node as the tests). */
function runScript(source: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    cwd: root, encoding: 'utf8', timeout: 20_000,
  });
}

describe('process lifetime', () => {
  it('keeps the process alive through a backoff wait until the result arrives', () => {
    const run = runScript(`
      import { executeWithHealing } from './src/index.ts';
      let calls = 0;
      const result = await executeWithHealing(async () => {
        if (++calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
        return 'second';
      }, {}, { retry: { minDelayMs: 200, jitter: 'none' } });
      console.log('RESULT', result.status, result.result, result.attempts);
    `);
    expect(run.stderr).not.toContain('unsettled top-level await');
    expect(run.stdout).toContain('RESULT ok second 2');
    expect(run.status).toBe(0);
  });

  it('exits on its own after an execution with a long timeout and a long breaker break', () => {
    const run = runScript(`
      import { executeWithHealing, getCircuitBreaker } from './src/index.ts';
      getCircuitBreaker('lifetime', { failureThreshold: 1, recoveryTimeoutMs: 600000 });
      const failed = await executeWithHealing(async () => { throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' }); }, {},
        { circuitName: 'lifetime', timeoutMs: 600000, retry: { maxAttempts: 1 } });
      const ok = await executeWithHealing(async () => 'fine', {}, { timeoutMs: 600000 });
      console.log('DONE', failed.status, ok.status, getCircuitBreaker('lifetime').state);
    `);
    expect(run.stdout).toContain('DONE error ok OPEN');
    expect(run.status).toBe(0);
    // A leaked 10-minute timer would hold the process until spawnSync's 20 s timeout kills it.
    expect(run.signal).toBeNull();
  });
});
