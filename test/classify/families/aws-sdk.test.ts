/**
 * AWS SDK v3 errors through the real @aws-sdk/client-dynamodb, its endpoint a node:http server on
 * 127.0.0.1 (a free port) that answers as DynamoDB does: the `x-amzn-ErrorType` header and a JSON
 * body with `__type` and `message`, at the status DynamoDB uses (400 for all of these). The table
 * name of each request names the error to answer with. Dummy credentials; the SDK's own retries off.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';
import { thrown } from './thrown.js';

let server: Server;
let dynamodb: DynamoDBClient;

/** Errors by table name: [status, __type, extra body fields]. */
const ANSWERS: Record<string, [number, string, Record<string, unknown>?]> = {
  AccessDenied: [400, 'AccessDeniedException'],
  UnrecognizedClient: [400, 'UnrecognizedClientException'],
  Validation: [400, 'ValidationException'],
  ResourceNotFound: [400, 'ResourceNotFoundException'],
  ConditionalCheck: [400, 'ConditionalCheckFailedException'],
  Throttling: [400, 'ThrottlingException'],
  ProvisionedThroughput: [400, 'ProvisionedThroughputExceededException'],
  RequestLimit: [400, 'RequestLimitExceeded'],
  TransactionConflict: [400, 'TransactionConflictException'],
  InternalServer: [500, 'InternalServerError'],
  CanceledByCondition: [400, 'TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }] }],
  CanceledByConflict: [400, 'TransactionCanceledException', { CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }, { Code: 'None' }] }],
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => {
      const parsed = JSON.parse(body) as { TableName?: string; TransactItems?: Array<{ Put?: { TableName?: string } }> };
      const table = parsed.TableName ?? parsed.TransactItems?.[0]?.Put?.TableName ?? '';
      if (table === 'Hang') return; // the caller's abort ends it
      if (table === 'Truncated') return void response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"Item": {"id": ');
      if (table === 'ProxyForbidden') return void response.writeHead(403, { 'content-type': 'text/html' }).end('<html><body>403 Forbidden</body></html>');
      const [status, type, extra] = ANSWERS[table] ?? [400, 'SerializationException'];
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type, 'x-amzn-requestid': 'TESTREQUESTID' })
        .end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `scripted ${type}`, ...extra }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dynamodb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret-for-tests' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  dynamodb?.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });
const getItem = (table: string, abortSignal?: AbortSignal) =>
  dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: '1' } } }), { abortSignal });

describe('AWS SDK v3 (DynamoDB) errors, classified by name before their HTTP 400', () => {
  it.each([
    ['AccessDenied', 'AccessDeniedException', 'permanent', 'auth'],
    ['UnrecognizedClient', 'UnrecognizedClientException', 'permanent', 'auth'],
    ['Validation', 'ValidationException', 'recoverable', 'invalid_request'],
    ['ResourceNotFound', 'ResourceNotFoundException', 'permanent', 'not_found'],
    ['ConditionalCheck', 'ConditionalCheckFailedException', 'permanent', 'conflict'],
    ['Throttling', 'ThrottlingException', 'transient', 'rate_limit'],
    ['ProvisionedThroughput', 'ProvisionedThroughputExceededException', 'transient', 'rate_limit'],
    ['RequestLimit', 'RequestLimitExceeded', 'transient', 'rate_limit'],
    ['TransactionConflict', 'TransactionConflictException', 'transient', 'write_conflict'],
    ['InternalServer', 'InternalServerError', 'transient', 'server_error'],
  ] as const)('%s: %s is %s / %s', async (table, name, disposition, category) => {
    const error = await thrown(() => getItem(table));
    expect((error as Error).name).toBe(name);
    expect(classifier.classify(error)).toMatchObject({ disposition, category });
    // Known verdicts do not depend on unknownDisposition.
    expect(strict.classify(error).disposition).toBe(disposition);
  });

  it("a transaction cancelled by a condition is permanent conflict; one cancelled by a conflicting transaction is transient and did nothing", async () => {
    const transact = (table: string) => dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: table, Item: { id: { S: '1' } } } }, { Put: { TableName: table, Item: { id: { S: '2' } } } }],
    }));
    const byCondition = await thrown(() => transact('CanceledByCondition'));
    expect((byCondition as Error).name).toBe('TransactionCanceledException');
    expect(classifier.classify(byCondition)).toMatchObject({ disposition: 'permanent', category: 'conflict' });
    const byConflict = await thrown(() => transact('CanceledByConflict'));
    expect(classifier.classify(byConflict)).toMatchObject({ disposition: 'transient', category: 'write_conflict', notProcessed: true });
  });

  it('no credentials anywhere in the default chain (CredentialsProviderError) is permanent auth, never sent', async () => {
    // Nothing in the environment, no files, no instance metadata: the chain has nowhere to look.
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    const anonymous = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', maxAttempts: 1 });
    try {
      const error = await thrown(() => anonymous.send(new GetItemCommand({ TableName: 'Users', Key: { id: { S: '1' } } })));
      expect((error as Error).name).toBe('CredentialsProviderError');
      expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'auth', notProcessed: true });
    } finally {
      anonymous.destroy();
      vi.unstubAllEnvs();
    }
  });

  it('a response the SDK cannot parse (a body cut off) is transient malformed_response, not a malformed value of the caller\'s', async () => {
    const error = await thrown(() => getItem('Truncated'));
    expect((error as Error).name).toBe('SyntaxError');
    expect((error as Error).message).toContain('Deserialization error');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'transient', category: 'malformed_response' });
  });

  it("a proxy's error page the SDK cannot parse is judged by its status: a 403 stays permanent auth", async () => {
    const error = await thrown(() => getItem('ProxyForbidden'));
    expect((error as Error).name).toBe('SyntaxError');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'auth' });
  });

  it("the caller's abort (the SDK's AbortError) is never retried", async () => {
    const controller = new AbortController();
    const pending = thrown(() => getItem('Hang', controller.signal));
    setTimeout(() => controller.abort(), 20);
    const error = await pending;
    expect((error as Error).name).toBe('AbortError');
    expect(classifier.classify(error)).toMatchObject({ disposition: 'permanent', category: 'aborted' });
  });
});
