import { afterEach, describe, expect, it } from 'vitest';
import { executeWithHealing, type HealingOptions } from '../../src/index.js';
import { createLLMReflector, openAICompatible, type ChatMessage } from '../../src/reflect/llm/index.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/openai-server.js';
import { captureLogger, recordingComplete } from '../helpers/recording-model.js';

const API_KEY = 'sk-proj-AbCdEf0123456789XyZ';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const PASSWORD = 'correct-horse-battery-staple';
const NESTED_TOKEN = 'tok_live_5f2b9c8e7d6a';
const SECRETS = [API_KEY, BEARER, PASSWORD, NESTED_TOKEN];

interface Login { user: string; password: string; region: string; session: { token: string; ttl: number } }
const args: Login = { user: 'alice', password: PASSWORD, region: 'eu-west', session: { token: NESTED_TOKEN, ttl: 3600 } };

/** Fails with a message that leaks every kind of secret: a key, a bearer token, and the password itself. */
const leakyService = async (login: Login) => {
  if (login.region !== 'eu-west-1') {
    const error = new Error(
      `Invalid region "${login.region}" for user ${login.user} (password ${login.password}); ` +
      `request had api_key=${API_KEY} and Authorization: Bearer ${BEARER}\n    at handler (/srv/app.js:10:5)\n    at main (/srv/app.js:2:1)`,
    );
    throw Object.assign(error, { status: 400 });
  }
  return 'ok';
};

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('secrets never reach the reflector or the logger', () => {
  it('redacts keys, bearer tokens, secret fields and their echoes before complete() or the logger sees them', async () => {
    const model = recordingComplete();
    const log = captureLogger();
    const calls: Login[] = [];
    const result = await executeWithHealing(async (login: Login) => (calls.push(login), leakyService(login)), args, {
      reflector: createLLMReflector({ complete: model.complete }),
      logger: log.logger,
    });

    expect(result.status).toBe('ok');
    for (const secret of SECRETS) {
      expect(model.text()).not.toContain(secret);
      expect(log.text()).not.toContain(secret);
      expect(JSON.stringify(result.healingActions)).not.toContain(secret);
    }
    expect(model.text()).not.toContain('/srv/app.js'); // stack frames stripped
    expect(model.text()).toContain('[REDACTED]');
    // The model echoed [REDACTED]; the call ran with the real secrets put back, and the fixed region.
    expect(calls[1]).toEqual({ ...args, region: 'eu-west-1' });
  });

  it('holds over the wire to an OpenAI-compatible server, in every request body', async () => {
    server = await startFakeOpenAIServer();
    const echo = { user: 'alice', password: '[REDACTED]', region: 'eu-west-1', session: { token: '[REDACTED]', ttl: 3600 } };
    server.script.push({ content: JSON.stringify({ args: echo, reason: 'full region name' }) });
    const result = await executeWithHealing(leakyService, args, {
      reflector: createLLMReflector({ complete: openAICompatible({ baseURL: server.baseURL, apiKey: server.apiKey, model: 'm' }) }),
    });

    expect(result).toMatchObject({ status: 'ok', args: { ...args, region: 'eu-west-1' } });
    expect(server.requests).toHaveLength(1);
    for (const secret of SECRETS) expect(JSON.stringify(server.requests[0]!.body)).not.toContain(secret);
  });

  it('refuses a proposal that changes a redacted secret', async () => {
    const result = await executeWithHealing(leakyService, args, {
      reflector: () => ({ args: { ...args, region: 'eu-west-1', password: 'hunter2' }, reason: 'x' }),
      maxReflections: 1,
    });
    expect(result.healingActions[0]).toMatchObject({ kind: 'reflect', succeeded: false, reason: 'disallowed-path' });
    expect(result.healingActions[0]!.detail).toContain('changes password, which holds a redacted secret');
  });

  it('redacts user-supplied keys, paths and patterns too', async () => {
    const model = recordingComplete();
    const options: HealingOptions<Login & { ssn: string; note: string }> = {
      reflector: createLLMReflector({ complete: model.complete }),
      redact: { keys: ['ssn'], paths: ['user'], patterns: [/\bACC-\d{6}\b/] },
    };
    await executeWithHealing(async (login: Login & { ssn: string; note: string }) => leakyService(login),
      { ...args, ssn: '078-05-1120', note: 'refund ACC-123456 and ACC-654321' }, options);

    const sent = model.text();
    expect(sent).not.toContain('078-05-1120');
    expect(sent).not.toContain('ACC-123456');
    expect(sent).not.toContain('ACC-654321'); // a pattern without the g flag still redacts every match
    expect(sent).not.toMatch(/"user": "alice"/);
  });

  it('sends everything as it is with redact: false (the explicit opt-out)', async () => {
    const model = recordingComplete();
    await executeWithHealing(leakyService, args, { reflector: createLLMReflector({ complete: model.complete }), redact: false });
    for (const secret of SECRETS) expect(model.text()).toContain(secret);
  });

  it('truncates long messages before they reach the model', async () => {
    const model = recordingComplete();
    const long = async (login: Login) => {
      if (login.region === 'eu-west') throw Object.assign(new Error(`bad region ${'x'.repeat(5_000)}`), { status: 400 });
      return 'ok';
    };
    await executeWithHealing(long, args, { reflector: createLLMReflector({ complete: model.complete }) });
    const error = JSON.parse(/<call>\n([\s\S]*)\n<\/call>/.exec(JSON.parse(model.text())[0][1].content)![1]!).error as string;
    expect(error.length).toBeLessThan(600);
    expect(error).toMatch(/\[truncated\]$/);
  });
});

