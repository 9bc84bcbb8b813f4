import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { MemoryDeleteConfirmationStore, MemoryConnectionStore, MemorySyncLock } from './memory-stores';
import { RedisDeleteConfirmationStore, RedisConnectionStore, RedisSyncLock } from './redis-stores';
import type { DeleteConfirmationStore, ConnectionStore, SyncLock } from './types';

export * from './types';
export { AlreadyConnected, ConnectorService } from './connector-service';
export type {
  CancelDecision,
  ConnectResult,
  ConnectorServiceOptions,
  DeleteDecision,
  SetupInfo,
  SyncOutcome,
} from './connector-service';
export { MemoryDeleteConfirmationStore, MemoryConnectionStore, MemorySyncLock } from './memory-stores';
export { RedisDeleteConfirmationStore, RedisConnectionStore, RedisSyncLock } from './redis-stores';
export { friendlyReason } from './friendly-reason';
export { readServiceAccountClientId, SANDBOX_CLIENT_ID } from './service-account';

export interface ConnectorStores {
  store: ConnectionStore;
  lock: SyncLock;
  confirmations: DeleteConfirmationStore;
}

/** Redis-backed (shared by every instance) when a connection is given, else process memory. */
export function createConnectorStores(
  options: { redis?: Redis; prefix?: string; clock?: Clock } = {},
): ConnectorStores {
  if (options.redis) {
    const prefix = options.prefix ?? 'desk:';
    return {
      store: new RedisConnectionStore(options.redis, prefix),
      lock: new RedisSyncLock(options.redis, prefix),
      confirmations: new RedisDeleteConfirmationStore(options.redis, prefix),
    };
  }
  return {
    store: new MemoryConnectionStore(),
    lock: new MemorySyncLock(),
    confirmations: new MemoryDeleteConfirmationStore(options.clock),
  };
}
export {
  IntuneConnection,
  type GraphPermissionNeed,
  type IntuneConnectionDeps,
  type IntunePermissionState,
  type IntuneStatus,
} from './intune-connection';
