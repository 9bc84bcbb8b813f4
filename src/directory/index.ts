export { createDeviceDirectory, DIRECTORY_SCOPES } from './create-device-directory';
export type { DeviceDirectoryConfig } from './create-device-directory';
export {
  GoogleDeviceDirectory,
  STATUS_BATCH_SIZE,
  MAX_PAGE_SIZE,
  SYNC_FIELDS,
  FULL_SYNC_LISTING,
  DEVICE_FIELDS,
  RESTART_FIELDS,
  INVALID_PAGE_TOKEN_RETRIES,
} from './google-device-directory';
export { createRetryPolicy, defaultSleep } from './retry';
export type { RetryOptions, RetryPolicy } from './retry';
export { toChromeDevice, toDeviceCommand, epochMsToDate } from './map-device';
export * from './types';
export { restartRule, chromeMilestoneOf, REBOOT_MIN_MILESTONE } from './restart-rule';
export type { RestartRule } from './restart-rule';
