import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, ErrorClassifier } from '../../src/index.js';

// Unknown errors are transient by default, so these tests use a classifier that calls them
// permanent: a 'transient' verdict then proves the error was recognised.
const classifier = new ErrorClassifier({ unknownDisposition: 'permanent' });

function withCode(code: string, message = `connect ${code} 10.0.0.1:443`): Error {
  return Object.assign(new Error(message), { code });
}

function withStatus(status: number, message = `Request failed with status ${status}`): Error {
  return Object.assign(new Error(message), { status });
}

describe('ErrorClassifier: transient failures', () => {
  describe('connection errors', () => {
    it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'])(
      'classifies code %s on the error as transient',
      (code) => {
        const result = classifier.classify(withCode(code));
        expect(result.disposition).toBe('transient');
        expect(result.reason).toContain(code);
      },
    );

    it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'])(
      'classifies code %s on error.cause as transient (as Node fetch reports it)',
      (code) => {
        const error = new Error('request failed', { cause: withCode(code) });
        const result = classifier.classify(error);
        expect(result.disposition).toBe('transient');
        expect(result.reason).toContain(code);
      },
    );

    it('labels a refused connection as a network failure and ETIMEDOUT as a timeout', () => {
      expect(classifier.classify(withCode('ECONNREFUSED')).category).toBe('network');
      expect(classifier.classify(withCode('ETIMEDOUT')).category).toBe('timeout');
    });
  });

  describe('fetch network failures', () => {
    it('classifies TypeError("fetch failed") caused by ECONNREFUSED as a transient network failure', () => {
      const error = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
      expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'network' });
    });

    it('classifies TypeError("fetch failed") without a cause as a transient network failure, not a type mismatch', () => {
      const result = classifier.classify(new TypeError('fetch failed'));
      expect(result).toMatchObject({ disposition: 'transient', category: 'network' });
      expect(result.category).not.toBe('type_mismatch');
    });

    it('classifies the browser wording TypeError("Failed to fetch") as a transient network failure', () => {
      expect(classifier.classify(new TypeError('Failed to fetch'))).toMatchObject({ disposition: 'transient', category: 'network' });
    });
  });

  describe('timeouts', () => {
    it('classifies the library AttemptTimeoutError as a transient timeout', () => {
      expect(classifier.classify(AttemptTimeoutError.create(1_000))).toMatchObject({ disposition: 'transient', category: 'timeout' });
    });

    it('classifies a DOMException named TimeoutError (AbortSignal.timeout) as a transient timeout', () => {
      const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'timeout' });
    });

    it('classifies the reason of an AbortSignal.timeout() that fired as a transient timeout', async () => {
      const signal = AbortSignal.timeout(0);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      expect(classifier.classify(signal.reason)).toMatchObject({ disposition: 'transient', category: 'timeout' });
    });

    it('classifies an Error named TimeoutError as a transient timeout', () => {
      const error = Object.assign(new Error('took too long'), { name: 'TimeoutError' });
      expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'timeout' });
    });
  });

  describe('HTTP status', () => {
    it.each([
      [408, 'timeout'],
      [429, 'rate_limit'],
      [500, 'server_error'],
      [502, 'server_error'],
      [503, 'unavailable'],
      [504, 'timeout'],
    ])('classifies HTTP %i as transient (%s)', (status, category) => {
      const result = classifier.classify(withStatus(status));
      expect(result).toMatchObject({ disposition: 'transient', category });
      expect(result.reason).toContain(String(status));
    });
  });

  describe('messages', () => {
    it.each(['Service Unavailable', 'upstream said: service unavailable, try later'])(
      'classifies the message "%s" as transient',
      (message) => {
        expect(classifier.classify(new Error(message)).disposition).toBe('transient');
      },
    );

    it.each(['Rate limit exceeded', 'rate_limit_exceeded: slow down'])(
      'classifies the message "%s" as a transient rate limit',
      (message) => {
        expect(classifier.classify(new Error(message))).toMatchObject({ disposition: 'transient', category: 'rate_limit' });
      },
    );
  });
});

describe('ErrorClassifier: transient failures with the default options', () => {
  it('recognises them by what they are, not only because unknown errors default to transient', () => {
    const defaults = new ErrorClassifier();
    expect(defaults.classify(withCode('ECONNRESET'))).toMatchObject({ disposition: 'transient', category: 'network', reason: 'code ECONNRESET' });
    expect(defaults.classify(withStatus(503))).toMatchObject({ disposition: 'transient', category: 'unavailable', reason: 'HTTP 503' });
    expect(defaults.classify(new TypeError('fetch failed'))).toMatchObject({ disposition: 'transient', category: 'network' });
  });
});
