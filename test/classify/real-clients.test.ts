/**
 * What real clients throw, classified out of the box: every case of ./clients/cases.ts (fetch,
 * undici, node:http, axios, got, ky, the OpenAI, Anthropic and Vercel AI SDKs) provoked for real
 * against a server on 127.0.0.1, and the thrown error classified by `new ErrorClassifier()`.
 * A strict classifier (`unknownDisposition: 'permanent'`) must still retry every transient case:
 * those are known, not unknown. The docs table lists exactly these cases.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorClassifier, type Classification } from '../../src/index.js';
import { CASES } from './clients/cases.js';
import { startProviderServer, type ProviderServer } from './clients/provider-server.js';

let server: ProviderServer;
const savedKey = process.env.OPENAI_API_KEY;
beforeAll(async () => {
  delete process.env.OPENAI_API_KEY; // the AI SDK's missing-key case must find none
  server = await startProviderServer();
});
afterAll(async () => {
  if (savedKey !== undefined) process.env.OPENAI_API_KEY = savedKey;
  await server.close();
});

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });

function verdict(classification: Classification): Partial<Classification> {
  const { disposition, category, retryAfterMs, notProcessed } = classification;
  return { disposition, category, retryAfterMs, notProcessed };
}

describe('real clients, real failures', () => {
  it.each(CASES.map((c) => [c.client, c.failure, c] as const))('%s, %s', async (_client, _failure, c) => {
    const error = await c.provoke(server);
    expect(verdict(classifier.classify(error))).toEqual(c.expected);
    if (c.expected.disposition === 'transient') expect(verdict(strict.classify(error))).toEqual(c.expected);
  });

  it('covers the caller\'s abort for every client', () => {
    const clients = new Set(CASES.map((c) => c.client));
    const withAbort = new Set(CASES.filter((c) => c.failure.startsWith("caller's abort")).map((c) => c.client));
    expect([...clients].filter((client) => !withAbort.has(client))).toEqual([]);
  });
});

describe('docs/retry-and-classification.md', () => {
  const doc = readFileSync(new URL('../../docs/retry-and-classification.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- client-table:start -->'), doc.indexOf('<!-- client-table:end -->'));
  const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| client') && !line.startsWith('| ---'))
    .map((line) => line.split(' | ').map((cell) => cell.replaceAll('`', '').replace(/^\| ?| ?\|$/g, '').trim()));

  it('lists every tested case, with the verdict the test asserts, and nothing untested', () => {
    const documented = rows.map(([client, failure, disposition, category, retryAfter, notProcessed]) =>
      [client, failure, disposition, category, retryAfter, notProcessed].join(' / '));
    const tested = CASES.map((c) => [c.client, c.failure, c.expected.disposition, c.expected.category,
      c.expected.retryAfterMs === undefined ? '' : `${c.expected.retryAfterMs} ms`, c.expected.notProcessed ? 'yes' : ''].join(' / '));
    expect(documented).toEqual(tested);
  });
});
