import { afterEach, describe, expect, it } from 'vitest';
import { executeWithHealing } from '../../src/index.js';
import { redactMessage } from '../../src/observe/redact.js';
import { createLLMReflector, openAICompatible } from '../../src/reflect/llm/index.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/openai-server.js';
import { captureLogger, recordingComplete } from '../helpers/recording-model.js';

// Secrets that slipped through before (issue 17): a secret word inside a longer key, temporary AWS
// key ids, AWS secret keys, and tokens cut in half by truncation before the patterns ran.
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TEMP_KEY_ID = 'ASIAY34FZKBOKMUTVV7A';
const LONG_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const CLIENT_SECRET = 'cs_9f8e7d6c5b4a3210';
const SECRET_KEY = 'plain-secret-value-42';
const HEADER_KEY = 'hk-0123456789abcdef';
const PRIVATE_KEY = 'MIIEvQIBADANBgkqhkiG9w0B';
/** A JWT whose payload names a person: neither part may reach the model. */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
const JWT_PARTS = JWT.split('.');

const leakyMessage = [
  `secret_key=${SECRET_KEY}`,
  `aws_secret_access_key=${AWS_SECRET}`,
  `aws_access_key_id=${TEMP_KEY_ID}`,
  `key id ${LONG_KEY_ID} with ${AWS_SECRET}`,
  `GET /token?client_secret=${CLIENT_SECRET}&page=2`,
  `x-api-key: ${HEADER_KEY}`,
  `{"private_key": "${PRIVATE_KEY}"}`,
].join('; ');
const LEAKED = [SECRET_KEY, AWS_SECRET, TEMP_KEY_ID, LONG_KEY_ID, CLIENT_SECRET, HEADER_KEY, PRIVATE_KEY];

const failsUntilRegionFixed = (message: string) => async (args: { region: string }) => {
  if (args.region !== 'eu-west-1') throw Object.assign(new Error(message), { status: 400 });
  return 'ok';
};

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a secret word anywhere in a key, and AWS credentials', () => {
  it('never reach complete(), the logger or healingActions', async () => {
    const model = recordingComplete();
    const log = captureLogger();
    const note = `deploy with aws_secret_access_key=${AWS_SECRET} and "client_secret": "${CLIENT_SECRET}"`;
    const result = await executeWithHealing(failsUntilRegionFixed(leakyMessage), { region: 'eu-west', note }, {
      reflector: createLLMReflector({ complete: model.complete }), logger: log.logger,
    });

    expect(result.status).toBe('ok');
    for (const secret of LEAKED) {
      expect(model.text(), secret).not.toContain(secret);
      expect(log.text(), secret).not.toContain(secret);
      expect(JSON.stringify(result.healingActions), secret).not.toContain(secret);
    }
    // What is not a secret stays, so the model can still read the failure.
    expect(model.facts().error).toContain('page=2');
    expect(model.facts().error).toContain('secret_key=[REDACTED]');
  });

  it('holds over the wire to an OpenAI-compatible server', async () => {
    server = await startFakeOpenAIServer();
    server.script.push({ content: JSON.stringify({ args: { region: 'eu-west-1' }, reason: 'full name' }) });
    const result = await executeWithHealing(failsUntilRegionFixed(leakyMessage), { region: 'eu-west' }, {
      reflector: createLLMReflector({ complete: openAICompatible({ baseURL: server.baseURL, apiKey: server.apiKey, model: 'm' }) }),
    });
    expect(result.status).toBe('ok');
    for (const secret of LEAKED) expect(JSON.stringify(server.requests[0]!.body), secret).not.toContain(secret);
  });

  it('keeps token counts, which are not secrets', () => {
    expect(redactMessage('max_tokens: 4096 is more than the context allows')).toBe('max_tokens: 4096 is more than the context allows');
  });
});

