import { MemoryLostReportStore, RedisLostReportStore } from '../../src/lost';
import { testRedis } from '../support/redis';
import { lostReportStoreContract } from './report-store-contract';

lostReportStoreContract('memory', async () => new MemoryLostReportStore());

describe('on Redis', () => {
  const redis = testRedis();
  let n = 0;
  afterAll(async () => {
    await redis.cleanup();
  });
  // A fresh prefix per test: the contract expects an empty store.
  lostReportStoreContract('Redis', async () => new RedisLostReportStore(redis.redis, `${redis.prefix}${++n}:`));
});
