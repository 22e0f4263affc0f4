/**
 * The infrastructure families read fields that a thrown value may fake or booby-trap: getters
 * that throw, hostile arrays, inherited keys. Classification must still never throw, and a field
 * that merely looks like a client's must not be read as that client's verdict.
 */
import { describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';
import { CLIENT_FAMILIES } from '../../../src/classify/families/index.js';
import { readErrorFacts } from '../../../src/classify/error-facts.js';

const classifier = new ErrorClassifier();
const trap = (): never => { throw new Error('trap'); };

describe('infrastructure families on hostile or look-alike values', () => {
  it.each([
    ['AWS $metadata whose getters throw', { get $metadata() { return trap(); }, $fault: 'client', get name() { return trap(); } }],
    ['AWS CancellationReasons that throw on index', Object.assign(new Error('x'), { $fault: 'client', $metadata: {}, name: 'TransactionCanceledException', CancellationReasons: new Proxy([1, 2], { get: trap }) })],
    ['gRPC details that throw', { code: 14, get details() { return trap(); }, metadata: {} }],
    ['Mongo errorLabels that throw', { name: 'MongoServerError', get errorLabels() { return trap(); }, code: 11000 }],
    ['Mongo errorLabels as a hostile array', { name: 'MongoServerError', errorLabels: new Proxy(['TransientTransactionError'], { get: trap }) }],
    ['pg severity that throws', { code: '40001', get severity() { return trap(); } }],
    ['mysql errno that throws', { code: 'ER_DUP_ENTRY', get errno() { return trap(); }, sqlState: '23000' }],
  ])('%s: never throws, every family', (_, value) => {
    const facts = readErrorFacts(value);
    for (const family of CLIENT_FAMILIES) expect(() => family.classify(value, facts)).not.toThrow();
    expect(() => classifier.classify(value)).not.toThrow();
  });

  it('inherited keys are no codes: Object prototype names do not match a table', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(classifier.classify({ name: key, $fault: 'client', $metadata: {} }).reason).not.toMatch(/^AWS/);
      expect(classifier.classify(Object.assign(new Error('x'), { code: key, clientVersion: '7' })).reason).not.toMatch(/^Prisma/);
    }
  });

  it("Node's system errors (a negative errno, a string code) are not read as MySQL or gRPC", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { errno: -111, code: 'ECONNREFUSED', syscall: 'connect' });
    expect(classifier.classify(refused)).toMatchObject({ disposition: 'transient', category: 'network', reason: 'code ECONNREFUSED' });
  });

  it('an HTTP-like numeric status is not a gRPC code, and a gRPC code 0-16 without details or metadata is not gRPC', () => {
    expect(classifier.classify({ code: 14, message: 'fourteen' }).category).toBe('unknown');
    expect(classifier.classify({ code: 404, details: 'x', metadata: {} }).reason).not.toMatch(/^gRPC/);
  });
});
