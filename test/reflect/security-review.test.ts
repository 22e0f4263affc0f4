/**
 * Attacks from a security review of reflection and redaction, each of which once got through.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeWithHealing, type HealingOptions } from '../../src/index.js';
import { redactMessage } from '../../src/observe/redact.js';
import { createLLMReflector, openAICompatible, type ChatMessage } from '../../src/reflect/llm/index.js';
import { parseProposalText } from '../../src/reflect/secure-json.js';

const invalid = (message: string, issues?: unknown[]) => Object.assign(new Error(message), { status: 422, ...(issues ? { issues } : {}) });

/** A model that proposes `change(args it was shown)`, recording everything it was sent. */
function model(change: (shown: Record<string, unknown>) => Record<string, unknown>) {
  const sent: ChatMessage[][] = [];
  const complete = async (messages: ChatMessage[]) => {
    sent.push(messages);
    const facts = JSON.parse(/<call>\n([\s\S]*)\n<\/call>/.exec(messages[1]!.content)![1]!);
    return JSON.stringify({ args: change(facts.args), reason: 'r' });
  };
  return { reflector: createLLMReflector<any>({ complete }), text: () => JSON.stringify(sent) };
}

const reasons = (result: { healingActions: Array<{ kind: string; reason?: string }> }) => result.healingActions.map((a) => [a.kind, a.reason]);

