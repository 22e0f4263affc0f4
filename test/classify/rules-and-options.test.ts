import { describe, expect, it, vi } from 'vitest';
import { ErrorClassifier, HealingConfigError, type ClassificationRule } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';

class QuotaExceededError extends Error {}
class HardQuotaExceededError extends QuotaExceededError {}

function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status });
}

describe('ErrorClassifier: unknown errors', () => {
  it('classifies an error nothing recognises as transient by default', () => {
    expect(new ErrorClassifier().classify(new Error('something odd happened'))).toMatchObject({
      disposition: 'transient', category: 'unknown',
    });
  });

  it('classifies unknown errors with unknownDisposition when given', () => {
    const classifier = new ErrorClassifier({ unknownDisposition: 'permanent' });
    expect(classifier.classify(new Error('something odd happened')).disposition).toBe('permanent');
  });

  it('does not let unknownDisposition change errors the defaults recognise', () => {
    const classifier = new ErrorClassifier({ unknownDisposition: 'permanent' });
    expect(classifier.classify(httpError(503)).disposition).toBe('transient');
  });
});

describe('ErrorClassifier: user rules', () => {
  it('matches an error class with instanceof', () => {
    const classifier = new ErrorClassifier({ rules: [{ match: QuotaExceededError, disposition: 'permanent', category: 'quota' }] });
    expect(classifier.classify(new QuotaExceededError('monthly quota used up'))).toMatchObject({ disposition: 'permanent', category: 'quota' });
    expect(classifier.classify(new Error('monthly quota used up')).disposition).toBe('transient');
  });

  it('matches subclasses of a rule error class', () => {
    const classifier = new ErrorClassifier({ rules: [{ match: QuotaExceededError, disposition: 'permanent' }] });
    expect(classifier.classify(new HardQuotaExceededError('hard limit')).disposition).toBe('permanent');
  });

  it('matches a RegExp against the message', () => {
    const classifier = new ErrorClassifier().addRule({ match: /quota exceeded/i, disposition: 'permanent', category: 'quota' });
    expect(classifier.classify(new Error('Quota Exceeded for project 7'))).toMatchObject({ disposition: 'permanent', category: 'quota' });
  });

  it('matches a RegExp against a thrown string', () => {
    const classifier = new ErrorClassifier().addRule({ match: /^E_BUSY/, disposition: 'transient', category: 'busy' });
    expect(classifier.classify('E_BUSY: device busy')).toMatchObject({ disposition: 'transient', category: 'busy' });
  });

  it('matches a predicate over the thrown value', () => {
    const classifier = new ErrorClassifier().addRule({
      match: (error) => (error as { code?: unknown }).code === 'E_QUOTA',
      disposition: 'permanent',
    });
    expect(classifier.classify(Object.assign(new Error('x'), { code: 'E_QUOTA' })).disposition).toBe('permanent');
    expect(classifier.classify(Object.assign(new Error('x'), { code: 'E_OTHER' })).disposition).toBe('transient');
  });

  it('labels a rule match with the category "custom" when the rule gives none', () => {
    const classifier = new ErrorClassifier().addRule({ match: /boom/, disposition: 'permanent' });
    expect(classifier.classify(new Error('boom')).category).toBe('custom');
  });

  it('lets user rules win over the defaults', () => {
    const classifier = new ErrorClassifier({ rules: [{ match: (error) => (error as { status?: number }).status === 503, disposition: 'permanent', category: 'maintenance' }] });
    expect(classifier.classify(httpError(503))).toMatchObject({ disposition: 'permanent', category: 'maintenance' });
  });

  it('lets a user rule override the fetch-failed default', () => {
    const classifier = new ErrorClassifier().addRule({ match: TypeError, disposition: 'permanent' });
    expect(classifier.classify(new TypeError('fetch failed')).disposition).toBe('permanent');
  });

  it('applies the first matching rule, in order (constructor rules, then added rules)', () => {
    const classifier = new ErrorClassifier({ rules: [{ match: /quota/, disposition: 'permanent', category: 'first' }] })
      .addRule({ match: /quota/, disposition: 'recoverable', category: 'second' })
      .addRule({ match: /limit/, disposition: 'recoverable', category: 'third' });
    expect(classifier.classify(new Error('quota limit')).category).toBe('first');
    expect(classifier.classify(new Error('rate limit')).category).toBe('third');
  });

  it('keeps classifying when a predicate throws, as if the rule did not match', () => {
    const classifier = new ErrorClassifier()
      .addRule({ match: () => { throw new Error('broken predicate'); }, disposition: 'permanent', category: 'broken' })
      .addRule({ match: /boom/, disposition: 'recoverable', category: 'next' });
    expect(() => classifier.classify(new Error('boom'))).not.toThrow();
    expect(classifier.classify(new Error('boom')).category).toBe('next');
    expect(classifier.classify(httpError(503)).disposition).toBe('transient');
  });

  it('calls a predicate with the thrown value itself', () => {
    const predicate = vi.fn(() => false);
    const thrown = { weird: true };
    new ErrorClassifier().addRule({ match: predicate, disposition: 'permanent' }).classify(thrown);
    expect(predicate).toHaveBeenCalledWith(thrown);
  });

  it('matches a global RegExp consistently on repeated calls', () => {
    const classifier = new ErrorClassifier().addRule({ match: /quota/g, disposition: 'permanent', category: 'quota' });
    const results = Array.from({ length: 5 }, () => classifier.classify(new Error('quota exceeded')).category);
    expect(results).toEqual(['quota', 'quota', 'quota', 'quota', 'quota']);
  });

  it('matches a sticky RegExp consistently on repeated calls', () => {
    const classifier = new ErrorClassifier().addRule({ match: /quota/y, disposition: 'permanent', category: 'quota' });
    expect([1, 2, 3].map(() => classifier.classify(new Error('quota')).category)).toEqual(['quota', 'quota', 'quota']);
  });

  it('does not share rules between classifiers', () => {
    const a = new ErrorClassifier().addRule({ match: /boom/, disposition: 'permanent' });
    const b = new ErrorClassifier();
    expect(a.classify(new Error('boom')).disposition).toBe('permanent');
    expect(b.classify(new Error('boom')).disposition).toBe('transient');
  });

  it('is not changed when the rules array given to the constructor is mutated later', () => {
    const rules: ClassificationRule[] = [];
    const classifier = new ErrorClassifier({ rules });
    rules.push({ match: /boom/, disposition: 'permanent' });
    expect(classifier.classify(new Error('boom')).disposition).toBe('transient');
  });
});

