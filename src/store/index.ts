import { MemoryStorage, type Storage } from 'botbuilder';
import type Redis from 'ioredis';
import { RedisStorage } from './redis-storage';

export { RedisStorage, type RedisStorageOptions } from './redis-storage';
export { redactRedisUrl, redisConnectionOptions, type RedisConnectionSettings } from './redis-connection';

/** Key prefix for conversation and user state in Redis. */
export const STATE_KEY_PREFIX = 'desk:state:';

export interface CreateStorageOptions {
  /** A Redis connection; without one, state lives in process memory (sandbox and tests). */
  redis?: Redis;
  prefix?: string;
  ttlSeconds?: number;
}

/** The bot's state storage: Redis when a connection is given, else botbuilder's MemoryStorage. */
export function createStorage(options: CreateStorageOptions = {}): Storage {
  if (!options.redis) return new MemoryStorage();
  return new RedisStorage(options.redis, {
    prefix: options.prefix ?? STATE_KEY_PREFIX,
    ttlSeconds: options.ttlSeconds,
  });
}

export {
  MemoryJobQueue,
  type JobQueue,
  type JobOptions,
  type JobInfo,
  type JobHandler,
  type MemoryJobQueueOptions,
} from './job-queue';
export { BullJobQueue, type BullJobQueueOptions } from './job-queue-bullmq';
export { ObservedJobQueue } from './observed-job-queue';
export {
  createTenantSettingsStore,
  MemoryTenantSettingsStore,
  RedisTenantSettingsStore,
  type ChannelRef,
  type TenantSettings,
  type TenantSettingsStore,
} from './tenant-settings';
export { deleteKeysByPrefix } from './redis-keys';