describe('scope: what a proposal may change', () => {
  const failing = async () => { throw invalid('invalid region'); };

  it('a wildcard in mutablePaths does not open a secret; only its exact path does', async () => {
    const args = { region: 'x', apiKey: 'alice-real-key-123', user: { name: 'a', password: 'hunter2222' } };
    for (const mutablePaths of [['*'], ['user.*']]) {
      const { reflector } = model((shown) => ({ ...shown, apiKey: 'mallory-key-999', user: { name: 'a', password: 'mallory-pass' } }));
      const result = await executeWithHealing(failing, args, { reflector, mutablePaths, maxReflections: 1 });
      expect(reasons(result)[0], mutablePaths.join()).toEqual(['reflect', 'disallowed-path']);
    }
    const calls: unknown[] = [];
    const { reflector } = model((shown) => ({ ...shown, user: { name: 'a', password: 'new-pass-555' } }));
    await executeWithHealing(async (a: typeof args) => { calls.push(a); if (calls.length === 1) throw invalid('weak password'); return 'ok'; },
      args, { reflector, mutablePaths: ['user', 'user.password'] });
    expect(calls[1]).toMatchObject({ user: { password: 'new-pass-555' } });
  });

  it('a `*` in a failure\'s issues paths is a literal key, not a wildcard', async () => {
    const { reflector } = model((shown) => ({ ...shown, accountId: 'acct_mallory' }));
    const result = await executeWithHealing(async () => { throw invalid('bad', [{ path: ['*'] }]); },
      { accountId: 'acct_alice', date: 'x' }, { reflector, maxReflections: 1 });
    expect(reasons(result)[0]).toEqual(['reflect', 'disallowed-path']);
  });

  it('no key an attacker can put in the data is a wildcard: not even the one the wildcard once was ("\\u0000*")', async () => {
    // A body whose extra keys must be numbers: the attacker names the key, zod's issue path repeats it.
    const schema = z.object({ accountId: z.string(), amount: z.number() }).catchall(z.number());
    const ran: unknown[] = [];
    const shownPaths: unknown[] = [];
    const reflector = (request: { mutablePaths?: readonly string[] }) => {
      shownPaths.push(request.mutablePaths);
      return { args: { accountId: 'acct_mallory', amount: 10, '\u0000*': 1 }, reason: 'r' };
    };
    const result = await executeWithHealing(async (args: Record<string, unknown>) => { ran.push(schema.parse(args)); return 'ok'; },
      { accountId: 'acct_alice', amount: 10, '\u0000*': 'x' }, { reflector, maxReflections: 1 });
    expect(reasons(result)[0]).toEqual(['reflect', 'disallowed-path']);
    expect(ran).toEqual([]);
    expect(shownPaths).toEqual([['\u0000*']]);
  });

  it('a Map or a class instance is one value: replaced by plain data it is a change, echoed it stays itself', async () => {
    class Money { #cents = 500; get cents() { return this.#cents; } }
    const args = { date: 'x', lines: new Map([['sku1', 3]]), amount: new Money() };
    const swapped = await executeWithHealing(failing, args, {
      reflector: model((shown) => ({ ...shown, date: 'ok', lines: { sku1: 99 }, amount: { cents: 1 } })).reflector, mutablePaths: ['date'], maxReflections: 1,
    });
    expect(reasons(swapped)[0]).toEqual(['reflect', 'disallowed-path']);

    const seen: Array<typeof args> = [];
    const echoed = await executeWithHealing(async (a: typeof args) => { seen.push(a); if (a.date !== 'ok') throw invalid('bad date'); return 'ok'; },
      args, { reflector: model((shown) => ({ ...shown, date: 'ok' })).reflector, mutablePaths: ['date'] });
    expect(echoed.status).toBe('ok');
    expect(seen[1]!.lines).toBe(args.lines);
    expect(seen[1]!.amount.cents).toBe(500);
  });
});

describe('redaction', () => {
  it('removes a three-character secret echoed in a message, as a whole word only', async () => {
    const m = model((shown) => ({ ...shown, region: 'eu' }));
    await executeWithHealing(async (a: { region: string; card: { cvv: string } }) => {
      if (a.region !== 'eu') throw invalid(`card cvv 737 rejected for region ${a.region} (code 17371)`);
      return 'ok';
    }, { region: 'x', card: { cvv: '737' } }, { reflector: m.reflector });
    expect(m.text()).not.toMatch(/\b737\b/);
    expect(m.text()).toContain('17371');
  });

  it('knows more token shapes and secret-named keys', () => {
    const leaks = [
      'xoxb-2048123456-q8RvT3abcdefgh', 'sessionId=s3ss10nABCDEF', 'cookie: sid=abc123def456', 'passphrase: "open sesame now"',
      'password: "correct horse battery"', 'postgres://admin:Pa55w0rdXYZ@db:5432/app', 'sk_live_51HxYzAbCdEfGhIj',
    ];
    for (const leak of leaks) {
      const redacted = redactMessage(`failed: ${leak} end`);
      expect(redacted, leak).toContain('[REDACTED]');
      for (const secret of ['q8RvT3', 's3ss10n', 'abc123def456', 'sesame', 'horse', 'Pa55w0rd', '51HxYz']) expect(redacted).not.toContain(secret);
    }
  });

  it('never sends a secret used as a key through the paths the model may change (they come from the issues)', async () => {
    const key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const quotas = z.object({ quotas: z.record(z.string(), z.number()) });
    const m = model(() => ({ quotas: {} }));
    let raw: readonly string[] | undefined;
    await executeWithHealing(async (a: unknown) => quotas.parse(a), { quotas: { [key]: '1000' } }, {
      reflector: (request) => { raw = request.mutablePaths; return m.reflector(request); }, maxReflections: 1,
    });
    expect(raw).toEqual([`quotas.${key}`]); // in-process code still has the real path
    expect(m.text()).toContain('mayChange');
    expect(m.text()).not.toContain('4eC39Hq');
  });

  it('removes a secret echoed across the 500-character cut', async () => {
    const m = model((shown) => ({ ...shown, region: 'eu' }));
    const password = 'Correct-Horse-Battery-Staple-42';
    await executeWithHealing(async (a: { region: string; password: string }) => {
      if (a.region !== 'eu') throw invalid(`${'x'.repeat(490)} pw ${a.password} rest`);
      return 'ok';
    }, { region: 'x', password }, { reflector: m.reflector });
    expect(m.text()).not.toContain('Correct-H');
  });

  it('never sends a schema\'s default values (one may be a secret), but keeps a field named default', async () => {
    const m = model((shown) => ({ ...shown, region: 'eu' }));
    const argsSchema = z.object({ region: z.string(), apiToken: z.string().default('tok_live_9f8e7d6c5b4a'), default: z.string().optional() });
    await executeWithHealing(async (a: { region: string; apiToken: string }) => { if (a.region !== 'eu') throw invalid('bad region'); return 'ok'; },
      { region: 'x', apiToken: 'tok_live_9f8e7d6c5b4a' }, { reflector: m.reflector, argsSchema } as HealingOptions);
    expect(m.text()).not.toContain('9f8e7d6c5b4a');
    expect(m.text()).toContain('\\"default\\"');
  });

  it('keeps an API key of any shape out of LLMRequestError, actions and logs', async () => {
    const apiKey = 'gsk_4f9a8b7c6d5e4f3a2b1c';
    const fetch = async () => new Response(JSON.stringify({ error: { message: `Invalid API Key provided: ${apiKey}` } }), { status: 401 });
    const lines: unknown[] = [];
    const log = (fields: unknown, message: unknown) => lines.push([fields, message]);
    const result = await executeWithHealing(async () => { throw invalid('bad date'); }, { date: 'x' }, {
      reflector: createLLMReflector({ complete: openAICompatible({ baseURL: 'http://127.0.0.1:9/v1', apiKey, model: 'm', fetch }) }),
      logger: { info: log, warn: log, error: log },
    });
    expect(reasons(result)[0]).toEqual(['reflect', 'reflector-error']);
    expect(JSON.stringify(result.healingActions)).not.toContain('4f9a8b7c');
    expect(JSON.stringify(lines)).not.toContain('4f9a8b7c');
  });
});

describe('parsing a reply', () => {
  it('unwraps one json fence and refuses a fence of pathological text without stalling', () => {
    expect(parseProposalText('```json\n{"args":{"a":1},"reason":"r"}\n```')).toMatchObject({ ok: true, envelope: { args: { a: 1 } } });
    expect(parseProposalText('```' + '\n'.repeat(99_990) + 'x')).toMatchObject({ ok: false, problem: 'parse' });
  });
});

describe('hostile args', () => {
  it('a Proxy whose traps throw never makes the call reject: the proposal is refused', async () => {
    const hostile = new Proxy({ region: 'x' }, { ownKeys() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
    const result = await executeWithHealing(async () => { throw invalid('invalid region'); }, hostile, {
      reflector: () => ({ args: { region: 'eu' }, reason: 'r' }), maxReflections: 1,
    });
    expect(result.status).toBe('error');
    expect(reasons(result)[0]).toEqual(['reflect', 'disallowed-path']);
  });
});

describe('hostile proposals', () => {
  const fn = async (a: { n: number }) => { if (a.n !== 2) throw invalid('invalid n'); return 'ok'; };

  it('a proposal that throws when read (a usage getter, a Proxy) never makes the call reject: it is refused or its usage ignored', async () => {
    const usageThrows = { args: { n: 2 }, reason: 'r', usage: { get tokens(): number { throw new Error('boom-usage'); } } };
    const used = await executeWithHealing(fn, { n: 1 }, { reflector: () => usageThrows, maxReflections: 1 });
    expect(used).toMatchObject({ status: 'ok', attempts: 2 }); // the repair is sound; only its usage could not be read

    const proxy = new Proxy({}, { getOwnPropertyDescriptor() { throw new Error('boom-proxy'); }, get() { return undefined; } });
    const refused = await executeWithHealing(fn, { n: 1 }, { reflector: () => proxy as never, maxReflections: 1 });
    expect(refused.status).toBe('error');
    expect(reasons(refused)[0]).toEqual(['reflect', 'parse']);
  });
});
