/**
 * What the classifier reads beyond a status field: a status or a wait written only in the
 * message, the server's `x-should-retry`, and the causes an error wraps (followed a bounded depth).
 */
import { describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../src/index.js';
import { waitWrittenIn } from '../../src/classify/retry-after.js';

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });

describe('a status written only in the message', () => {
  it.each([
    ['404 Not Found', 'permanent', 'not_found'],
    ['Request failed: 403 Forbidden', 'permanent', 'auth'],
    ['upstream said 503 Service Unavailable', 'transient', 'unavailable'],
    ['HTTP 409 from the inventory service', 'permanent', 'conflict'],
    ['status code: 429', 'transient', 'rate_limit'],
  ] as const)('%j is %s / %s', (message, disposition, category) => {
    expect(classifier.classify(new Error(message))).toMatchObject({ disposition, category, reason: expect.stringContaining('in the message') });
  });

  it('a context-length wording wins over the 400 written beside it', () => {
    expect(classifier.classify(new Error('400 Bad Request: prompt is too long'))).toMatchObject({ disposition: 'permanent', category: 'context_length' });
  });

  it('a connection code written in the message is a network failure', () => {
    expect(classifier.classify(new Error('connect ECONNREFUSED 10.0.0.1:5432'))).toMatchObject({ disposition: 'transient', category: 'network', notProcessed: true });
  });
});

describe('a wait written in the message', () => {
  it.each([
    ['Rate limit reached. Please try again in 20s.', 20_000],
    ['Please try again in 1m30s', 90_000],
    ['Too many requests, retry after 30 seconds', 30_000],
    ['rate limited: retry in 250ms', 250],
    ['Please try again in 1.5s', 1_500],
  ])('%j gives retryAfterMs %i', (message, ms) => {
    expect(classifier.classify(new Error(message))).toMatchObject({ disposition: 'transient', retryAfterMs: ms });
  });

  it('a header wins over the message, and a permanent failure gets no wait', () => {
    const withHeader = Object.assign(new Error('Please try again in 20s'), { status: 429, headers: { 'retry-after': '3' } });
    expect(classifier.classify(withHeader).retryAfterMs).toBe(3_000);
    expect(classifier.classify(Object.assign(new Error('try again in 20s'), { status: 404 }))).not.toHaveProperty('retryAfterMs');
  });

  it('reads no wait from text that names none, in linear time on a long message', () => {
    expect(waitWrittenIn('retry after the deploy')).toBeUndefined();
    const long = 'retry in '.repeat(100_000);
    const started = performance.now();
    expect(waitWrittenIn(long)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('x-should-retry', () => {
  const withHeader = (status: number, value: string) => Object.assign(new Error(`HTTP ${status}`), { status, headers: new Headers({ 'x-should-retry': value }) });

  it('true makes a status that is not retried transient, keeping its category', () => {
    expect(classifier.classify(withHeader(409, 'true'))).toMatchObject({ disposition: 'transient', category: 'conflict', reason: 'x-should-retry: true (HTTP 409)' });
  });

  it('false makes a retried status permanent, and leaves a recoverable 400 to the reflector', () => {
    expect(classifier.classify(withHeader(429, 'false'))).toMatchObject({ disposition: 'permanent', category: 'rate_limit' });
    expect(classifier.classify(withHeader(400, 'false'))).toMatchObject({ disposition: 'recoverable', category: 'invalid_request' });
  });
});

describe('causes', () => {
  const wrap = (error: unknown, levels: number): Error => {
    let wrapped = error;
    for (let i = 0; i < levels; i++) wrapped = new Error('the call failed', { cause: wrapped });
    return wrapped as Error;
  };
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' });
  const notFound = Object.assign(new Error('nope'), { status: 404 });

  it('a status or code a few levels down decides, and the reason says so', () => {
    expect(classifier.classify(wrap(notFound, 3))).toMatchObject({ disposition: 'permanent', category: 'not_found', reason: 'cause (3 levels down): HTTP 404' });
    expect(classifier.classify(wrap(refused, 2))).toMatchObject({ disposition: 'transient', category: 'network', notProcessed: true });
  });

  it('stops after 4 levels, and survives a cause cycle', () => {
    expect(classifier.classify(wrap(notFound, 5))).toMatchObject({ category: 'unknown' });
    const cyclic = new Error('loop');
    (cyclic as { cause?: unknown }).cause = cyclic;
    expect(strict.classify(cyclic)).toMatchObject({ disposition: 'permanent', category: 'unknown' });
  });

  it('what a cause carries wins over the wrapper\'s wording', () => {
    const wrapper = new Error('Failed after 3 attempts: service temporarily unavailable', { cause: notFound });
    expect(classifier.classify(wrapper)).toMatchObject({ disposition: 'permanent', category: 'not_found' });
  });

  it('a wrapped abort is the caller\'s abort', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(classifier.classify(wrap(abort, 1))).toMatchObject({ disposition: 'permanent', category: 'aborted' });
  });
});