describe('binary values', () => {
  it('are described by type and size, never sent byte by byte, and run unchanged', async () => {
    const model = recordingComplete();
    const log = captureLogger();
    const upload = Buffer.from('hello secret world '.repeat(54)); // 1,026 bytes
    const bytes = new Uint8Array([7, 8, 9]);
    const view = new DataView(new ArrayBuffer(16));
    const raw = new ArrayBuffer(32);
    const blob = new Blob(['abcde']);
    const seen: unknown[] = [];
    const store = async (args: { region: string; upload: Buffer; bytes: Uint8Array; view: DataView; raw: ArrayBuffer; blob: Blob }) => {
      seen.push(args);
      if (args.region !== 'eu-west-1') throw Object.assign(new Error('unknown region'), { status: 400 });
      return 'ok';
    };
    const result = await executeWithHealing(store, { region: 'eu-west', upload, bytes, view, raw, blob }, {
      reflector: createLLMReflector({ complete: model.complete }), logger: log.logger,
    });

    expect(result.status).toBe('ok');
    expect(model.facts().args).toMatchObject({
      upload: '[Buffer 1,026 bytes]', bytes: '[Uint8Array 3 bytes]', view: '[DataView 16 bytes]', raw: '[ArrayBuffer 32 bytes]', blob: '[Blob 5 bytes]',
    });
    for (const text of [model.text(), log.text(), JSON.stringify(result.healingActions)]) {
      expect(text).not.toContain('"0":104');
      expect(text).not.toContain('hello secret');
    }
    // The model echoed the descriptions: the call ran with the real binary values.
    const second = seen[1] as Record<string, unknown>;
    expect(second.upload).toBe(upload);
    expect(second.bytes).toBe(bytes);
    expect(second.blob).toBe(blob);
  });

  it('refuses a proposal that replaces a binary value it never saw', async () => {
    const refuses = async (args: { region: string; upload: Buffer }) => failsUntilRegionFixed('unknown region')(args);
    const result = await executeWithHealing(refuses, { region: 'eu-west', upload: Buffer.alloc(8) }, {
      reflector: () => ({ args: { region: 'eu-west-1', upload: 'AAAA' as unknown as Buffer }, reason: 'x' }), maxReflections: 1,
    });
    expect(result.healingActions[0]).toMatchObject({ kind: 'reflect', succeeded: false, reason: 'disallowed-path' });
  });
});

describe('truncation never leaves part of a secret', () => {
  it('removes secrets before cutting a long message, and a token at the cut is removed whole', async () => {
    const model = recordingComplete();
    // Stack frames pasted into the message are stripped: what lay past the old 1,000-character
    // pre-cut moves into the kept part, so a JWT across that cut must still be seen whole.
    const frames = '\n    at handler (/srv/app/handler.js:10:5)'.repeat(23);
    const message = `bad region${frames}\nwith jwt ${JWT} ${'tail '.repeat(50)}`;
    expect(message.indexOf(JWT)).toBeLessThan(1_000 - 12);
    expect(message.indexOf(JWT) + JWT.length).toBeGreaterThan(1_000);
    const result = await executeWithHealing(failsUntilRegionFixed(message), { region: 'eu-west' }, {
      reflector: createLLMReflector({ complete: model.complete }),
    });
    const shown = [model.text(), JSON.stringify(result.healingActions)].join('\n');
    for (const part of JWT_PARTS) expect(shown).not.toContain(part.slice(0, 12));
    // Frames stripped and the token replaced, the message fits: shown whole, nothing cut.
    expect(model.facts().error).toBe(`bad region\nwith jwt [REDACTED] ${'tail '.repeat(50)}`);
  });

  it('leaves no part of an access key id at either cut', () => {
    const frames = '\n    at handler (/srv/app/handler.js:10:5)'.repeat(23);
    for (const message of [
      `bad region${frames}\nwith key ${LONG_KEY_ID} ${'tail '.repeat(50)}`, // across the old 1,000-character pre-cut
      `${'word '.repeat(97)}key ${LONG_KEY_ID} then ${'pad '.repeat(120)}`, // across the 500-character cut
    ]) {
      const at = message.indexOf(LONG_KEY_ID);
      expect([1_000, 500].some((cut) => at < cut - 8 && at + LONG_KEY_ID.length > cut)).toBe(true);
      expect(redactMessage(message)).not.toContain(LONG_KEY_ID.slice(0, 8));
    }
  });

  it('cuts an unknown token at the cut whole, never leaving its first characters', () => {
    const opaque = 'Zq8vN2xR5tLw0pKj7mYc3bHf9sDg1aEu';
    const cut = redactMessage(`${'a '.repeat(245)}${opaque} and more text after it ${'b '.repeat(40)}`);
    expect(cut).toMatch(/\[truncated\]$/);
    expect(cut).not.toContain(opaque.slice(0, 6));
  });

  it('sees a secret across the cut of a long string arg', async () => {
    const model = recordingComplete();
    const document = `${'lorem ipsum '.repeat(831)}jwt ${JWT} and more`;
    expect(document.indexOf(JWT)).toBeLessThan(10_000 - 12);
    expect(document.indexOf(JWT) + JWT.length).toBeGreaterThan(10_000);
    await executeWithHealing(failsUntilRegionFixed('unknown region'), { region: 'eu-west', document }, {
      reflector: createLLMReflector({ complete: model.complete }),
    });
    for (const part of JWT_PARTS) expect(model.text()).not.toContain(part.slice(0, 12));
    // Redacted first, the document fits: it is shown whole, with the token replaced.
    expect(model.facts().args.document).toMatch(/jwt \[REDACTED\] and more$/);
  });
});

