/**
 * Redis errors through the real ioredis against a real redis-server on 127.0.0.1 (a free port),
 * started by the suite: BUSY from a long Lua script, WRONGTYPE, NOSCRIPT, a syntax error, OOM,
 * MASTERDOWN and READONLY from a replica whose primary is gone, and refused connections. LOADING,
 * TRYAGAIN and CLUSTERDOWN need a loading or resharding server: those are ioredis's own
 * `ReplyError` with the server's exact message. Skipped without redis-server (the Redis suites
 * fail under CI=true when it is missing: test/redis/fleet.redis.test.ts).
 */
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../../src/index.js';
import { freePort, hasRedisServer, RedisServer, waitFor } from '../../redis/redis-server.js';
import { thrown } from './thrown.js';

const classifier = new ErrorClassifier();
const strict = new ErrorClassifier({ unknownDisposition: 'permanent' });

function verdict(error: unknown) {
  const { disposition, category, notProcessed } = classifier.classify(error);
  return { disposition, category, notProcessed };
}

describe.skipIf(!hasRedisServer())('Redis errors through ioredis, classified', () => {
  let server: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    // A script that runs past 20 ms makes every other client's command answer BUSY.
    server = await RedisServer.start(['--busy-reply-threshold', '20']);
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  function connect(options: RedisOptions = {}): Redis {
    const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 0, ...options });
    client.on('error', () => {});
    clients.push(client);
    return client;
  }

  it('BUSY while a script runs: transient, the rejected command did not run, and stays transient under unknownDisposition permanent', async () => {
    const [runner, other] = [connect(), connect()];
    await other.ping();
    const script = runner.eval('local i = 0 while true do i = i + 1 end', 0).catch((error: unknown) => error);
    let busy: unknown;
    let key = '';
    let probe = 0;
    // A SET may reach the server before the script starts (two connections: no order between
    // them), and then it runs: each probe writes its own key, and the one answered BUSY is checked.
    await waitFor('a BUSY reply', async () => {
      key = `busy:written:${probe++}`;
      busy = await other.set(key, '1').catch((error: unknown) => error);
      return busy instanceof ReplyError && (busy as Error).message.startsWith('BUSY');
    });
    await other.script('KILL');
    await script;
    expect(verdict(busy)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
    expect(strict.classify(busy).disposition).toBe('transient');
    expect(await other.get(key)).toBeNull(); // notProcessed holds: the SET answered BUSY never ran
  });

  it('WRONGTYPE, NOSCRIPT and a syntax error are permanent', async () => {
    const client = connect();
    await client.set('plain', 'value');
    expect(verdict(await thrown(() => client.lpush('plain', 'x')))).toEqual({ disposition: 'permanent', category: 'invalid_request', notProcessed: undefined });
    expect(verdict(await thrown(() => client.evalsha('0123456789abcdef0123456789abcdef01234567', 0)))).toEqual({ disposition: 'permanent', category: 'not_found', notProcessed: undefined });
    expect(verdict(await thrown(() => client.call('SET', 'k', 'v', 'NOSUCHOPTION')))).toEqual({ disposition: 'permanent', category: 'invalid_request', notProcessed: undefined });
  });

  it('OOM (over maxmemory) is transient capacity and was not executed', async () => {
    const client = connect();
    await client.config('SET', 'maxmemory', '1');
    const error = await thrown(() => client.set('oom:written', '1'));
    await client.config('SET', 'maxmemory', '0');
    expect((error as Error).message).toMatch(/^OOM /);
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'capacity', notProcessed: true });
    expect(await client.get('oom:written')).toBeNull();
  });

  it('a replica whose primary is gone: MASTERDOWN for reads, READONLY for writes, both transient', async () => {
    const replica = await RedisServer.start();
    try {
      const client = new Redis(replica.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
      client.on('error', () => {});
      await client.config('SET', 'replica-serve-stale-data', 'no');
      await client.replicaof('127.0.0.1', await freePort()); // a primary nobody runs
      const read = await thrown(() => client.get('k'));
      const write = await thrown(() => client.set('k', 'v'));
      client.disconnect();
      expect((read as Error).message).toMatch(/^MASTERDOWN /);
      expect(verdict(read)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
      expect((write as Error).message).toMatch(/^READONLY /);
      expect(verdict(write)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
      expect(strict.classify(read).disposition).toBe('transient');
    } finally {
      await replica.stop();
    }
  });

  it.each([
    ['LOADING Redis is loading the dataset in memory'],
    ['TRYAGAIN Multiple keys request during rehashing of slot'],
    ['CLUSTERDOWN The cluster is down'],
  ])('%s (ioredis ReplyError) is transient and was not executed', (message) => {
    const error = new ReplyError(message);
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'unavailable', notProcessed: true });
    expect(strict.classify(error).disposition).toBe('transient');
  });
});

describe('refused connections through ioredis', () => {
  it('with enableOfflineQueue: false the command is never written: transient network, not processed', async () => {
    const client = new Redis(await freePort(), '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => {});
    const error = await thrown(() => client.get('k'));
    client.disconnect();
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: true });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it('MaxRetriesPerRequestError is transient network (a queued command may have been sent before: not marked)', async () => {
    const client = new Redis(await freePort(), '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 1 });
    client.on('error', () => {});
    const error = await thrown(() => client.get('k'));
    client.disconnect();
    expect((error as Error).name).toBe('MaxRetriesPerRequestError');
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: undefined });
    expect(strict.classify(error).disposition).toBe('transient');
  });

  it('connect() to a closed port ("Connection is closed.") is transient network', async () => {
    const client = new Redis(await freePort(), '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => {});
    const error = await thrown(() => client.connect());
    client.disconnect();
    expect(verdict(error)).toEqual({ disposition: 'transient', category: 'network', notProcessed: undefined });
    expect(strict.classify(error).disposition).toBe('transient');
  });
});
