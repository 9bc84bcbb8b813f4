import Redis from 'ioredis';
import { ManualClock } from '../../src/clock';
import { createTurnLimiter, MemoryTurnLimiter, RedisTurnLimiter } from '../../src/turn-limit';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { turnLimiterContract } from './turn-limiter-contract';

const r = testRedis();
let n = 0;
const extra: Redis[] = [];
afterAll(async () => {
  for (const c of extra) c.disconnect();
  await r.cleanup();
});

turnLimiterContract(
  'RedisTurnLimiter',
  (limits, clock) => new RedisTurnLimiter(r.redis, `${r.prefix}${++n}:`, limits, clock),
);

describe('RedisTurnLimiter across instances', () => {
  it('shares the buckets, so a person gets no more by reaching another instance', async () => {
    const clock = new ManualClock();
    const limits = { personPerMinute: 4, tenantPerMinute: 100 };
    const prefix = `${r.prefix}shared:`;
    const instances = Array.from({ length: 2 }, () => {
      const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      extra.push(conn);
      return new RedisTurnLimiter(conn, prefix, limits, clock);
    });
    const key = { tenantId: 't', personId: 'p' };
    const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => instances[i % 2].take(key)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(4);
    expect(await r.redis.pttl(`${prefix}p:t:p`)).toBeGreaterThan(0); // buckets expire by themselves
  });

  it('is chosen when Redis is given', () => {
    const options = { limits: { personPerMinute: 1, tenantPerMinute: 1 }, clock: new ManualClock() };
    expect(createTurnLimiter(options)).toBeInstanceOf(MemoryTurnLimiter);
    expect(createTurnLimiter({ ...options, redis: r.redis })).toBeInstanceOf(RedisTurnLimiter);
  });
});
