import { describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../src/index.js';
import { parseRetryAfter } from '../../src/classify/retry-after.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const classifier = new ErrorClassifier({ now: () => NOW });

function error(props: Record<string, unknown>): Error {
  return Object.assign(new Error('request failed'), props);
}

describe('ErrorClassifier: reading the HTTP status', () => {
  it('reads the status from `status`', () => {
    expect(classifier.classify(error({ status: 404 })).disposition).toBe('permanent');
  });

  it('reads the status from `statusCode`', () => {
    expect(classifier.classify(error({ statusCode: 404 })).disposition).toBe('permanent');
  });

  it('reads the status from `response.status` (axios style)', () => {
    expect(classifier.classify(error({ response: { status: 404 } })).disposition).toBe('permanent');
  });

  it('lets the HTTP status decide over a misleading message', () => {
    const result = classifier.classify(Object.assign(new Error('service unavailable'), { status: 401 }));
    expect(result).toMatchObject({ disposition: 'permanent', reason: 'HTTP 401' });
  });
});

describe('ErrorClassifier: Retry-After', () => {
  it('turns Retry-After delta seconds into retryAfterMs', () => {
    const result = classifier.classify(error({ status: 429, headers: { 'retry-after': '2' } }));
    expect(result).toMatchObject({ disposition: 'transient', category: 'rate_limit', retryAfterMs: 2_000 });
  });

  it.each(['Retry-After', 'RETRY-AFTER', 'retry-after', 'rEtRy-AfTeR'])(
    'reads the header from a plain object whatever its casing (%s)',
    (name) => {
      expect(classifier.classify(error({ status: 503, headers: { [name]: '7' } })).retryAfterMs).toBe(7_000);
    },
  );

  it('reads the header from a Headers instance', () => {
    const headers = new Headers({ 'Retry-After': '3' });
    expect(classifier.classify(error({ status: 429, headers })).retryAfterMs).toBe(3_000);
  });

  it('reads the header from response.headers', () => {
    const result = classifier.classify(error({ response: { status: 429, headers: { 'Retry-After': '4' } } }));
    expect(result).toMatchObject({ disposition: 'transient', retryAfterMs: 4_000 });
  });

  it('reads the header from a Headers instance on response.headers (fetch Response)', () => {
    const response = new Response(null, { status: 503, headers: { 'retry-after': '5' } });
    expect(classifier.classify(error({ response })).retryAfterMs).toBe(5_000);
  });

  it('turns a Retry-After HTTP date into the ms left until that date, using the `now` option', () => {
    const date = new Date(NOW + 30_000).toUTCString();
    expect(classifier.classify(error({ status: 503, headers: { 'Retry-After': date } })).retryAfterMs).toBe(30_000);
  });

  it('gives 0 for a Retry-After HTTP date in the past', () => {
    const date = new Date(NOW - 60_000).toUTCString();
    expect(classifier.classify(error({ status: 503, headers: { 'Retry-After': date } })).retryAfterMs).toBe(0);
  });

  it('honours the retry-after-ms header', () => {
    expect(classifier.classify(error({ status: 429, headers: { 'retry-after-ms': '1500' } })).retryAfterMs).toBe(1_500);
    expect(classifier.classify(error({ status: 429, headers: new Headers({ 'Retry-After-Ms': '250' }) })).retryAfterMs).toBe(250);
  });

  it('prefers retry-after-ms over the coarser Retry-After', () => {
    const headers = { 'retry-after-ms': '1500', 'retry-after': '2' };
    expect(classifier.classify(error({ status: 429, headers })).retryAfterMs).toBe(1_500);
  });

  it('leaves retryAfterMs unset when there is no usable Retry-After', () => {
    expect(classifier.classify(error({ status: 429 }))).not.toHaveProperty('retryAfterMs');
    expect(classifier.classify(error({ status: 429, headers: { 'retry-after': 'soon' } }))).not.toHaveProperty('retryAfterMs');
    expect(classifier.classify(error({ status: 429, headers: new Headers() }))).not.toHaveProperty('retryAfterMs');
  });

  it('is exported as parseRetryAfter for custom classifiers', () => {
    expect(parseRetryAfter({ 'Retry-After': '2' }, NOW)).toBe(2_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': new Date(NOW + 10_000).toUTCString() }), NOW)).toBe(10_000);
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
  });
});