describe('the redacted view of large args', () => {
  it('cuts huge strings instead of scanning or sending all of them', async () => {
    const model = recordingComplete();
    const document = `${'lorem ipsum '.repeat(50_000)} api_key=${API_KEY}`;
    const uploaded: string[] = [];
    const upload = async (args: { region: string; document: string }) => {
      if (args.region !== 'eu-west-1') throw Object.assign(new Error('unknown region'), { status: 400 });
      uploaded.push(args.document);
      return 'ok';
    };
    const result = await executeWithHealing(upload, { region: 'eu-west', document }, { reflector: createLLMReflector({ complete: model.complete }) });
    expect(result.status).toBe('ok');
    expect(model.text().length).toBeLessThan(40_000);
    expect(model.text()).toContain('… [truncated]');
    expect(model.text()).not.toContain(API_KEY);
    // The model echoed the cut string: the call ran with the whole document, not the cut one.
    expect(uploaded).toEqual([document]);
  });

  it('refuses a change to a string the model saw only in part', async () => {
    const document = 'x'.repeat(20_000);
    const result = await executeWithHealing(async (args: { region: string; document: string }) => {
      if (args.region !== 'eu-west-1') throw Object.assign(new Error('unknown region'), { status: 400 });
      return 'ok';
    }, { region: 'eu-west', document }, {
      reflector: ({ redacted }) => ({ args: { ...(redacted.args as object), region: 'eu-west-1', document: 'short' }, reason: 'x' }),
      maxReflections: 1,
    });
    expect(result.healingActions[0]).toMatchObject({ reason: 'disallowed-path' });
    expect(result.healingActions[0]!.detail).toContain('document, which was shown to the reflector only in part');
  });
});

describe('what a model echoes unchanged is given back as it was', () => {
  it('keeps a Date a Date when the model echoes its ISO string', async () => {
    const when = new Date('2026-01-19T10:00:00.000Z');
    const seen: unknown[] = [];
    const book = async (args: { at: Date; room: string }) => {
      seen.push(args.at);
      if (args.room !== 'B') throw Object.assign(new Error('room A is closed'), { status: 400 });
      return 'booked';
    };
    const complete = async (messages: ChatMessage[]) => {
      const facts = JSON.parse(/<call>\n([\s\S]*)\n<\/call>/.exec(messages[1]!.content)![1]!);
      expect(facts.args.at).toBe('2026-01-19T10:00:00.000Z');
      return JSON.stringify({ args: { ...facts.args, room: 'B' }, reason: 'room B is open' });
    };
    const result = await executeWithHealing(book, { at: when, room: 'A' }, { reflector: createLLMReflector({ complete }) });
    expect(result.status).toBe('ok');
    expect(seen[1]).toBeInstanceOf(Date);
    expect((seen[1] as Date).getTime()).toBe(when.getTime());
  });
});

describe('numbers under secret keys', () => {
  it('are secrets too (a PIN, a numeric password), while token counts stay', async () => {
    const model = recordingComplete();
    const login = async (args: { region: string; password: number; pin: number; maxTokens: number }) => {
      if (args.region !== 'eu-west-1') throw Object.assign(new Error(`bad region for pin ${args.pin}`), { status: 400 });
      return 'ok';
    };
    await executeWithHealing(login, { region: 'eu-west', password: 98765432, pin: 4821, maxTokens: 512 }, {
      reflector: createLLMReflector({ complete: model.complete }),
    });
    expect(model.text()).not.toContain('98765432');
    expect(model.text()).not.toContain('4821');
    expect(model.text()).toContain('512');
  });
});
