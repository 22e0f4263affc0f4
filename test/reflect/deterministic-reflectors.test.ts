import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { executeWithHealing, HealingConfigError, ruleReflector, schemaReflector, type Reflector } from '../../src/index.js';

class InvalidDateError extends Error {}

interface Booking { date: string; guests: number }

const bookRoom = async (args: Booking) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(args.date)) throw new InvalidDateError(`Invalid date format: ${args.date}`);
  return `booked ${args.date}`;
};

const usToIso = ({ date, ...rest }: Booking): Booking | null => {
  const match = /^(\d\d)[-/](\d\d)[-/](\d{4})$/.exec(date);
  return match ? { ...rest, date: `${match[3]}-${match[1]}-${match[2]}` } : null;
};

describe('ruleReflector', () => {
  it('repairs with the first rule that matches and returns args', async () => {
    const reflector = ruleReflector<Booking>([
      { match: /timeout/, transform: () => { throw new Error('never called'); } },
      { match: /invalid date/i, transform: () => null, reason: 'cannot help' },
      { match: 'Invalid date format', transform: usToIso, reason: 'MM-DD-YYYY to ISO 8601' },
    ]);
    const result = await executeWithHealing(bookRoom, { date: '01-19-2026', guests: 2 }, { reflector });
    expect(result).toMatchObject({ status: 'ok', result: 'booked 2026-01-19', args: { date: '2026-01-19', guests: 2 } });
    expect(result.healingActions[0]!.detail).toContain('MM-DD-YYYY to ISO 8601');
  });

  it('matches by error class and by predicate over the error and its classification', async () => {
    const byClass = await executeWithHealing(bookRoom, { date: '01/19/2026', guests: 1 }, {
      reflector: ruleReflector<Booking>([{ match: TypeError, transform: () => ({ date: 'x', guests: 0 }) }, { match: InvalidDateError, transform: usToIso }]),
    });
    expect(byClass.args).toEqual({ date: '2026-01-19', guests: 1 });

    const predicate = vi.fn((_error: Error, classification: { disposition: string }) => classification.disposition === 'recoverable');
    const byPredicate = await executeWithHealing(bookRoom, { date: '01/19/2026', guests: 1 }, {
      reflector: ruleReflector<Booking>([{ match: predicate, transform: usToIso, name: 'us-date' }]),
    });
    expect(byPredicate.status).toBe('ok');
    expect(byPredicate.healingActions[0]!.detail).toContain('us-date');
    expect(predicate).toHaveBeenCalledWith(expect.any(InvalidDateError), expect.objectContaining({ disposition: 'recoverable' }));
  });

  it('declines when no rule helps, so the execution gives up as unrepaired', async () => {
    const result = await executeWithHealing(bookRoom, { date: 'next tuesday', guests: 1 }, { reflector: ruleReflector<Booking>([{ match: /date/, transform: usToIso }]) });
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['reflect', 'declined'], ['give_up', 'unrepaired']]);
  });

  it('holds rule proposals to the same checks as any other', async () => {
    const result = await executeWithHealing(bookRoom, { date: '01-19-2026', guests: 2 }, {
      reflector: ruleReflector<Booking>([{ match: /date/, transform: (args) => ({ ...usToIso(args)!, guests: 99 }) }]),
      mutablePaths: ['date'], maxReflections: 1,
    });
    expect(result.healingActions[0]).toMatchObject({ reason: 'disallowed-path' });
  });

  it('refuses malformed rules up front', () => {
    expect(() => ruleReflector([{ match: /x/ } as never])).toThrow(HealingConfigError);
    expect(() => ruleReflector([{ match: 42, transform: () => null } as never])).toThrow(/match \(RegExp, string, error class or predicate\)/);
  });
});

describe('schemaReflector', () => {
  const argsSchema = z.object({
    qty: z.number().int(),
    gift: z.boolean(),
    currency: z.enum(['USD', 'EUR']),
    tags: z.array(z.string()),
    ref: z.string(),
  });
  const order = async (args: unknown) => argsSchema.parse(args);

  it('coerces strings, booleans, enum case and lone values towards argsSchema', async () => {
    const result = await executeWithHealing(order, { qty: '3', gift: 'true', currency: 'usd', tags: 'red', ref: 1234 }, {
      argsSchema, reflector: schemaReflector(),
    });
    expect(result).toMatchObject({ status: 'ok', attempts: 2, args: { qty: 3, gift: true, currency: 'USD', tags: ['red'], ref: '1234' } });
    expect(result.healingActions[0]!.detail).toMatch(/coerced .*qty.*gift.*currency.*tags.*ref/);
  });

  it('hands over to `then` when coercion cannot make the args valid', async () => {
    const then = vi.fn<Reflector>(() => ({ args: { qty: 1, gift: false, currency: 'EUR', tags: [], ref: 'r' }, reason: 'llm' }));
    const result = await executeWithHealing(order, { qty: 'three', gift: false, currency: 'EUR', tags: [], ref: 'r' }, {
      argsSchema, reflector: schemaReflector({ then }),
    });
    expect(then).toHaveBeenCalledOnce();
    expect(result).toMatchObject({ status: 'ok', args: { qty: 1 } });
  });

  it('hands `then` (a model) the view of the coerced args, with what was redacted still redacted', async () => {
    const booking = z.object({ qty: z.number().int(), date: z.iso.date(), pin: z.number() });
    const views: unknown[] = [];
    // A model that copies the args it is shown and fixes the date: "the rest", after coercion.
    const then: Reflector = ({ redacted }) => {
      views.push(redacted.args);
      return { args: { ...(redacted.args as object), date: '2026-01-19' }, reason: 'ISO date' };
    };
    const calls: unknown[] = [];
    const result = await executeWithHealing(async (args: unknown) => { calls.push(args); return booking.parse(args); },
      { qty: '3', date: '01-19-2026', pin: 4921 }, { argsSchema: booking, reflector: schemaReflector({ then }), maxReflections: 1, redact: { paths: ['pin'] } });
    expect(views).toEqual([{ qty: 3, date: '01-19-2026', pin: '[REDACTED]' }]);
    expect(result).toMatchObject({ status: 'ok', attempts: 2, args: { qty: 3, date: '2026-01-19', pin: 4921 } });
    expect(calls[1]).toEqual({ qty: 3, date: '2026-01-19', pin: 4921 });
  });

  it('declines without a schema or a way to coerce, and rejects bad options', async () => {
    const result = await executeWithHealing(order, { qty: 'three' }, { reflector: schemaReflector() });
    expect(result.healingActions[0]).toMatchObject({ kind: 'reflect', reason: 'declined' });
    expect(() => schemaReflector({ schema: {} as never })).toThrow(/schema must be a zod schema/);
    expect(() => schemaReflector({ then: 'x' as never })).toThrow(/then must be a reflector/);
  });
});

describe('the offline reflection example', () => {
  it('passes every check it prints', async () => {
    const { reflectOffline } = await import('../../examples/07-reflect-offline.js');
    const report = await reflectOffline();
    expect(report.checks.filter((check) => !check.pass)).toEqual([]);
    expect(report.passed).toBe(true);
  });
});
