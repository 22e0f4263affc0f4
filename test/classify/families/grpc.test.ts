/**
 * gRPC status codes through a real @grpc/grpc-js client and server on 127.0.0.1 (a free port):
 * the server answers each call with the status named in the request, the client's caller
 * cancels one call, and one call goes to a port nobody listens on.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';
import { freePort } from '../../redis/redis-server.js';

const identity = (value: Buffer) => value;
/** One unary method whose messages are raw bytes: no .proto file needed. */
const service: grpc.ServiceDefinition = {
  fail: {
    path: '/test.Failures/Fail', requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
};
const FailuresClient = grpc.makeGenericClientConstructor(service, 'Failures');
type FailuresClientType = InstanceType<typeof FailuresClient> & {
  fail(request: Buffer, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null) => void): grpc.ClientUnaryCall;
};

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
let server: grpc.Server;
let client: FailuresClientType;

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(service, {
    fail(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const request = call.request.toString();
      if (request === 'hang') return; // answered by the caller's cancel
      callback({ code: Number(request), details: `scripted status ${request}`, metadata: new grpc.Metadata() });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  client = new FailuresClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as FailuresClientType;
});
afterAll(() => {
  client?.close();
  server?.forceShutdown();
});

function call(target: FailuresClientType, request: string, onStart?: (pending: grpc.ClientUnaryCall) => void): Promise<grpc.ServiceError> {
  return new Promise((resolve, reject) => {
    const pending = target.fail(Buffer.from(request), { deadline: Date.now() + 5_000 }, (error) => (error ? resolve(error) : reject(new Error('expected a failure'))));
    onStart?.(pending);
  });
}

const S = grpc.status;
describe('gRPC status codes through @grpc/grpc-js', () => {
  it.each([
    ['UNAVAILABLE', S.UNAVAILABLE, 'transient', 'unavailable'],
    ['RESOURCE_EXHAUSTED', S.RESOURCE_EXHAUSTED, 'transient', 'rate_limit'],
    ['DEADLINE_EXCEEDED', S.DEADLINE_EXCEEDED, 'transient', 'timeout'],
    ['ABORTED', S.ABORTED, 'transient', 'write_conflict'],
    ['INVALID_ARGUMENT', S.INVALID_ARGUMENT, 'recoverable', 'invalid_request'],
    ['NOT_FOUND', S.NOT_FOUND, 'permanent', 'not_found'],
    ['ALREADY_EXISTS', S.ALREADY_EXISTS, 'permanent', 'conflict'],
    ['PERMISSION_DENIED', S.PERMISSION_DENIED, 'permanent', 'auth'],
    ['FAILED_PRECONDITION', S.FAILED_PRECONDITION, 'permanent', 'failed_precondition'],
    ['OUT_OF_RANGE', S.OUT_OF_RANGE, 'permanent', 'out_of_range'],
    ['UNIMPLEMENTED', S.UNIMPLEMENTED, 'permanent', 'unimplemented'],
    ['INTERNAL', S.INTERNAL, 'permanent', 'server_error'],
    ['DATA_LOSS', S.DATA_LOSS, 'permanent', 'data_loss'],
    ['UNAUTHENTICATED', S.UNAUTHENTICATED, 'permanent', 'auth'],
  ] as const)('%s (%i) is %s / %s', async (_, code, disposition, category) => {
    const error = await call(client, String(code));
    expect(error.code).toBe(code);
    expect(classifier.classify(error)).toMatchObject({ disposition, category });
    expect(classifier.classify(error).notProcessed).toBeUndefined();
    // Known verdicts do not depend on unknownDisposition.
    expect(strict.classify(error).disposition).toBe(disposition);
  });

  it("UNKNOWN says nothing more: it is left to unknownDisposition", async () => {
    const error = await call(client, String(S.UNKNOWN));
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'unknown' });
    expect(strict.classify(error)).toMatchObject({ disposition: 'permanent', category: 'unknown' });
  });

  it("the caller's cancel (CANCELLED) is the caller's abort: never retried", async () => {
    const error = await call(client, 'hang', (pending) => setTimeout(() => pending.cancel(), 20));
    expect(error.code).toBe(S.CANCELLED);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'aborted' });
  });

  it('a CANCELLED the caller did not ask for (the server shut down under the call) is transient: a restarted server answers', async () => {
    const stopping = new grpc.Server();
    let arrived: () => void = () => {};
    const arrival = new Promise<void>((resolve) => { arrived = resolve; });
    stopping.addService(service, { fail() { arrived(); } }); // never answers: the shutdown ends the call
    const port = await new Promise<number>((resolve, reject) =>
      stopping.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    const target = new FailuresClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as FailuresClientType;
    const failed = call(target, 'hang');
    await arrival;
    stopping.forceShutdown();
    const error = await failed;
    target.close();
    expect(error.code).toBe(S.CANCELLED);
    expect(error.details).not.toBe('Cancelled on client');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'unavailable' });
    expect(classifier.classify(error).reason).not.toContain(error.details); // a reason reaches logs unredacted: no server text in it
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it("a server whose certificate the client does not trust: UNAVAILABLE from grpc-js, but permanent tls, never sent", async () => {
    const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
    const secure = new grpc.Server();
    secure.addService(service, { fail(_call: unknown, callback: grpc.sendUnaryData<Buffer>) { callback(null, Buffer.from('ok')); } });
    const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: fixture('self-signed.key'), cert_chain: fixture('self-signed.crt') }], false);
    const port = await new Promise<number>((resolve, reject) => secure.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))));
    const target = new FailuresClient(`localhost:${port}`, grpc.credentials.createSsl()) as FailuresClientType;
    const error = await call(target, 'anything');
    target.close();
    secure.forceShutdown();
    expect(error.code).toBe(S.UNAVAILABLE);
    expect(error.details).toMatch(/self[- ]signed certificate/);
    expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'tls', notProcessed: true });
  });

  it('no server listening: UNAVAILABLE, never sent (notProcessed)', async () => {
    const nowhere = new FailuresClient(`127.0.0.1:${await freePort()}`, grpc.credentials.createInsecure()) as FailuresClientType;
    try {
      const error = await call(nowhere, String(S.OK));
      expect(error.code).toBe(S.UNAVAILABLE);
      expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'unavailable', notProcessed: true });
    } finally {
      nowhere.close();
    }
  });

  it('a message over the client\'s size limit (RESOURCE_EXHAUSTED from grpc-js itself) is permanent, not a rate limit', async () => {
    const port = (client.getChannel().getTarget().match(/:(\d+)$/) ?? [])[1];
    const small = new FailuresClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 8 }) as FailuresClientType;
    try {
      const error = await call(small, 'x'.repeat(64));
      expect(error.code).toBe(S.RESOURCE_EXHAUSTED);
      expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'payload_too_large' });
    } finally {
      small.close();
    }
  });

  it('a numeric code without gRPC\'s shape is not read as gRPC (an errno-like 14 stays unknown)', () => {
    expect(classifier.classify(Object.assign(new Error('boom'), { code: 14 }))).toMatchObject({ category: 'unknown' });
  });
});
