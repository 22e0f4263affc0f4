import { describe, expect, it } from 'vitest';
import { executeWithHealing } from '../../src/index.js';
import { redactMessage } from '../../src/observe/redact.js';
import { Redaction } from '../../src/observe/redaction.js';

// Found by the review of the reflection and fleet stops: a URL password holding an `@`, GitHub and
// Slack tokens of other kinds, secrets in a Map or a Set, and a walk limit that counted only objects.

describe('credentials in a URL', () => {
  it.each([
    ['a password holding a raw @ (the last @ ends it, as for WHATWG URL and ioredis)',
      'connect to redis://default:p@ssw0rd-Pr0d-2024@cache.internal:6379 failed', 'connect to redis://default:[REDACTED]@cache.internal:6379 failed'],
    ['a user name holding an @', 'login imap://alice@example.com:hunter2@mail.example.com refused', 'login imap://alice@example.com:[REDACTED]@mail.example.com refused'],
    ['an address later in the sentence', 'redis://u:p@ss@h1:6379 is down, mail ops@example.com', 'redis://u:[REDACTED]@h1:6379 is down, mail ops@example.com'],
    ['a second URL right after', 'tried redis://a:pw@1@h1,redis://b:pw2@h2', 'tried redis://a:[REDACTED]@h1,redis://b:[REDACTED]@h2'],
    ['a later @ in the same JSON', '{"url":"redis://u:p@ss@h","contact":"ops@example.com"}', '{"url":"redis://u:[REDACTED]@h","contact":"ops@example.com"}'],
  ])('removes the whole password: %s', (_, message, redacted) => {
    expect(redactMessage(message)).toBe(redacted);
  });
});

describe('GitHub and Slack tokens of every kind', () => {
  const TAIL = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
  it.each([
    ['a GitHub user-to-server token', `ghu_${TAIL}`],
    ['a GitHub refresh token', `ghr_${TAIL}`],
    ['a Slack app-level token', 'xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef'],
    ['a Slack refresh token', 'xoxe-1-My0xLTMxNzcwMjQ0MTcxMy01MTU4MTUyNjkxNzE0'],
    ['a Slack configuration token', 'xoxe.xoxp-1-Mi0yLTM0MTQwNDE0MDE3Ni0zNjU5NDY0Njg4MTctNTE4'],
    ['a Slack legacy workspace token', 'xoxa-2-511111111-31111111111-3111111111111-e039d02840a0b9379c'],
    ['a Slack legacy token', 'xoxo-523423-234243-234233-e039d02840a0b9379c'],
  ])('removes %s from messages and string values', (_, token) => {
    expect(redactMessage(`upstream rejected ${token} today`)).toBe('upstream rejected [REDACTED] today');
    expect(Redaction.default.value({ note: `clone with ${token}` }).value).toEqual({ note: 'clone with [REDACTED]' });
  });

  it('keeps words that only start like a Slack token', () => {
    expect(redactMessage('see 2018-250-xoxo-indieweb-1.jpg')).toBe('see 2018-250-xoxo-indieweb-1.jpg');
  });
});

describe('secrets in a Map or a Set under a secret-named key', () => {
  const PASSWORD = 'hunter22pw';
  it.each([
    ['a Map', { credentials: new Map([['password', PASSWORD]]) }],
    ['a Set', { secrets: new Set([PASSWORD]) }],
    ['a Map in an array', { credentials: [new Map([['password', PASSWORD]])] }],
    ['a Map in a Map', { credentials: new Map([['db', new Map([['password', PASSWORD]])]]) }],
  ])('are removed from the messages that echo them: %s', async (_, args) => {
    let error: string | undefined;
    const result = await executeWithHealing(async () => { throw Object.assign(new Error(`login rejected for alice with ${PASSWORD}`), { status: 400 }); }, args, {
      maxReflections: 1, reflector: ({ redacted }) => ((error = redacted.error), null),
    });
    expect(error).toBe('login rejected for alice with [REDACTED]');
    expect(JSON.stringify(result.healingActions)).not.toContain(PASSWORD);
  });

  it('are collected only up to the walk limit', () => {
    const tokens = new Set(Array.from({ length: 50_000 }, (_, index) => `token-${index}`));
    const { secrets } = Redaction.default.value({ tokens });
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.length).toBeLessThanOrEqual(10_000);
  });
});

