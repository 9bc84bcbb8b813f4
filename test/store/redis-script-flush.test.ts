/**
 * Redis forgets its scripts when it restarts, fails over or is told SCRIPT FLUSH, while the bot's
 * connections may stay up. Every script the bot runs (the inventory's write and search, the audit
 * trail's append, the turn limiter) is an ioredis command, which sends the script itself again
 * after NOSCRIPT, alone or in a pipeline. A private redis-server, so the flush touches no other
 * suite.
 */
import Redis from 'ioredis';
import { RedisAuditTrail } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { RedisInventory } from '../../src/inventory/redis-inventory';
import type { InventoryDevice } from '../../src/inventory/types';
import { RedisTurnLimiter } from '../../src/turn-limit';
import { entry, macKey } from '../audit/audit-trail-contract';
import { redisServerAvailable, startPrivateRedis, type PrivateRedisServer } from '../support/private-redis';

const describeFlush = redisServerAvailable() ? describe : describe.skip;

const device = (n: number): InventoryDevice => ({
  id: `dev-${n}`,
  source: 'chrome',
  serialNumber: `FLUSH${n}`,
  model: 'Lenovo 300e Chromebook',
  orgUnitPath: '/Schools/North',
  users: [`pupil${n}@school.example`],
});

describeFlush('after Redis forgets its scripts', () => {
  let server: PrivateRedisServer;
  let redis: Redis;
  let admin: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  }, 20_000);

  afterAll(async () => {
    redis?.disconnect();
    admin?.disconnect();
    await server?.stop();
  });

  const cachedScripts = async () => Number(/number_of_cached_scripts:(\d+)/.exec(await admin.info('memory'))![1]);

  /** Flushed from another connection, as a restart or a failover would leave this one unaware. */
  const forget = async () => {
    expect(await cachedScripts()).toBeGreaterThan(0);
    expect(await admin.script('FLUSH')).toBe('OK');
    expect(await cachedScripts()).toBe(0);
  };

  it('the inventory writes and searches again', async () => {
    const inventory = new RedisInventory(redis, { keyPrefix: 'flush:inv:' });
    await inventory.upsertMany('t', [device(1), device(2)]);
    expect((await inventory.search('t', 'FLUSH1')).devices.map((d) => d.id)).toEqual(['dev-1']);

    await forget();
    await inventory.upsertMany('t', [device(3)]);
    // The serial step's script runs inside the sizing pipeline; the text step's alone.
    expect((await inventory.search('t', 'FLUSH3')).devices.map((d) => d.id)).toEqual(['dev-3']);
    await forget();
    expect((await inventory.search('t', 'lenovo north')).total).toBe(3);
  });

  it('the audit trail appends to the same chain', async () => {
    const trail = new RedisAuditTrail(redis, { prefix: 'flush:audit:', clock: new ManualClock(), macKey });
    const first = await trail.append(entry());
    await forget();
    const second = await trail.append(entry({ outcome: 'succeeded' }));
    expect(second).toMatchObject({ seq: first.seq + 1, prevMac: first.mac });
    expect(await trail.verify()).toMatchObject({ ok: true, count: 2 });
  });

  it('the turn limiter keeps counting', async () => {
    const limiter = new RedisTurnLimiter(
      redis,
      'flush:turns:',
      { personPerMinute: 2, tenantPerMinute: 100 },
      new ManualClock(),
    );
    const key = { tenantId: 't', personId: 'p' };
    expect((await limiter.take(key)).allowed).toBe(true);
    await forget();
    expect((await limiter.take(key)).allowed).toBe(true);
    expect((await limiter.take(key)).allowed).toBe(false);
  });
});
