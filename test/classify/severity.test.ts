import { describe, expect, it } from 'vitest';
import { CircuitOpenError, ErrorClassifier } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';

function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status });
}

function codeError(code: string | number, message = `failed (${code})`): Error {
  return Object.assign(new Error(message), { code });
}

describe('severity: the defaults by category', () => {
  const classifier = new ErrorClassifier();
  const cases: Array<[string, unknown, string, string]> = [
    ['a caller abort', new DOMException('This operation was aborted', 'AbortError'), 'aborted', 'low'],
    ['HTTP 429', httpError(429), 'rate_limit', 'low'],
    ['ECONNRESET', codeError('ECONNRESET'), 'network', 'low'],
    ['an open circuit', CircuitOpenError.create('payments', 1_000), 'circuit_open', 'low'],
    ['ETIMEDOUT', codeError('ETIMEDOUT'), 'timeout', 'medium'],
    ['HTTP 500', httpError(500), 'server_error', 'medium'],
    ['HTTP 503', httpError(503), 'unavailable', 'medium'],
    ['HTTP 422', httpError(422), 'invalid_request', 'medium'],
    ['HTTP 404', httpError(404), 'not_found', 'medium'],
    ['HTTP 401', httpError(401), 'auth', 'high'],
    ['HTTP 402', httpError(402), 'quota', 'high'],
    ['a context-length 400', httpError(400, "This model's maximum context length is 8192 tokens"), 'context_length', 'high'],
    ['a postgres syntax error', Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601', severity: 'ERROR', routine: 'scanner_yyerror' }), 'invalid_query', 'high'],
    ['an error nothing recognises', new Error('something odd happened'), 'unknown', 'medium'],
  ];

  it.each(cases)('%s: %s is %s', (_label, error, category, severity) => {
    expect(classifier.classify(error)).toMatchObject({ category, severity });
  });

  it('keeps the severity when a cause decided the verdict', () => {
    const wrapped = new Error('Failed after 2 attempts', { cause: httpError(401) });
    expect(classifier.classify(wrapped)).toMatchObject({ category: 'auth', severity: 'high', reason: 'cause: HTTP 401' });
  });

  it('answers severityOf(category) from the same table, medium for a category it does not know', () => {
    expect(classifier.severityOf('auth')).toBe('high');
    expect(classifier.severityOf('data_loss')).toBe('critical');
    expect(classifier.severityOf('billing-v2')).toBe('medium');
    expect(classifier.severityOf('constructor')).toBe('medium'); // no prototype key is a category
  });
});

describe('severity: rules and the severity option', () => {
  it('lets a rule set the severity of its verdicts', () => {
    const classifier = new ErrorClassifier({
      rules: [{ match: /ledger mismatch/i, disposition: 'permanent', category: 'ledger', severity: 'critical' }],
    });
    expect(classifier.classify(new Error('Ledger mismatch on account 42'))).toMatchObject({
      disposition: 'permanent', category: 'ledger', severity: 'critical', reason: 'rule #1',
    });
  });

  it('gives a rule without a severity its category\'s (medium for a category of its own)', () => {
    const classifier = new ErrorClassifier()
      .addRule({ match: /card expired/i, disposition: 'permanent', category: 'auth' })
      .addRule({ match: /tenant paused/i, disposition: 'permanent', category: 'tenant_paused' });
    expect(classifier.classify(new Error('card expired')).severity).toBe('high');
    expect(classifier.classify(new Error('tenant paused')).severity).toBe('medium');
  });

  it('overrides the defaults by category with the severity option, for built-in rules and user rules alike', () => {
    const classifier = new ErrorClassifier({
      severity: { auth: 'critical', rate_limit: 'medium', payment: 'high' },
      rules: [{ match: /card declined/i, disposition: 'permanent', category: 'payment' }],
    });
    expect(classifier.classify(httpError(401)).severity).toBe('critical');
    expect(classifier.classify(httpError(429)).severity).toBe('medium');
    expect(classifier.classify(new Error('card declined')).severity).toBe('high');
    expect(classifier.classify(httpError(503)).severity).toBe('medium'); // untouched categories keep theirs
    expect(classifier.severityOf('auth')).toBe('critical');
    // A rule's own severity wins over the option.
    classifier.addRule({ match: /sandbox key/i, disposition: 'permanent', category: 'auth', severity: 'low' });
    expect(classifier.classify(new Error('sandbox key rejected')).severity).toBe('low');
  });

  it('refuses a severity that is not one of the four, naming where', () => {
    const inOption = configError(() => new ErrorClassifier({ severity: { auth: 'urgent' as never } }));
    expect(inOption.message).toMatch(/severity\.auth/);
    expect(inOption.message).toMatch(/low|medium|high|critical/);
    const inRule = configError(() => new ErrorClassifier().addRule({ match: /x/, disposition: 'permanent', severity: 'sev1' as never }));
    expect(inRule.message).toMatch(/severity/);
  });
});