describe('the walk limit counts every value', () => {
  const TRUNCATED = '[Truncated]';
  const view = (args: unknown) => Redaction.default.value(args);

  it('shows strings and numbers past 10,000 values as [Truncated], hidden', () => {
    // 10,000 values: the args, the array and its first 9,998 items.
    const items = Array.from({ length: 15_000 }, (_, index) => (index % 2 === 0 ? index : `item-${index}`));
    const { value, masked } = view({ items });
    const shown = (value as { items: unknown[] }).items;
    expect(shown).toHaveLength(15_000);
    expect(shown.slice(0, 9_998)).toEqual(items.slice(0, 9_998));
    expect(shown.slice(9_998).every((item) => item === TRUNCATED)).toBe(true);
    expect(masked.filter((mask) => mask.shown === TRUNCATED && mask.hidden)).toHaveLength(5_002);
  });

  it('cuts an array or an object with more than 10,000 items left at the limit, instead of walking them', () => {
    const rows = Array.from({ length: 200_000 }, (_, index) => `row ${index}: note=${index}`);
    const { value, masked } = view({ rows, region: 'eu-west' });
    const shown = value as { rows: unknown[]; region: unknown };
    expect(shown.rows).toHaveLength(9_999);
    expect(shown.rows.at(-1)).toBe(TRUNCATED);
    expect(shown.region).toBe(TRUNCATED);
    expect(masked).toContainEqual({ path: ['rows'], shown: shown.rows, hidden: true });

    const byId = Object.fromEntries(Array.from({ length: 30_000 }, (_, index) => [`id${index}`, index]));
    const objectView = view({ byId });
    const shownById = (objectView.value as { byId: Record<string, unknown> }).byId;
    expect(Object.keys(shownById)).toHaveLength(9_998);
    expect(objectView.masked).toContainEqual({ path: ['byId'], shown: shownById, hidden: true });
  });

  it('still replaces and collects a secret-named value the walk reaches past the limit', () => {
    const { value, secrets } = view({ rows: Array.from({ length: 20_000 }, (_, index) => index), password: 'hunter22pw' });
    expect((value as { password: unknown }).password).toBe('[REDACTED]');
    expect(secrets).toContain('hunter22pw');
  });

  it('gives the real values back where a proposal echoes [Truncated], and refuses a change to what it did not show', async () => {
    const args = { region: 'eu-west', short: Array.from({ length: 15_000 }, (_, index) => `s${index}`), long: Array.from({ length: 50_000 }, (_, index) => index) };
    const received: typeof args[] = [];
    const echoed = await executeWithHealing(async (call: typeof args) => {
      received.push(call);
      if (call.region !== 'eu-west-1') throw Object.assign(new Error('unknown region'), { status: 400 });
      return 'ok';
    }, args, { maxReflections: 1, reflector: ({ redacted }) => ({ args: { ...(redacted.args as typeof args), region: 'eu-west-1' }, reason: 'full name' }) });
    expect(echoed.status).toBe('ok');
    expect(received.at(-1)).toEqual({ ...args, region: 'eu-west-1' });

    const changed = await executeWithHealing(async () => { throw Object.assign(new Error('bad row'), { status: 400 }); }, args, {
      maxReflections: 1, reflector: ({ redacted }) => ({ args: { ...(redacted.args as typeof args), long: [1, 2, 3] }, reason: 'x' }),
    });
    expect(changed.healingActions[0]).toMatchObject({ reason: 'disallowed-path' });
  });
});
