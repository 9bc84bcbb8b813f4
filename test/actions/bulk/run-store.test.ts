import { MemoryBulkRunStore, RedisBulkRunStore } from '../../../src/actions/bulk';
import { testRedis } from '../../support/redis';
import { bulkRunStoreContract } from './run-store-contract';

const redis = testRedis();
afterAll(() => redis.cleanup());

bulkRunStoreContract('memory', async () => {
  const now = { t: 1_000 };
  return { store: new MemoryBulkRunStore(() => now.t), now };
});

let n = 0;
bulkRunStoreContract('Redis', async () => ({
  store: new RedisBulkRunStore(redis.redis, `${redis.prefix}bulk${++n}:`),
  now: { t: 0 },
}));
