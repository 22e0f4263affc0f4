import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = pathToFileURL(`${root}src/index.ts`).href;

const TOTAL = 100_000;
const OPEN_EVERY = 100; // 1 000 open breakers

/**
 * Runs in a fresh Node process: fills a registry to its default cap of 100 000 breakers, opens
 * some, measures the heap, lets them all go idle on a manual clock, evicts, measures again.
 * The script ends without cleaning anything up: the process must exit on its own.
 */
const source = `
  import { CircuitBreakerRegistry } from ${JSON.stringify(entry)};
  let now = 1_700_000_000_000;
  const clock = { now: () => now, setTimeout: () => { throw new Error('a breaker must not schedule timers'); }, clearTimeout() {} };
  const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };

  // Work happens in functions: temporaries left in the (still running) module body's frame
  // would stay reachable and skew the heap measurements.
  function fill(registry) {
    const openConfig = { failureThreshold: 1, breakDurationMs: 3_600_000 };
    for (let i = 0; i < ${TOTAL}; i++) {
      if (i % ${OPEN_EVERY} === 0) registry.get('tenant:' + i, openConfig).recordFailure(new Error('down'));
      else registry.get('tenant:' + i).recordSuccess();
    }
  }
  function census(registry) {
    const all = registry.all();
    return {
      count: all.length,
      open: all.filter((b) => b.state === 'OPEN').length,
      onlyOpenOnes: all.every((b) => Number(b.name.slice(7)) % ${OPEN_EVERY} === 0),
    };
  }

  const registry = new CircuitBreakerRegistry({ clock, idleTimeoutMs: 60_000 });
  const base = heap();
  fill(registry);
  const full = heap();
  const before = census(registry);
  now += 60_000;
  const evicted = registry.evictIdle();
  const after = heap();
  console.log(JSON.stringify({
    base, full, after, evicted, before, left: census(registry),
    closedStillThere: registry.has('tenant:1'),
    openStillThere: registry.has('tenant:0'),
  }));
`;

describe('a process holding 100 000 breakers', () => {
  it('exits on its own, and idle eviction returns the memory of the closed ones while keeping the open ones', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', source], {
      cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    // Killed by the timeout, it would have a signal and no status.
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.trim().split('\n').at(-1)!;
    interface Census { count: number; open: number; onlyOpenOnes: boolean }
    const report = JSON.parse(line) as {
      base: number; full: number; after: number; evicted: number; before: Census; left: Census;
      closedStillThere: boolean; openStillThere: boolean;
    };

    const open = TOTAL / OPEN_EVERY;
    expect(report.before).toEqual({ count: TOTAL, open, onlyOpenOnes: false });
    expect(report.evicted).toBe(TOTAL - open);
    expect(report.left).toEqual({ count: open, open, onlyOpenOnes: true });
    expect(report.closedStillThere).toBe(false);
    expect(report.openStillThere).toBe(true);

    // Ratios, not absolute sizes or times: 100 000 breakers take a clear amount of heap, and
    // after evicting 99 % of them less than half of that growth remains.
    const growth = report.full - report.base;
    const remaining = report.after - report.base;
    expect(growth / TOTAL).toBeGreaterThan(50); // bytes per breaker: the measurement sees them
    expect(remaining / growth, JSON.stringify(report)).toBeLessThan(0.5);
  }, 90_000);
});
