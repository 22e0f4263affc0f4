import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorClassifier } from '../../src/index.js';

const classifier = new ErrorClassifier();

function withStatus(status: number): Error {
  return Object.assign(new Error(`Request failed with status ${status}`), { status });
}

/** Runs `fn` and returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the function to throw');
}

describe('ErrorClassifier: permanent failures', () => {
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
  ])('classifies HTTP %i as permanent (%s)', (status, category) => {
    expect(classifier.classify(withStatus(status))).toMatchObject({ disposition: 'permanent', category });
  });

  it('classifies the message "Invalid API key" as a permanent auth failure', () => {
    expect(classifier.classify(new Error('Invalid API key provided'))).toMatchObject({ disposition: 'permanent', category: 'auth' });
  });

  it('classifies "invalid api key" as permanent, not as a repairable invalid argument', () => {
    expect(classifier.classify(new Error('invalid api key')).disposition).toBe('permanent');
  });

  it('classifies the message "context length exceeded" as permanent', () => {
    expect(classifier.classify(new Error('This model\'s maximum context length exceeded')).disposition).toBe('permanent');
    expect(classifier.classify(new Error('context length exceeded'))).toMatchObject({ disposition: 'permanent', category: 'context_length' });
  });
});

describe('ErrorClassifier: recoverable failures', () => {
  it('classifies the SyntaxError thrown by JSON.parse on bad JSON as recoverable', () => {
    const error = thrownBy(() => JSON.parse('{bad'));
    expect(error).toBeInstanceOf(SyntaxError);
    expect(classifier.classify(error).disposition).toBe('recoverable');
  });

  it.each([400, 422])('classifies HTTP %i as recoverable', (status) => {
    expect(classifier.classify(withStatus(status)).disposition).toBe('recoverable');
  });

  it('classifies a real ZodError (z.string().parse(1)) as recoverable', () => {
    const error = thrownBy(() => z.string().parse(1));
    expect(error).toBeInstanceOf(z.ZodError);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'recoverable', category: 'invalid_arguments' });
  });

  it('classifies a ZodError from a custom refinement (no "invalid" in its message) as recoverable', () => {
    const schema = z.object({ city: z.string().refine(() => false, 'must be a known city') });
    const error = thrownBy(() => schema.parse({ city: 'Atlantis' }));
    expect((error as Error).message).not.toMatch(/invalid/i);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'recoverable', category: 'invalid_arguments' });
  });

  it('classifies an error named ValidationError as recoverable', () => {
    class ValidationError extends Error {
      override name = 'ValidationError';
    }
    expect(classifier.classify(new ValidationError('age must be positive')).disposition).toBe('recoverable');
  });

  it.each(['Invalid date format', 'invalid parameter: limit', 'Invalid argument "from"'])(
    'classifies the message "%s" as recoverable invalid arguments',
    (message) => {
      expect(classifier.classify(new Error(message))).toMatchObject({ disposition: 'recoverable', category: 'invalid_arguments' });
    },
  );

  it('classifies a TypeError raised by the called code (null.x) as a recoverable type mismatch', () => {
    const error = thrownBy(() => (null as unknown as { x: number }).x);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('Cannot read properties of null');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'recoverable', category: 'type_mismatch' });
  });

  it('classifies "x is not a function" as a recoverable type mismatch', () => {
    const error = thrownBy(() => (({}) as { run: () => void }).run());
    expect(classifier.classify(error)).toMatchObject({ disposition: 'recoverable', category: 'type_mismatch' });
  });

  it('classifies a TypeError reading a property named "timeout" of undefined as a type mismatch, not a timeout', () => {
    const error = thrownBy(() => (undefined as unknown as { timeout: number }).timeout);
    expect((error as Error).message).toContain("reading 'timeout'");
    expect(classifier.classify(error)).toMatchObject({ disposition: 'recoverable', category: 'type_mismatch' });
  });

  it('still classifies TypeError("fetch failed") as transient, not as a type mismatch', () => {
    expect(classifier.classify(new TypeError('fetch failed')).disposition).toBe('transient');
  });
});
