import type Redis from 'ioredis';

/**
 * Removes every key under a prefix, a SCAN page at a time so Redis is never blocked: for
 * benchmarks and tests that each work under a prefix of their own.
 */
export async function deleteKeysByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
