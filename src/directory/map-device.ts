/** Google's ChromeOsDevice → the bot's ChromeDevice. */
import type { admin_directory_v1 } from '@googleapis/admin';
import { ChromeDevice, CommandState, CommandType, DeviceCommand } from './types';

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** autoUpdateExpiration is int64 milliseconds as a string; the bot wants a date. */
export function epochMsToDate(value: string | null | undefined): string | undefined {
  if (!value || !/^-?\d+$/.test(value)) return undefined;
  const d = new Date(Number(value));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

export function toChromeDevice(d: admin_directory_v1.Schema$ChromeOsDevice): ChromeDevice {
  const device: ChromeDevice = {
    deviceId: d.deviceId ?? '',
    serialNumber: d.serialNumber ?? '',
    status: d.status ?? 'UNKNOWN',
    recentUsers: (d.recentUsers ?? [])
      .filter((u) => u.type === 'USER_TYPE_MANAGED' && u.email)
      .map((u) => u.email as string),
    orgUnitPath: d.orgUnitPath ?? '/',
  };
  const fields: Partial<ChromeDevice> = {
    model: opt(d.model),
    osVersion: opt(d.osVersion),
    platformVersion: opt(d.platformVersion),
    lastSync: opt(d.lastSync),
    annotatedUser: opt(d.annotatedUser),
    annotatedAssetId: opt(d.annotatedAssetId),
    annotatedLocation: opt(d.annotatedLocation),
    autoUpdateExpiration: epochMsToDate(d.autoUpdateExpiration),
    deviceLicenseType: opt(d.deviceLicenseType),
    bootMode: opt(d.bootMode),
    notes: opt(d.notes),
    deprovisionReason: d.deprovisionReason ? d.deprovisionReason.replace(/^DEPROVISION_REASON_/, '') : undefined,
    lastEnrollmentTime: opt(d.lastEnrollmentTime),
    etag: opt(d.etag),
    sessionsWithoutAccount: d.recentUsers
      ? d.recentUsers.filter((u) => u.type !== 'USER_TYPE_MANAGED').length
      : undefined,
    lastActiveDate:
      (d.activeTimeRanges ?? [])
        .map((r) => r.date ?? '')
        .sort()
        .pop() || undefined,
  };
  // Only keys Google sent, so that a device compares equal however it was fetched.
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined) (device as unknown as Record<string, unknown>)[k] = v;
  return device;
}

export function toDeviceCommand(
  c: admin_directory_v1.Schema$DirectoryChromeosdevicesCommand,
  commandId: string,
): DeviceCommand {
  const command: DeviceCommand = {
    commandId: c.commandId ?? commandId,
    type: (c.type ?? 'REBOOT') as CommandType,
    state: (c.state ?? 'STATE_UNSPECIFIED') as CommandState,
  };
  if (c.issueTime) command.issueTime = c.issueTime;
  if (c.commandExpireTime) command.commandExpireTime = c.commandExpireTime;
  if (c.commandResult) {
    const r = c.commandResult;
    command.result = {
      result: (r.result ?? 'COMMAND_RESULT_TYPE_UNSPECIFIED') as NonNullable<DeviceCommand['result']>['result'],
    };
    if (r.errorMessage) command.result.errorMessage = r.errorMessage;
    if (r.executeTime) command.result.executeTime = r.executeTime;
  }
  return command;
}