// Found by a review of this stop: header values with a space or several pairs, a URL with only a
// password, a quoted secret longer than 512 characters, and a PEM key inside JSON.
describe('secrets of every shape a real error message carries', () => {
  const pem = ['-----BEGIN PRIVATE KEY-----', ...Array.from({ length: 26 }, (_, line) => `MIIEv${String(line).padStart(2, '0')}QIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7`), '-----END PRIVATE KEY-----'].join('\\n');

  it.each([
    ['an Authorization header with another scheme', 'HTTP 401 for Authorization: Token 9944b09199c62bcf9418ad846dd0e4bb', ['9944b09199c62bcf']],
    ['a short bearer token in a header', 'HTTP 401, Authorization: Bearer abc123', ['abc123']],
    ['every pair of a Cookie header', 'rejected Cookie: theme=dark; sid=S3ssionValue0042; csrftoken=cf0042', ['S3ssionValue0042', 'cf0042']],
    ['a URL with only a password', 'connect redis://:Hunter2RedisPass@cache.internal:6379 failed', ['Hunter2RedisPass']],
    ['a quoted secret longer than 512 characters', `bad credentials {"client_secret": "${'s3cr3t'.repeat(100)}"}`, ['s3cr3ts3cr3t']],
    ['a PEM private key inside JSON', `invalid service account {"type": "service_account", "private_key": "${pem}"}`, ['MIIEv00', 'MIIEv25']],
  ])('removes %s', (_, message, leaked) => {
    const clean = redactMessage(message);
    for (const secret of leaked) expect(clean).not.toContain(secret);
    expect(clean).toContain('[REDACTED]');
  });

  it('keeps words that only look like a header or a secret pair', () => {
    expect(redactMessage('Authorization failed for user alice')).toBe('Authorization failed for user alice');
    expect(redactMessage('the cookie banner was dismissed')).toBe('the cookie banner was dismissed');
  });
});

describe('secrets in the shape of the args, and in texts the library writes', () => {
  const SECRET_AS_KEY = 'sk-live-9aX3kP0qL7mN2vB5';
  const CYCLIC_PASSWORD = 'hunter22pass';

  it('hides an object whose key is a secret, and finds a secret under a cyclic object, before the model or an action sees them', async () => {
    const model = recordingComplete();
    const credentials: Record<string, unknown> = { password: CYCLIC_PASSWORD };
    credentials.self = credentials;
    const result = await executeWithHealing(
      failsUntilRegionFixed(`unknown region for ${SECRET_AS_KEY} (password ${CYCLIC_PASSWORD})`),
      { region: 'eu-west', quotas: { [SECRET_AS_KEY]: 100 }, credentials },
      { reflector: createLLMReflector({ complete: model.complete }) },
    );
    expect(model.facts().args.quotas).toBe('[REDACTED]');
    for (const secret of [SECRET_AS_KEY, CYCLIC_PASSWORD]) {
      expect(model.text()).not.toContain(secret);
      expect(JSON.stringify(result.healingActions)).not.toContain(secret);
    }
    // What the model echoed back keeps the hidden values as they were.
    expect(result.status === 'ok' && result.args).toMatchObject({ region: 'eu-west-1', quotas: { [SECRET_AS_KEY]: 100 } });
  });

  it("HealingError's message carries the redacted error, as the give-up action does", async () => {
    const { HealingError } = await import('../../src/index.js');
    const result = await executeWithHealing(async () => { throw Object.assign(new Error(`HTTP 403 for Authorization: Bearer ${JWT}`), { status: 403 }); }, {});
    if (result.status !== 'error') throw new Error('expected a failure');
    const error = new HealingError(result);
    expect(error.message).toContain('Authorization: [REDACTED]');
    for (const part of JWT_PARTS) expect(error.message).not.toContain(part.slice(0, 12));
    expect((error.cause as Error).message).toContain(JWT); // the original error stays the cause, for the caller's own code
  });

  it("a reconfigure's change(args) that throws has its message redacted in the action and the give-up", async () => {
    const { reconfigure } = await import('../../src/index.js');
    const retried = reconfigure({ when: () => true, change: () => { throw new Error(`cannot rotate, token=${CLIENT_SECRET} rejected`); } });
    const result = await executeWithHealing(async (): Promise<string> => { throw Object.assign(new Error('bad request'), { status: 400 }); }, {}, { strategies: [retried] });
    expect(JSON.stringify(result.healingActions)).toContain('change(args) threw');
    expect(JSON.stringify(result.healingActions)).not.toContain(CLIENT_SECRET);
  });
});

