// The public surface of self-healing/redis: re-exports only. It never imports 'ioredis' (callers pass a client in).
export { createRedisStateStore, type RedisStateStoreOptions } from './redis-state-store.js';
export type { RedisClientLike, RedisSubscriberLike } from './redis-types.js';
