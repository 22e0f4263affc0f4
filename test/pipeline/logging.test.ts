import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ErrorClassifier, executeWithHealing, type HealingLogger } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('logging', () => {
  it('writes one structured pino line per healing action', async () => {
    const { logger, lines } = capture();
    const fn = failing([httpError(503), httpError(503)], 'ok');
    await executeWithHealing(fn, {}, { logger, circuitName: 'logging-test', retry: { minDelayMs: 0, maxAttempts: 2 }, fallback: () => 'fb' });
    expect(lines.map((line) => line.kind)).toEqual(['retry', 'fallback']);
    expect(lines[0]).toMatchObject({ level: 30, circuit: 'logging-test', attempt: 1, category: 'unavailable', delayMs: 0, healing: true });
    expect(lines[0]!.msg).toMatch(/^self-healing retry: HTTP 503/);
    expect(lines[1]).toMatchObject({ level: 40, kind: 'fallback', succeeded: true });
  });

  it('logs the give-up of a failed execution as a warning', async () => {
    const { logger, lines } = capture();
    await executeWithHealing(failing([httpError(401)], 1), {}, { logger });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, kind: 'give_up', reason: 'permanent' });
  });

  it('writes each action\'s severity on its line, and logs a critical one at error level', async () => {
    const { logger, lines } = capture();
    const classifier = new ErrorClassifier({ severity: { auth: 'critical' } });
    await executeWithHealing(failing([httpError(503), httpError(401)], 1), {}, { logger, classifier, retry: { minDelayMs: 0, maxAttempts: 3 } });
    expect(lines.map(({ level, kind, category, severity }) => [level, kind, category, severity])).toEqual([
      [30, 'retry', 'unavailable', 'medium'],
      [50, 'give_up', 'auth', 'critical'],
    ]);
  });

  it('accepts anything with pino level methods, and logs nothing on the happy path', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } satisfies HealingLogger;
    await executeWithHealing(async () => 1, {}, { logger });
    expect(logger.info).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('redacts secrets from the error messages it logs', async () => {
    const { logger, lines } = capture();
    const secretError = new Error('401 for Authorization: Bearer abcdef.123456.secret with key sk-proj-ABCDEFGHIJKLMNOP');
    await executeWithHealing(async () => { throw Object.assign(secretError, { status: 401 }); }, {}, { logger });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('abcdef.123456.secret');
    expect(text).not.toContain('sk-proj-ABCDEFGHIJKLMNOP');
    expect(text).toContain('[REDACTED]');
  });

  it('never lets a throwing logger break the call', async () => {
    const logger = { info: () => { throw new Error('disk full'); }, warn: () => { throw new Error('disk full'); }, error: () => {} };
    const result = await executeWithHealing(failing([httpError(503)], 'ok'), {}, { logger, retry: { minDelayMs: 0 } });
    expect(result).toMatchObject({ status: 'ok', result: 'ok' });
  });

  it('never lets an async logger whose write rejects leave an unhandled rejection, whatever its promise library', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      let foreignHandled = false;
      const logger = {
        info: async () => { throw new Error('log sink down'); },
        // A thenable of another promise library: handled once a rejection handler is attached to it.
        warn: () => ({ then(_resolve: unknown, reject?: (reason: unknown) => void) { foreignHandled = typeof reject === 'function'; reject?.(new Error('foreign')); } }),
        error: async () => {},
      };
      const result = await executeWithHealing(failing([httpError(503)], 'ok'), {}, { logger, retry: { minDelayMs: 0 }, fallback: () => 'fb' });
      await executeWithHealing(failing([httpError(401)], 1), {}, { logger }); // its give-up logs at warn
      await new Promise((resolve) => setImmediate(resolve)); // past the microtasks where a rejection would be reported
      expect(result).toMatchObject({ status: 'ok', result: 'ok' });
      expect(foreignHandled).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
