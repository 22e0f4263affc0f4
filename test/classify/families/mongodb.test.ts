/**
 * MongoDB errors through the real `mongodb` driver, against test/helpers/mongo-wire-server.ts: a
 * MongoDB wire-protocol server on 127.0.0.1 (no mongod ships with Debian or npm) that answers the
 * driver's handshake as a replica-set primary and each command with the reply a mongod sends for
 * that failure. What is classified is what the driver threw.
 *
 * The driver retries a read or a write once by itself on a retryable error. Clients here turn
 * that off (`retryReads: false, retryWrites: false`), so each error is the one attempt's; the last
 * test keeps the defaults and counts the two attempts the server sees.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { MongoClient, type Collection, type MongoClientOptions } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorClassifier, HealingPipeline } from '../../../src/index.js';
import { MongoWireServer, mongoReply, type MongoReply } from '../../helpers/mongo-wire-server.js';
import { freePort, waitFor } from '../../redis/redis-server.js';
import { thrown } from './thrown.js';

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
type Users = Collection<{ email: string; credits?: number }>;

/** What the classifier says, the same whatever `unknownDisposition` is (a family's verdict is real). */
function verdict(error: unknown) {
  const { disposition, category, notProcessed } = classifier.classify(error);
  expect(strict.classify(error)).toMatchObject({ disposition, category });
  return { disposition, category, notProcessed };
}

/** What the driver threw: its class name, the server's code and the labels (less `ResetPool`, the driver's note to itself to clear its pool). */
function identity(error: unknown) {
  const { name, code, errorLabels } = error as { name: string; code?: number; errorLabels: string[] };
  return { name, code, labels: [...errorLabels].filter((label) => label !== 'ResetPool').sort() };
}

