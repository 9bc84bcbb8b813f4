/**
 * The bot's view of Google's ChromeOS device directory. Nothing outside src/directory knows
 * whether it talks to Google or to the sandbox emulator.
 */

/** A ChromeOS device, normalised from Google's ChromeOsDevice resource. */
export interface ChromeDevice {
  deviceId: string;
  serialNumber: string;
  /** Open string: ACTIVE, DISABLED, DEPROVISIONED, INACTIVE, PRE_PROVISIONED, … */
  status: string;
  model?: string;
  osVersion?: string;
  platformVersion?: string;
  /** ISO time of the last sync with Google. */
  lastSync?: string;
  annotatedUser?: string;
  annotatedAssetId?: string;
  annotatedLocation?: string;
  /** Emails of recent users, newest first (Google's recentUsers of type USER_TYPE_MANAGED). */
  recentUsers: string[];
  orgUnitPath: string;
  /** ISO date of the auto-update expiration, when Google reports one. */
  autoUpdateExpiration?: string;
  /** e.g. kioskUpgrade, enterprise, education… (Google's deviceLicenseType). */
  deviceLicenseType?: string;
  /** Google's bootMode (Verified / Dev). */
  bootMode?: string;
  notes?: string;
  deprovisionReason?: string;
  lastEnrollmentTime?: string;
  etag?: string;
  /** Recent sessions without a managed account (Google's recentUsers of another type): guest-like sessions. */
  sessionsWithoutAccount?: number;
  /** The latest day Google reports the device in use (activeTimeRanges), YYYY-MM-DD. */
  lastActiveDate?: string;
}

export type StatusAction = 'DEPROVISION' | 'DISABLE' | 'REENABLE';

export const DEPROVISION_REASONS = [
  'SAME_MODEL_REPLACEMENT',
  'DIFFERENT_MODEL_REPLACEMENT',
  'RETIRING_DEVICE',
  'UPGRADE_TRANSFER',
] as const;
export type DeprovisionReason = (typeof DEPROVISION_REASONS)[number];

export type CommandType =
  | 'REBOOT'
  | 'TAKE_A_SCREENSHOT'
  | 'SET_VOLUME'
  | 'WIPE_USERS'
  | 'REMOTE_POWERWASH'
  | 'DEVICE_START_CRD_SESSION'
  | 'CAPTURE_LOGS'
  | 'FETCH_SUPPORT_PACKET';

export type CommandState =
  | 'STATE_UNSPECIFIED'
  | 'PENDING'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'SENT_TO_CLIENT'
  | 'ACKED_BY_CLIENT'
  | 'EXECUTED_BY_CLIENT';

export interface DeviceCommand {
  commandId: string;
  type: CommandType;
  state: CommandState;
  issueTime?: string;
  commandExpireTime?: string;
  result?: {
    result: 'SUCCESS' | 'FAILURE' | 'IGNORED' | 'COMMAND_RESULT_TYPE_UNSPECIFIED';
    errorMessage?: string;
    executeTime?: string;
  };
}

/** Outcome for one device of a batch status change: Google reports these inside an HTTP 200. */
export interface StatusChangeResult {
  deviceId: string;
  ok: boolean;
  /** Google's per-device error, when ok is false. */
  error?: { code: number; message: string };
}

export interface ListOptions {
  /** Google's search query: id:, asset_id:, user:, location:, status: … */
  query?: string;
  orgUnitPath?: string;
  includeChildOrgunits?: boolean;
  orderBy?: 'annotatedLocation' | 'annotatedUser' | 'lastSync' | 'notes' | 'serialNumber' | 'status';
  sortOrder?: 'ASCENDING' | 'DESCENDING';
  /** Page size; Google accepts up to 200 (the default). */
  maxResults?: number;
  projection?: 'BASIC' | 'FULL';
  /** Google's partial-response selector, e.g. nextPageToken,chromeosdevices(deviceId,serialNumber). */
  fields?: string;
  /** listAll only: how many pages it asks for or holds beyond the one its caller has (default 1). */
  readAhead?: number;
}

export interface DevicePage {
  devices: ChromeDevice[];
  nextPageToken?: string;
}

export interface DeviceDirectory {
  /** One page of devices; omit pageToken for the first. */
  listPage(options?: ListOptions, pageToken?: string): Promise<DevicePage>;
  /** Every page, in order, until Google has no more. */
  listAll(options?: ListOptions): AsyncIterable<ChromeDevice[]>;
  /** Devices whose last sync is at or after `since` (ISO 8601), newest first; `fields` must keep lastSync. */
  listChangedSince(since: string, options?: ListOptions): AsyncIterable<ChromeDevice[]>;
  get(deviceId: string): Promise<ChromeDevice>;
  /** Any number of ids: sent in batches of at most 50, one result per id. */
  batchChangeStatus(
    deviceIds: string[],
    action: StatusAction,
    reason?: DeprovisionReason,
  ): Promise<StatusChangeResult[]>;
  issueCommand(deviceId: string, type: CommandType, payload?: Record<string, unknown>): Promise<string>;
  getCommand(deviceId: string, commandId: string): Promise<DeviceCommand>;
  /** The account the connection acts as (the delegated admin), for the connector status. */
  readonly account: string;
}

/** A tenant's own Google directory: each tenant reads and acts through its own connection only. */
export type DirectoryFor = (tenantId: string) => DeviceDirectory;
