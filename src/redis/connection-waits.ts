import type { RedisSubscriberLike } from './redis-types.js';

// How the Redis store waits on its ioredis connections: each wait ends with the connection
// attempt or a timeout, never on an event that may not come.

/** Starts the connection of a `lazyConnect` client; its failures reach the store as refused commands, and its 'error' events. */
export function connectLazily(connection: { connect?(): Promise<unknown> }): void {
  connection.connect?.().catch(() => undefined);
}

/**
 * Resolves `true` on the connection's next `'ready'`, `false` on its `'close'` or `'end'` (the
 * attempt failed), whichever comes first; the listeners for the others are removed.
 */
export function nextReady(connection: Pick<RedisSubscriberLike, 'once' | 'removeListener'>): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const settle = (ready: boolean) => () => {
      connection.removeListener?.('ready', onReady);
      connection.removeListener?.('close', onClosed);
      connection.removeListener?.('end', onClosed);
      resolve(ready);
    };
    const onReady = settle(true);
    const onClosed = settle(false);
    connection.once('ready', onReady);
    connection.once('close', onClosed);
    connection.once('end', onClosed);
  });
}

/**
 * Whether `reply` was answered within `timeoutMs`. A rejection is not an answer: with
 * `enableOfflineQueue: false`, ioredis refuses QUIT at once on a connection that is not ready
 * (Redis down, reconnecting), and such a connection must still be dropped, or it reconnects
 * forever. The timer is cleared either way.
 */
export async function answeredWithin(reply: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([reply.then(() => true, () => false), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
