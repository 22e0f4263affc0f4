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
      getCircuitBreaker('lifetime', { failureThreshold: 1, breakDurationMs: 600000 });
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

  it('exits on its own after the recovery strategies ran with long limits (no timer left behind)', () => {
    const run = runScript(`
      import { Bulkhead, GracefulDegradation, HealingPipeline } from './src/index.ts';
      const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 600000 });
      const features = new GracefulDegradation();
      const feature = features.define('f', { fallback: 'off', failureThreshold: 1, checkIntervalMs: 1, checkTimeoutMs: 600000, healthCheck: () => new Promise(() => {}) });
      const pipeline = new HealingPipeline({
        bulkhead, feature, deadlineMs: 600000, timeoutMs: 300000, timeoutGraceMs: 600000,
        hedge: { delayMs: 5 }, retryBudget: { ratio: 0.1 }, adaptive: true,
        rollback: { snapshot: () => 1, restore: () => {} }, retry: { maxAttempts: 2, minDelayMs: 1 },
      });
      // Settles on abort, as a client must: an aborted call that never settles keeps its bulkhead slot for good.
      const slow = (_a, { signal }) => new Promise((resolve, reject) => { const t = setTimeout(() => resolve('slow'), 30); signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }); });
      const [a, b] = await Promise.all([pipeline.execute(slow, {}), pipeline.execute(async () => 'queued', {})]);
      const failed = await pipeline.execute(async () => { throw Object.assign(new Error('down'), { status: 503 }); }, {});
      await new Promise((resolve) => setTimeout(resolve, 5));
      const off = await pipeline.execute(async () => 'never', {});
      console.log('DONE', a.status, b.result, failed.status, off.result);
    `);
    expect(run.stdout).toContain('DONE ok queued error off');
    expect(run.status).toBe(0);
    // The last call started the feature's health check, which hangs: its 10-minute check timeout
    // is background work and must not hold the process (spawnSync's 20 s timeout would kill it).
    expect(run.signal).toBeNull();
  });

  // What a caller awaits keeps the process alive until it resolves, bounded by its own time limit:
  // each script below would otherwise end with exit code 13 (unsettled top-level await) mid-call.
  it('keeps the process alive through a shared recovery the execution waits for, until its timeoutMs', () => {
    const run = runScript(`
      import { HealingPipeline, restart } from './src/index.ts';
      const respawn = restart({ restart: () => new Promise(() => {}), timeoutMs: 200 });
      const tool = new HealingPipeline({ circuitName: 'tool', retry: { maxAttempts: 2, minDelayMs: 0 }, strategies: [respawn] });
      const result = await tool.execute(async () => { throw Object.assign(new Error('tool process exited'), { code: 'ECONNRESET' }); }, {});
      console.log('RESULT', result.status, result.healingActions.map((a) => a.kind + ':' + a.reason).join(' '));
    `);
    expect(run.stderr).not.toContain('unsettled top-level await');
    expect(run.stdout).toMatch(/RESULT error .*restart:failed/);
    expect([run.status, run.signal]).toEqual([0, null]);
  });

  it('keeps the process alive through an escalation that never answers, until its time limit', () => {
    // The pager's limit is 10 s: a clock whose real timers run 100 times faster makes it 100 ms.
    const run = runScript(`
      import { HealingPipeline, escalate } from './src/index.ts';
      const clock = { now: () => Date.now(), setTimeout: (callback, ms) => setTimeout(callback, ms / 100), clearTimeout: (handle) => clearTimeout(handle) };
      const page = escalate({ notify: () => new Promise(() => {}) });
      const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 1 }, strategies: [page], fallback: () => 'fallback value' });
      const result = await pipeline.execute(async () => { throw Object.assign(new Error('down'), { status: 503 }); }, {});
      console.log('RESULT', result.status, result.result);
    `);
    expect(run.stderr).not.toContain('unsettled top-level await');
    expect(run.stdout).toContain('RESULT ok fallback value');
    expect([run.status, run.signal]).toEqual([0, null]);
  });

  it('keeps the process alive through awaited health checks that hang, until checkTimeoutMs', () => {
    const run = runScript(`
      import { GracefulDegradation, HealthMonitor } from './src/index.ts';
      const monitor = new HealthMonitor({ checkTimeoutMs: 100, checkIntervalMs: 600000 });
      monitor.register('db', { check: () => new Promise(() => {}) });
      await monitor.runChecks();
      const first = monitor.componentHealth('db').check.detail;
      // runChecks() joining the run start() began (in the background) keeps the process alive too.
      monitor.register('cache', { check: () => new Promise(() => {}) });
      monitor.start();
      await monitor.runChecks();
      monitor.stop();
      const feature = new GracefulDegradation().define('search', { fallback: null, checkTimeoutMs: 100, healthCheck: () => new Promise(() => {}) });
      feature.disable();
      const on = await feature.check();
      console.log('RESULT', first, '|', monitor.componentHealth('cache').level, '| feature on:', on);
    `);
    expect(run.stderr).not.toContain('unsettled top-level await');
    expect(run.stdout).toContain('RESULT check timed out after 100 ms | critical | feature on: false');
    expect([run.status, run.signal]).toEqual([0, null]);
  });

  it('exits on its own after the caller aborted an execution whose shared recovery never ends', () => {
    const run = runScript(`
      import { HealingPipeline, oneRecoveryPerKey } from './src/index.ts';
      const shared = oneRecoveryPerKey({ recover: () => new Promise(() => {}), timeoutMs: 600000 });
      const pipeline = new HealingPipeline({ circuitName: 'tool', strategies: [shared], retry: { maxAttempts: 2, minDelayMs: 0 } });
      const controller = new AbortController();
      const pending = pipeline.execute(() => { throw Object.assign(new Error('reset'), { code: 'ECONNRESET' }); }, {}, { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('caller gave up')), 20);
      const result = await pending;
      console.log('DONE', result.status, result.healingActions.at(-1).reason);
    `);
    expect(run.stdout).toContain('DONE error aborted');
    expect(run.status).toBe(0);
    // The recovery outlives the execution; its 10-minute limit must not hold the process.
    expect(run.signal).toBeNull();
  });
});
