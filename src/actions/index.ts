import type Redis from 'ioredis';
import type { Clock } from '../clock';
import type { ActionServiceSettings } from './action-service';
import {
  ActionConfirmationStore,
  MemoryActionConfirmationStore,
  RedisActionConfirmationStore,
} from './action-confirmation-store';
import { ActionRequestStore, MemoryActionRequestStore, RedisActionRequestStore } from './request-store';
import type { TrackingSettings } from './tracker';

export * from './catalogue';
export { DEPROVISION_REASONS, type DeprovisionReason } from '../directory';
export * from './types';
export {
  ActionService,
  type ActionServiceDeps,
  type ActionServiceSettings,
  type CancelOutcome,
  type ConfirmOutcome,
  type ExecutedAction,
  type Place,
  type RequestOutcome,
  type TextRequestOutcome,
  type ViewOutcome,
} from './action-service';
export { PinService, type PinMark, type PinRead, type PinServiceDeps } from './pin-service';
export {
  MemoryActionConfirmationStore,
  RedisActionConfirmationStore,
  type ActionConfirmationStore,
} from './action-confirmation-store';
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
export { IntuneActionExecutor, type IntuneActionDeps } from './intune-actions';
export {
  applyCardInputs,
  defaultParams,
  wipeChoicesFor,
  WIPE_INPUTS,
  LOST_MODE_INPUTS,
  DEFAULT_LOST_MODE_MESSAGE,
} from './intune-params';
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

export interface ActionSettings extends ActionServiceSettings {
  tracking: TrackingSettings;
}

export const DEFAULT_CONFIRMATION_TTL_MS = 5 * 60_000;

/** Both stores: in Redis when a connection is given (shared by every instance), else in memory. */
export function createActionStores(options: { redis?: Redis; prefix: string; clock: Clock }): {
  confirmations: ActionConfirmationStore;
  requests: ActionRequestStore;
} {
  if (!options.redis)
    return {
      confirmations: new MemoryActionConfirmationStore(options.clock),
      requests: new MemoryActionRequestStore(),
    };
  return {
    confirmations: new RedisActionConfirmationStore(options.redis, `${options.prefix}actions:`, options.clock),
    requests: new RedisActionRequestStore(options.redis, `${options.prefix}actions:`),
  };
}
