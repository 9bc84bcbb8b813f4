import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { deleteKeysByPrefix } from '../../src/store/redis-keys';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A connection plus a key prefix unique to this test file, so suites can share the one Redis
 * server without touching each other's keys. Never FLUSHDB: other suites may be running.
 */
export function testRedis(): { redis: Redis; prefix: string; cleanup: () => Promise<void> } {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
  const prefix = `test:${randomUUID().slice(0, 8)}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteKeysByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
