import {
  MemoryActionConfirmationStore,
  RedisActionConfirmationStore,
} from '../../src/actions/action-confirmation-store';
import { MemoryActionRequestStore, RedisActionRequestStore } from '../../src/actions/request-store';
import { testRedis } from '../support/redis';
import { confirmationStoreContract, requestStoreContract } from './store-contract';

confirmationStoreContract('memory', async (clock) => new MemoryActionConfirmationStore(clock));
requestStoreContract('memory', async () => new MemoryActionRequestStore());

describe('on Redis', () => {
  const redis = testRedis();
  let n = 0;
  afterAll(async () => {
    await redis.cleanup();
  });
  // A fresh prefix per test: the contract expects an empty store.
  confirmationStoreContract(
    'Redis',
    async (clock) => new RedisActionConfirmationStore(redis.redis, `${redis.prefix}${++n}:`, clock),
  );
  requestStoreContract('Redis', async () => new RedisActionRequestStore(redis.redis, `${redis.prefix}${++n}:`));
});
