export { redactRedisUrl, redisConnectionOptions, type RedisConnectionSettings } from './redis-connection';

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
