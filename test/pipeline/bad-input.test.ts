import { describe, expect, it } from 'vitest';
import { executeWithHealing, HealingConfigError } from '../../src/index.js';
import { httpError } from '../helpers/errors.js';

describe('bad input gets a clear error and loses nothing', () => {
  it('an args object whose getter throws: fn sees the throw, the result keeps the args', async () => {
    const args = { get token(): string { throw new Error('secret store locked'); } };
    const result = await executeWithHealing(async (a: typeof args) => a.token, args, { retry: { minDelayMs: 0 } });
    expect(result.status).toBe('error');
    expect(result.error!.message).toBe('secret store locked');
    expect(result.args).toBe(args);
  });

  it('an args object whose getter throws does not break reflection', async () => {
    const args = { date: '01-19-2026', get extra(): string { throw new Error('boom'); } };
    const result = await executeWithHealing(async (a: { date: string }) => {
      if (a.date !== '2026-01-19') throw new Error('Invalid date format');
      return 'ok';
    }, args, { reflector: () => ({ args: { date: '2026-01-19' }, reason: 'iso' }) });
    expect(result).toMatchObject({ status: 'ok', result: 'ok', args: { date: '2026-01-19' } });
  });

  it('a reflector proposal whose getter throws is rejected, not thrown', async () => {
    const proposal = { reason: 'x', get args(): unknown { throw new Error('getter'); } };
    const result = await executeWithHealing(async () => { throw httpError(422); }, {}, { reflector: () => proposal, maxReflections: 1 });
    expect(result.status).toBe('error');
    expect(result.healingActions[0]).toMatchObject({ kind: 'reflect', succeeded: false });
  });

  it('a classifier that throws is treated as permanent, never as a rejection', async () => {
    let calls = 0;
    const result = await executeWithHealing(async () => { calls++; throw new Error('x'); }, {}, {
      classifier: { classify: () => { throw new Error('classifier bug'); } },
    });
    expect(calls).toBe(1);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
  });

  it('options whose getter throws give a HealingConfigError', async () => {
    const options = { get retry(): never { throw new Error('nope'); } };
    await expect(executeWithHealing(() => 1, {}, options as never)).rejects.toBeInstanceOf(HealingConfigError);
  });

  it('non-object options give a HealingConfigError', async () => {
    const error = await executeWithHealing(() => 1, {}, 'fast' as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe('options');
  });

  it('an unknown option is named, so typos do not pass silently', async () => {
    const error = await executeWithHealing(() => 1, {}, { retry: { maxAtempts: 2 } } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe('retry.maxAtempts');
  });
});
