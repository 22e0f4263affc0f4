/**
 * Issue 18 point 7: a pipeline given its args type types its own callbacks and checks each call.
 * The `@ts-expect-error` lines are checked by `npm run typecheck` (tsc over test/): each fails the
 * type check if the error it expects goes away. The decorator's fallback check is in
 * decorator-fallback-type.test.ts (vitest's transform does not compile decorators).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { HealingPipeline, type HealingResult } from '../../src/index.js';

const busy = () => Object.assign(new Error('busy'), { status: 503 });

describe('a pipeline given its args type', () => {
  it('types its own callbacks with those args', async () => {
    const saved: string[] = [];
    const orders = new HealingPipeline<{ orderId: string }, string>({
      retry: { maxAttempts: 1 },
      rollback: {
        snapshot: (args) => {
          expectTypeOf(args).toEqualTypeOf<{ orderId: string }>();
          return args.orderId;
        },
        restore: (snapshot) => void saved.push(String(snapshot)),
      },
      fallback: (args) => `queued ${args.orderId}`,
    });
    const result = await orders.execute(async (): Promise<string> => { throw busy(); }, { orderId: 'o-1' });
    expectTypeOf(result).toEqualTypeOf<HealingResult<string>>();
    expect(result.result).toBe('queued o-1');
    expect(saved).toEqual(['o-1']);
  });

  it('checks each call against them', () => {
    const orders = new HealingPipeline<{ orderId: string }, string>({ retry: { maxAttempts: 1 } });
    const typeOnly = () => {
      // @ts-expect-error the pipeline's calls take { orderId: string }
      void orders.execute(async (args: { sku: number }) => String(args.sku), { sku: 1 });
      // @ts-expect-error the pipeline's calls resolve a string
      void orders.execute(async (args: { orderId: string }) => args.orderId.length, { orderId: 'o-1' });
      // @ts-expect-error a callback of the pipeline uses a field its args do not have
      void new HealingPipeline<{ orderId: string }>({ rollback: { snapshot: (args) => args.sku, restore: () => {} } });
    };
    expect(typeof typeOnly).toBe('function');
  });

  it('stays a pipeline for any call without type arguments, whatever its callbacks return', async () => {
    const anything = new HealingPipeline({ retry: { maxAttempts: 1 }, fallback: () => null });
    const result = await anything.execute(async (args: { n: number }) => args.n * 2, { n: 2 });
    expect(result.result).toBe(4);
  });
});
