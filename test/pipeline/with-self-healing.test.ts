import { describe, expect, it } from 'vitest';
import * as selfHealing from '../../src/index.js';
import { HealingConfigError, HealingError, withSelfHealing } from '../../src/index.js';
import { compileAndLoad } from '../helpers/compile-typescript.js';

const CLIENT = `
import { withSelfHealing } from 'self-healing';
export class Client {
  calls: unknown[][] = [];
  failures = 1;
  status = 503;
  prefix = 'user';
  @withSelfHealing({ retry: { minDelayMs: 0 } })
  async fetchUser(id: string, verbose: boolean) {
    this.calls.push([id, verbose]);
    if (this.failures-- > 0) throw Object.assign(new Error('HTTP ' + this.status), { status: this.status });
    return this.prefix + ':' + id;
  }
  @withSelfHealing({ reflector: ({ args }: any) => ({ args: [Math.abs(args[0])], reason: 'positive' }) })
  async sqrt(n: number) {
    if (n < 0) throw new RangeError('invalid argument: n must be >= 0');
    return Math.sqrt(n);
  }
}
`;

for (const experimentalDecorators of [false, true]) {
  describe(`withSelfHealing as a ${experimentalDecorators ? 'legacy (experimentalDecorators)' : 'standard TC39'} method decorator`, () => {
    const { Client } = compileAndLoad(CLIENT, { experimentalDecorators }, { 'self-healing': selfHealing }) as {
      Client: new () => { calls: unknown[][]; failures: number; status: number; fetchUser(id: string, v: boolean): Promise<string>; sqrt(n: number): Promise<number> };
    };

    it('returns the healed value, keeping `this` and the parameter list', async () => {
      const client = new Client();
      await expect(client.fetchUser('42', true)).resolves.toBe('user:42');
      expect(client.calls).toEqual([['42', true], ['42', true]]);
    });

    it('throws a HealingError whose result says what happened', async () => {
      const client = new Client();
      client.status = 401;
      const error = await client.fetchUser('7', false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HealingError);
      const { result } = error as HealingError;
      expect(result).toMatchObject({ status: 'error', attempts: 1, args: ['7', false] });
      expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
      expect((error as HealingError).cause).toBe(result.error);
      expect((error as Error).message).toContain('HTTP 401');
    });

    it('lets a reflector repair the parameter list', async () => {
      await expect(new Client().sqrt(-16)).resolves.toBe(4);
    });
  });
}

describe('withSelfHealing(fn, options)', () => {
  it('wraps a plain function the same way', async () => {
    let calls = 0;
    const add = withSelfHealing(async (a: number, b: number) => {
      if (++calls === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return a + b;
    }, { retry: { minDelayMs: 0 } });
    await expect(add(2, 3)).resolves.toBe(5);
    expect(calls).toBe(2);
  });

  it('rejects with a HealingError when healing fails', async () => {
    const down = withSelfHealing(async () => { throw Object.assign(new Error('nope'), { status: 404 }); });
    await expect(down()).rejects.toBeInstanceOf(HealingError);
  });

  it('validates options when applied, not on first call', () => {
    expect(() => withSelfHealing({ retry: { maxAttempts: -1 } })).toThrow(HealingConfigError);
    expect(() => withSelfHealing(async () => 1, { maxReflections: 1.5 })).toThrow(/maxReflections/);
  });

  it('refuses to decorate something other than a method', () => {
    const decorate = withSelfHealing();
    expect(() => (decorate as unknown as (t: unknown, c: unknown) => unknown)(undefined, { kind: 'field', name: 'x' }))
      .toThrow(HealingConfigError);
  });
});
