import type Redis from 'ioredis';
import type { Clock } from '../clock';
import type { ActionId, DeviceAction } from './catalogue';
import type { ActionExecutor } from './intune-lock';
import type { PinVault } from './pin-vault';
import { ConfirmationStore, MemoryConfirmationStore, RedisConfirmationStore } from './confirmation-store';
import { ActionRequestStore, MemoryActionRequestStore, RedisActionRequestStore } from './request-store';
import type { ActionTracker, TrackingSettings } from './tracker';

export * from './catalogue';
export * from './types';
export { MemoryConfirmationStore, RedisConfirmationStore, type ConfirmationStore } from './confirmation-store';
export {
  MemoryActionRequestStore,
  RedisActionRequestStore,
  REQUEST_ID,
  randomRequestId,
  type ActionRequestStore,
} from './request-store';
export {
  ActionTracker,
  DEFAULT_TRACKING,
  TRACK_JOB,
  type ActionTrackerDeps,
  type RequestNotifier,
  type TrackingSettings,
} from './tracker';
export {
  executeOperation,
  operationOf,
  stateOfCommand,
  MAX_REBOOT_DELAY_SECONDS,
  type Operation,
  type Executed,
} from './operations';
export {
  RemoteLockService,
  REMOTE_LOCK,
  type ActionExecutor,
  type LockExecuted,
  type RemoteLockDeps,
} from './intune-lock';
export {
  createPinVault,
  MemoryPinVault,
  RedisPinVault,
  PinCipher,
  parsePinKey,
  PIN_RETENTION_MS,
  type PinRecord,
  type PinVault,
} from './pin-vault';
export {
  parseActionCommand,
  ACTION_COMMAND,
  REASON_WORDS,
  REASON_LABELS,
  usageOf,
  type ParsedAction,
  type ParseResult,
} from './parse-command';

export interface ActionSettings {
  /** How long a confirmation card can be confirmed (default 5 minutes). */
  confirmationTtlMs: number;
  /** Run non-destructive actions (lost mode, restart) without a confirmation. Destructive ones always ask. */
  skipConfirmation: boolean;
  tracking: TrackingSettings;
}

export const DEFAULT_CONFIRMATION_TTL_MS = 5 * 60_000;

/** What the chat layer needs to run actions. */
export interface ActionServices {
  catalogue: readonly DeviceAction[];
  confirmations: ConfirmationStore;
  requests: ActionRequestStore;
  tracker: ActionTracker;
  settings: Omit<ActionSettings, 'tracking'>;
  /** Actions run outside Google (Intune remote lock), by action id. */
  executors?: Partial<Record<ActionId, ActionExecutor>>;
  /** Mac recovery PINs of remote locks. */
  pins?: PinVault;
}

/** Both stores: in Redis when a connection is given (shared by every instance), else in memory. */
export function createActionStores(options: { redis?: Redis; prefix: string; clock: Clock }): {
  confirmations: ConfirmationStore;
  requests: ActionRequestStore;
} {
  if (!options.redis)
    return { confirmations: new MemoryConfirmationStore(options.clock), requests: new MemoryActionRequestStore() };
  return {
    confirmations: new RedisConfirmationStore(options.redis, `${options.prefix}actions:`, options.clock),
    requests: new RedisActionRequestStore(options.redis, `${options.prefix}actions:`),
  };
}
