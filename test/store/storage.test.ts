import { MemoryStorage } from 'botbuilder';
import Redis from 'ioredis';
import { RedisStorage, createStorage } from '../../src/store';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { storageContract } from './storage-contract';

const r = testRedis();
let suite = 0;

afterAll(() => r.cleanup());

storageContract('MemoryStorage', () => new MemoryStorage());
// A fresh sub-prefix per test keeps the tests independent on the shared server.
storageContract('RedisStorage', () => new RedisStorage(r.redis, { prefix: `${r.prefix}s${++suite}:` }));

describe('RedisStorage specifics', () => {
  it('keeps keys under its prefix', async () => {
    const prefix = `${r.prefix}prefixed:`;
    const storage = new RedisStorage(r.redis, { prefix });
    await storage.write({ 'conv/1': { v: 1 } });
    expect(await r.redis.exists(`${prefix}conv/1`)).toBe(1);
    const other = new RedisStorage(r.redis, { prefix: `${r.prefix}other:` });
    expect(await other.read(['conv/1'])).toEqual({});
  });

  it('expires items after the TTL when one is set', async () => {
    const storage = new RedisStorage(r.redis, { prefix: `${r.prefix}ttl:`, ttlSeconds: 60 });
    await storage.write({ a: { v: 1 } });
    const ttl = await r.redis.ttl(`${r.prefix}ttl:a`);
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    const untimed = new RedisStorage(r.redis, { prefix: `${r.prefix}nottl:` });
    await untimed.write({ a: { v: 1 } });
    expect(await r.redis.ttl(`${r.prefix}nottl:a`)).toBe(-1);
  });

  it('shares eTags across instances on the same keys', async () => {
    const prefix = `${r.prefix}shared:`;
    const one = new RedisStorage(r.redis, { prefix });
    const two = new RedisStorage(r.redis, { prefix });
    await one.write({ a: { v: 1 } });
    const seen = (await two.read(['a'])).a;
    await one.write({ a: { ...seen, v: 2 } });
    await expect(two.write({ a: { ...seen, v: 3 } })).rejects.toThrow('due to eTag conflict');
  });
});

describe('RedisStorage compare-and-set across connections', () => {
  const conns = Array.from({ length: 4 }, () => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }));
  afterAll(() => conns.forEach((c) => c.disconnect()));

  it('lets one of several instances win the same eTag', async () => {
    const prefix = `${r.prefix}multi:`;
    const stores = conns.map((c) => new RedisStorage(c, { prefix }));
    await stores[0].write({ turn: { n: 0 } });
    const base = (await stores[1].read(['turn'])).turn;
    const results = await Promise.allSettled(stores.map((s, i) => s.write({ turn: { ...base, n: i + 1 } })));
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((x) => x.status === 'fulfilled');
    expect((await stores[2].read(['turn'])).turn.n).toBe(winner + 1);
  });
});

describe('createStorage', () => {
  it('gives MemoryStorage without Redis and RedisStorage with it', () => {
    expect(createStorage()).toBeInstanceOf(MemoryStorage);
    expect(createStorage({ redis: r.redis, prefix: r.prefix })).toBeInstanceOf(RedisStorage);
  });
});