describe('ErrorClassifier: invalid options and rules', () => {
  it('rejects a rule whose disposition is not one of the three, naming the field', () => {
    const error = configError(() => new ErrorClassifier().addRule({ match: /x/, disposition: 'maybe' as never }));
    expect(error.option).toMatch(/disposition$/);
    expect(error.message).toContain(error.option);
  });

  it('rejects a rule whose match is a number, naming the field', () => {
    const error = configError(() => new ErrorClassifier({ rules: [{ match: 42 as never, disposition: 'transient' }] }));
    expect(error.option).toMatch(/rules\.0\.match$/);
  });

  it('rejects a rule with no match', () => {
    const error = configError(() => new ErrorClassifier().addRule({ disposition: 'permanent' } as never));
    expect(error.option).toMatch(/match$/);
  });

  it('rejects an unknown unknownDisposition, naming the option', () => {
    const error = configError(() => new ErrorClassifier({ unknownDisposition: 'ignore' as never }));
    expect(error.option).toMatch(/unknownDisposition$/);
  });

  it('rejects an unknown option key, naming it', () => {
    const error = configError(() => new ErrorClassifier({ rule: [] } as never));
    expect(error.option).toMatch(/rule$/);
  });

  it('rejects a now option that is not a function', () => {
    const error = configError(() => new ErrorClassifier({ now: 1_700_000_000_000 as never }));
    expect(error.option).toMatch(/now$/);
  });

  it('keeps working with its earlier rules after a rejected addRule', () => {
    const classifier = new ErrorClassifier().addRule({ match: /boom/, disposition: 'permanent' });
    configError(() => classifier.addRule({ match: /x/, disposition: 'maybe' as never }));
    expect(classifier.classify(new Error('boom')).disposition).toBe('permanent');
    expect(classifier.classify(new Error('x')).disposition).toBe('transient');
  });
});