describe('the patterns\' quick checks', () => {
  it('skip a pattern only for texts it would not change: guarded and unguarded redaction agree on every secret of these tests', async () => {
    const { SECRET_PATTERNS, applyPatterns } = await import('../../src/observe/redact.js');
    const unguarded = SECRET_PATTERNS.map(([pattern, replacement]) => [pattern, replacement] as const);
    const corpus = [
      leakyMessage, `jwt ${JWT} here`, 'Authorization: Token 9944b09199c62bcf', 'Cookie: a=b; sid=x', 'redis://:pw0000000@h',
      'postgres://user:pass@db:5432/app', '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----', 'xoxb-1234567890-abcdef',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'github_pat_11ABCDEFG0123456789', `${LONG_KEY_ID} and ${TEMP_KEY_ID}`, 'Bearer abcdefghijkl',
      'sk-proj-AbCdEf0123456789XyZ', 'HTTP 404 Not Found', 'c-1234', 'Main street 1', 'password=hunter2&user=bob',
      'redis://default:p@ssw0rd-Pr0d-2024@cache.internal:6379', 'ghu_abcdefghijklmnopqrstuvwxyz0123456789', 'ghr_abcdefghijklmnopqrst',
      'xapp-1-A0123456789-1234567890123-abcdef', 'xoxe-1-My0xLTMxNzcwMjQ0', 'xoxe.xoxp-1-Mi0yLTM0MTQw', 'xoxo-523423-234243-e039d0',
      'ghs_16C7e42F292c6912E7710c838347Ae178B4a', 'xoxs-2940274821-9182736450-a1b2c3d4e5', 'sts session ASIAQWERTY2345UIOPZX expired',
    ];
    for (const text of corpus) expect(applyPatterns(text, SECRET_PATTERNS)).toBe(applyPatterns(text, unguarded));
  });
});

// Each sample matches only its own pattern: no `key=` the generic secret-pair pattern would catch
// (except `sig` and `signature`, which are that pattern's own keys), and no run of 40 base64
// characters the AWS-secret pattern would take.
describe('provider-specific token shapes in a message, with no secret-named key around them', () => {
  const STS_KEY_ID = 'ASIAQWERTY2345UIOPZX';
  const GHS_TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
  const XOXS_TOKEN = 'xoxs-2940274821-9182736450-a1b2c3d4e5';
  const SAS_SIG = 'Qk2x7%2BzT9wLmN4pR%2Fs8vY1cE5uH0aJ3dF6gI%3D';
  const URL_SIGNATURE = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b';
  const samples: Array<[message: string, redacted: string, secret: string]> = [
    [`sts session ${STS_KEY_ID} expired at 12:00`, 'sts session [REDACTED] expired at 12:00', STS_KEY_ID],
    [`git clone rejected for ${GHS_TOKEN} (installation 42)`, 'git clone rejected for [REDACTED] (installation 42)', GHS_TOKEN],
    [`slack rejected ${XOXS_TOKEN} as revoked`, 'slack rejected [REDACTED] as revoked', XOXS_TOKEN],
    [
      `GET https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sr=b&sig=${SAS_SIG}&se=2030-01-01 returned 403`,
      'GET https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sr=b&sig=[REDACTED]&se=2030-01-01 returned 403', SAS_SIG,
    ],
    [
      `GET https://cdn.example.com/v/a.mp4?expires=1700000000&signature=${URL_SIGNATURE}&user=7 returned 410`,
      'GET https://cdn.example.com/v/a.mp4?expires=1700000000&signature=[REDACTED]&user=7 returned 410', URL_SIGNATURE,
    ],
  ];

  it.each(samples)('redactMessage(%j) hides the token and keeps the rest', (message, redacted) => {
    expect(redactMessage(message)).toBe(redacted);
  });

  it.each(samples)('the healing action of a call failing with %j carries the redacted message', async (message, redacted, secret) => {
    const result = await executeWithHealing(async (): Promise<string> => { throw Object.assign(new Error(message), { status: 401 }); }, {}, { retry: { maxAttempts: 1 } });
    expect(result.status).toBe('error');
    const errors = result.healingActions.map((action) => action.error);
    expect(errors).toContain(redacted);
    expect(JSON.stringify(result.healingActions)).not.toContain(secret);
  });
});