describe('MongoDB errors through the real mongodb driver, classified', { timeout: 10_000 }, () => {
  let server: MongoWireServer;
  const clients: MongoClient[] = [];

  beforeEach(async () => {
    server = await MongoWireServer.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await server.close();
  });

  /** The driver's retries off; a quick re-check of a server it marked unknown (real time, ms). */
  function connect(options: MongoClientOptions = {}, uri = server.uri): MongoClient {
    const client = new MongoClient(uri, { retryReads: false, retryWrites: false, serverSelectionTimeoutMS: 2_000, minHeartbeatFrequencyMS: 10, ...options });
    clients.push(client);
    return client;
  }
  const users = (client = connect()): Users => client.db('shop').collection('users');
  const findAda = (collection: Users) => collection.findOne({ email: 'ada@example.com' });
  const insertAda = (collection: Users) => collection.insertOne({ email: 'ada@example.com' });

  type Case = [failure: string, command: string, reply: MongoReply, run: (collection: Users) => Promise<unknown>,
    thrownAs: ReturnType<typeof identity>, expected: ReturnType<typeof verdict>];
  const dupKey = 'E11000 duplicate key error collection: shop.users index: email_1 dup key: { email: "ada@example.com" }';
  it.each<Case>([
    ['NotWritablePrimary 10107 on an insert', 'insert', mongoReply.commandError(10107, 'NotWritablePrimary', 'not primary', ['RetryableWriteError']), insertAda,
      { name: 'MongoServerError', code: 10107, labels: ['RetryableWriteError'] }, { disposition: 'transient', category: 'unavailable', notProcessed: undefined }],
    ['ShutdownInProgress 91 on a find', 'find', mongoReply.commandError(91, 'ShutdownInProgress', 'The server is in quiesce mode and will shut down'), findAda,
      { name: 'MongoServerError', code: 91, labels: [] }, { disposition: 'transient', category: 'unavailable', notProcessed: undefined }],
    ['PrimarySteppedDown 189 on an update', 'update', mongoReply.commandError(189, 'PrimarySteppedDown', 'primary stepped down while waiting for replication', ['RetryableWriteError']),
      (collection) => collection.updateOne({ email: 'ada@example.com' }, { $inc: { credits: 1 } }),
      { name: 'MongoServerError', code: 189, labels: ['RetryableWriteError'] }, { disposition: 'transient', category: 'unavailable', notProcessed: undefined }],
    ['InterruptedDueToReplStateChange 11602 on a find', 'find', mongoReply.commandError(11602, 'InterruptedDueToReplStateChange', 'operation was interrupted'), findAda,
      { name: 'MongoServerError', code: 11602, labels: [] }, { disposition: 'transient', category: 'unavailable', notProcessed: undefined }],
    ['NotPrimaryNoSecondaryOk 13435 on a find', 'find', mongoReply.commandError(13435, 'NotPrimaryNoSecondaryOk', 'not primary and secondaryOk=false'), findAda,
      { name: 'MongoServerError', code: 13435, labels: [] }, { disposition: 'transient', category: 'unavailable', notProcessed: undefined }],
    ['ShutdownInProgress with NoWritesPerformed', 'insert', mongoReply.commandError(91, 'ShutdownInProgress', 'The server is in quiesce mode and will shut down', ['RetryableWriteError', 'NoWritesPerformed']), insertAda,
      { name: 'MongoServerError', code: 91, labels: ['NoWritesPerformed', 'RetryableWriteError'] }, { disposition: 'transient', category: 'unavailable', notProcessed: true }],
    ['WriteConflict 112 on an update', 'update', mongoReply.commandError(112, 'WriteConflict', 'Write conflict during plan execution and yielding is disabled.'),
      (collection) => collection.updateOne({ email: 'ada@example.com' }, { $inc: { credits: 1 } }),
      { name: 'MongoServerError', code: 112, labels: [] }, { disposition: 'transient', category: 'write_conflict', notProcessed: true }],
    ['MaxTimeMSExpired 50 on a find with maxTimeMS', 'find', mongoReply.commandError(50, 'MaxTimeMSExpired', 'operation exceeded time limit'),
      (collection) => collection.findOne({}, { maxTimeMS: 5 }),
      { name: 'MongoServerError', code: 50, labels: [] }, { disposition: 'transient', category: 'timeout', notProcessed: undefined }],
    ['duplicate key 11000 on insertOne', 'insert', mongoReply.writeError(11000, dupKey, { keyPattern: { email: 1 }, keyValue: { email: 'ada@example.com' } }), insertAda,
      { name: 'MongoServerError', code: 11000, labels: [] }, { disposition: 'permanent', category: 'conflict', notProcessed: undefined }],
    ['duplicate key 11000 on insertMany', 'insert', mongoReply.writeError(11000, dupKey, { keyPattern: { email: 1 }, keyValue: { email: 'ada@example.com' } }),
      (collection) => collection.insertMany([{ email: 'ada@example.com' }, { email: 'bob@example.com' }]),
      { name: 'MongoBulkWriteError', code: 11000, labels: [] }, { disposition: 'permanent', category: 'conflict', notProcessed: undefined }],
    ['Unauthorized 13 on a find', 'find', mongoReply.commandError(13, 'Unauthorized', 'not authorized on shop to execute command { find: "users" }'), findAda,
      { name: 'MongoServerError', code: 13, labels: [] }, { disposition: 'permanent', category: 'auth', notProcessed: undefined }],
    ['NamespaceNotFound 26 on an aggregate', 'aggregate', mongoReply.commandError(26, 'NamespaceNotFound', 'ns does not exist: shop.users'),
      (collection) => collection.aggregate([{ $match: {} }]).toArray(),
      { name: 'MongoServerError', code: 26, labels: [] }, { disposition: 'permanent', category: 'not_found', notProcessed: undefined }],
    ['BadValue 2 on a find', 'find', mongoReply.commandError(2, 'BadValue', '$in needs an array'), findAda,
      { name: 'MongoServerError', code: 2, labels: [] }, { disposition: 'recoverable', category: 'invalid_request', notProcessed: undefined }],
    ['TypeMismatch 14 on an update', 'update', mongoReply.commandError(14, 'TypeMismatch', "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'credits' of non-numeric type string"),
      (collection) => collection.updateOne({ email: 'ada@example.com' }, { $inc: { credits: 1 } }),
      { name: 'MongoServerError', code: 14, labels: [] }, { disposition: 'recoverable', category: 'invalid_request', notProcessed: undefined }],
    ['DocumentValidationFailure 121 on an insert', 'insert', mongoReply.writeError(121, 'Document failed validation', { errInfo: { failingDocumentId: 1, details: { operatorName: '$jsonSchema' } } }), insertAda,
      { name: 'MongoServerError', code: 121, labels: [] }, { disposition: 'recoverable', category: 'invalid_request', notProcessed: undefined }],
    // A code the family does not list: the server's labels decide.
    ['an unlisted code labelled SystemOverloadedError', 'find', mongoReply.commandError(999_002, 'SomethingElse', 'refused for now', ['SystemOverloadedError', 'RetryableError']), findAda,
      { name: 'MongoServerError', code: 999_002, labels: ['RetryableError', 'SystemOverloadedError'] }, { disposition: 'transient', category: 'rate_limit', notProcessed: undefined }],
    ['an unlisted code labelled RetryableError', 'find', mongoReply.commandError(999_001, 'SomethingNew', 'try again', ['RetryableError']), findAda,
      { name: 'MongoServerError', code: 999_001, labels: ['RetryableError'] }, { disposition: 'transient', category: 'unavailable', notProcessed: undefined }],
    ['the socket closed mid-command (MongoNetworkError)', 'find', mongoReply.closeSocket(), findAda,
      { name: 'MongoNetworkError', code: undefined, labels: [] }, { disposition: 'transient', category: 'network', notProcessed: undefined }],
  ])('%s', async (_, command, reply, run, thrownAs, expected) => {
    server.script(command, reply);
    const error = await thrown(() => run(users()));
    expect(identity(error)).toEqual(thrownAs);
    expect(verdict(error)).toEqual(expected);
    expect(server.count(command)).toBe(1);
  });

  it('AuthenticationFailed 18 in the handshake (a wrong password) is permanent auth', async () => {
    server.script('saslStart', mongoReply.commandError(18, 'AuthenticationFailed', 'Authentication failed.'));
    const error = await thrown(() => findAda(users(connect({}, `mongodb://ada:wrong@127.0.0.1:${server.port}/?directConnection=true`))));
    expect(identity(error)).toEqual({ name: 'MongoServerError', code: 18, labels: ['HandshakeError'] });
    expect(verdict(error)).toEqual({ disposition: 'permanent', category: 'auth', notProcessed: undefined });
    // The MongoDB code decides, not the words "Authentication failed" (a generic rule reads those too).
    expect(classifier.classify(error).reason).toBe('MongoDB code 18 (AuthenticationFailed)');
    expect(server.count('find')).toBe(0);
  });

  it('TransientTransactionError, sent by the server or added by the driver, is transient write_conflict and aborted', async () => {
    const client = connect();
    const inTransaction = async () => {
      const session = client.startSession();
      session.startTransaction();
      try {
        return await thrown(() => users(client).insertOne({ email: 'ada@example.com' }, { session }));
      } finally {
        await session.abortTransaction();
        await session.endSession();
      }
    };
    server.script('insert', mongoReply.commandError(112, 'WriteConflict', 'Caused by :: Write conflict during plan execution', ['TransientTransactionError']), mongoReply.closeSocket());
    const sent = await inTransaction();
    expect(identity(sent)).toEqual({ name: 'MongoServerError', code: 112, labels: ['TransientTransactionError'] });
    expect(verdict(sent)).toEqual({ disposition: 'transient', category: 'write_conflict', notProcessed: true });
    const added = await inTransaction(); // the socket closed: the driver labels the error itself
    expect(identity(added)).toEqual({ name: 'MongoNetworkError', code: undefined, labels: ['TransientTransactionError'] });
    expect(verdict(added)).toEqual({ disposition: 'transient', category: 'write_conflict', notProcessed: true });
  });

  it('a commit that fails with ShutdownInProgress gets the driver\'s UnknownTransactionCommitResult label: transient unavailable, maybe committed', async () => {
    const client = connect();
    const session = client.startSession();
    server.script('insert', mongoReply.ok({ n: 1 }));
    const shuttingDown = mongoReply.commandError(91, 'ShutdownInProgress', 'The server is in quiesce mode and will shut down', ['RetryableWriteError']);
    server.script('commitTransaction', shuttingDown, shuttingDown); // the driver retries a commit once, even with retryWrites: false
    session.startTransaction();
    await users(client).insertOne({ email: 'ada@example.com' }, { session });
    const error = await thrown(() => session.commitTransaction());
    await session.endSession();
    expect(identity(error)).toEqual({ name: 'MongoServerError', code: 91, labels: ['RetryableWriteError', 'UnknownTransactionCommitResult'] });
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: undefined });
    expect(server.count('commitTransaction')).toBe(2);
  });

  it('a commit whose write concern times out carries only the UnknownTransactionCommitResult label: transient unavailable, maybe committed', async () => {
    const client = connect();
    const session = client.startSession();
    server.script('insert', mongoReply.ok({ n: 1 }));
    server.script('commitTransaction', mongoReply.writeConcernError(64, 'WriteConcernFailed', 'waiting for replication timed out', { errInfo: { wtimeout: true } }));
    session.startTransaction();
    await users(client).insertOne({ email: 'ada@example.com' }, { session });
    const error = await thrown(() => session.commitTransaction());
    await session.endSession();
    expect(identity(error)).toEqual({ name: 'MongoWriteConcernError', code: 64, labels: ['UnknownTransactionCommitResult'] });
    expect(classifier.classify(error).reason).toBe('MongoDB UnknownTransactionCommitResult'); // the label decides, not the wording
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: undefined });
  });

  it('nobody listening: MongoServerSelectionError is transient unavailable and never sent', async () => {
    const nobody = `mongodb://127.0.0.1:${await freePort()}/?directConnection=true`;
    const error = await thrown(() => findAda(users(connect({ serverSelectionTimeoutMS: 150 }, nobody))));
    expect(identity(error)).toEqual({ name: 'MongoServerSelectionError', code: undefined, labels: [] });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
  });

  it('a server whose certificate the client does not trust: MongoServerSelectionError, but permanent tls, never sent', async () => {
    const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
    const secure = createTlsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (socket) => socket.destroy());
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    try {
      const uri = `mongodb://127.0.0.1:${(secure.address() as AddressInfo).port}/?tls=true&directConnection=true`;
      const error = await thrown(() => findAda(users(connect({ serverSelectionTimeoutMS: 300 }, uri))));
      expect(identity(error)).toEqual({ name: 'MongoServerSelectionError', code: undefined, labels: [] });
      expect((error as Error).message).toMatch(/self[- ]signed certificate/);
      // Each attempt would wait out serverSelectionTimeoutMS and meet the same certificate.
      expect(verdict(error)).toEqual({ disposition: 'permanent', category: 'tls', notProcessed: true });
      expect(classifier.classify(error).reason).toBe('MongoServerSelectionError: code DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await new Promise((resolve) => secure.close(resolve));
    }
  });

  it('no pooled connection in time: MongoWaitQueueTimeoutError is transient timeout and never sent', async () => {
    const collection = users(connect({ maxPoolSize: 1, waitQueueTimeoutMS: 100 }));
    server.script('find', mongoReply.hang());
    void findAda(collection).catch(() => {}); // holds the only connection until the client closes
    await waitFor('the first find to reach the server', () => server.count('find') === 1);
    const error = await thrown(() => findAda(collection));
    expect(identity(error)).toEqual({ name: 'MongoWaitQueueTimeoutError', code: undefined, labels: [] });
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'timeout', notProcessed: true });
    expect(server.count('find')).toBe(1);
  });

  it('no reply within socketTimeoutMS: MongoNetworkTimeoutError is transient timeout, maybe processed', async () => {
    server.script('find', mongoReply.hang());
    const error = await thrown(() => findAda(users(connect({ socketTimeoutMS: 100 }))));
    expect(identity(error)).toEqual({ name: 'MongoNetworkTimeoutError', code: undefined, labels: [] });
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'timeout', notProcessed: undefined });
  });

  it('a handshake that times out (beforeHandshake) is transient timeout and never sent', async () => {
    const collection = users(connect({ connectTimeoutMS: 100 }));
    server.script('find', mongoReply.hang());
    void findAda(collection).catch(() => {}); // keeps the pooled connection busy until the client closes
    await waitFor('the first find to reach the server', () => server.count('find') === 1);
    server.hangNewHandshakes();
    const error = await thrown(() => findAda(collection)); // needs a new connection, whose handshake hangs
    // Driver 7 reads a connection that times out in its handshake as an overloaded server.
    expect(identity(error)).toEqual({ name: 'MongoNetworkTimeoutError', code: undefined, labels: ['HandshakeError', 'RetryableError', 'SystemOverloadedError'] });
    expect((error as { beforeHandshake?: boolean }).beforeHandshake).toBe(true);
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'timeout', notProcessed: true });
    expect(server.count('find')).toBe(1);
  });

  it('a client closed under a running command or a pending server selection is permanent client_closed', async () => {
    const client = connect();
    server.script('find', mongoReply.hang());
    const running = thrown(() => findAda(users(client)));
    await waitFor('the find to reach the server', () => server.count('find') === 1);
    await client.close();
    const interrupted = await running;
    expect(identity(interrupted)).toEqual({ name: 'MongoClientClosedError', code: undefined, labels: [] });
    expect(verdict(interrupted)).toEqual({ disposition: 'permanent', category: 'client_closed', notProcessed: undefined });

    const selecting = connect();
    const pending = thrown(() => findAda(users(selecting)));
    await selecting.close(); // before any server was selected
    const closed = await pending;
    expect(identity(closed)).toEqual({ name: 'MongoTopologyClosedError', code: undefined, labels: [] });
    expect(verdict(closed)).toEqual({ disposition: 'permanent', category: 'client_closed', notProcessed: undefined });
  });

  it("with the driver's defaults it retries once itself: the server sees two attempts, and the error after them classifies the same", async () => {
    const notPrimary = mongoReply.commandError(10107, 'NotWritablePrimary', 'not primary', ['RetryableWriteError']);
    server.script('insert', notPrimary, notPrimary);
    server.script('find', mongoReply.commandError(91, 'ShutdownInProgress', 'quiesce'), mongoReply.commandError(91, 'ShutdownInProgress', 'quiesce'));
    const collection = users(connect({ retryReads: true, retryWrites: true }));
    expect(verdict(await thrown(() => insertAda(collection)))).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: undefined });
    expect(verdict(await thrown(() => findAda(collection)))).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: undefined });
    expect([server.count('insert'), server.count('find')]).toEqual([2, 2]);
  });

  it('in the pipeline, a stepped-down primary is retried (even with unknownDisposition permanent) and a duplicate key is not (even by default)', async () => {
    const pipeline = new HealingPipeline({ classifier: strict, retry: { maxAttempts: 3, minDelayMs: 0 } });
    const collection = users();
    server.script('insert', mongoReply.commandError(10107, 'NotWritablePrimary', 'not primary', ['RetryableWriteError']), mongoReply.ok({ n: 1 }));
    const healed = await pipeline.execute(() => insertAda(collection), {});
    expect(healed.status).toBe('ok');
    expect(server.count('insert')).toBe(2);

    server.script('insert', mongoReply.writeError(11000, dupKey));
    const byDefault = new HealingPipeline({ retry: { maxAttempts: 3, minDelayMs: 0 } }); // unknown errors would be retried here
    const duplicate = await byDefault.execute(() => insertAda(collection), {});
    expect(duplicate.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    expect(server.count('insert')).toBe(3);
  });
});
