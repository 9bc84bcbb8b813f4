import { BullJobQueue, MemoryJobQueue } from '../../src/store';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { jobQueueContract } from './job-queue-contract';

jobQueueContract('memory', async () => new MemoryJobQueue({ retryDelayMs: 20 }));

describe('on Redis', () => {
  const redis = testRedis();
  afterAll(async () => {
    await redis.cleanup();
  });
  jobQueueContract(
    'BullMQ',
    async () => new BullJobQueue({ redisUrl: TEST_REDIS_URL, prefix: `${redis.prefix}bull`, retryDelayMs: 20 }),
  );
});
