import { RedisDeleteConfirmationStore, RedisConnectionStore, RedisSyncLock } from '../../src/connector';
import { testRedis } from '../support/redis';
import { connectorStoresContract } from './stores-contract';

const { redis, prefix, cleanup } = testRedis();
afterAll(cleanup);

describe('connector stores in Redis', () => {
  connectorStoresContract(async () => ({
    store: new RedisConnectionStore(redis, prefix),
    lock: new RedisSyncLock(redis, prefix),
    confirmations: new RedisDeleteConfirmationStore(redis, prefix),
  }));

  it('a lock whose holder died frees itself after its TTL', async () => {
    const lock = new RedisSyncLock(redis, prefix);
    // A holder that never renews: set the key the way acquire does, then let it expire.
    await redis.set(`${prefix}connector:lock:sync:dead`, 'someone-else', 'PX', 50, 'NX');
    expect(await lock.acquire('sync:dead', 5000)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 80));
    const mine = await lock.acquire('sync:dead', 5000);
    expect(mine).toBeDefined();
    await mine!.release();
  });

  it('renews a held lock so that a long sync keeps it', async () => {
    const lock = new RedisSyncLock(redis, prefix);
    // Renewals run on a timer every third of the TTL: a TTL of seconds lets a loaded machine be
    // late by more than a second without the lock lapsing, while the test still outlives it.
    const ttlMs = 2000;
    const acquiredAt = Date.now();
    const held = (await lock.acquire('sync:long', ttlMs))!;
    await new Promise((r) => setTimeout(r, ttlMs + 300));
    expect(Date.now() - acquiredAt).toBeGreaterThan(ttlMs);
    expect(await redis.pttl(`${prefix}connector:lock:sync:long`)).toBeGreaterThan(0);
    expect(await lock.acquire('sync:long', ttlMs)).toBeUndefined();
    await held.release();
    expect(await redis.exists(`${prefix}connector:lock:sync:long`)).toBe(0);
  });
});
