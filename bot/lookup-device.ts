import type { DeviceContext, Permission } from '../src/access';
import type { ChromeDevice, DeviceDirectory } from '../src/directory/types';
import { DeskError, DeviceNotFound, Forbidden, InvalidInput } from '../src/errors';
import { intuneStatusOf, type ManagedDevice, type ManagedDeviceDirectory } from '../src/intune';
import type { Inventory, InventoryDevice } from '../src/inventory/types';
import type { Logger } from '../src/log';
import type { Guard } from './guard';
import type { Requester } from './identity';

/** One device as the card shows it, whichever system it came from. */
export interface DeviceView {
  id: string;
  source: 'chrome' | 'intune';
  serialNumber: string;
  model?: string;
  status: string;
  platform?: string;
  osVersion?: string;
  lastSync?: string;
  annotatedUser?: string;
  /** Everyone else the device knows, newest first, without the annotated user. */
  recentUsers: string[];
  orgUnitPath?: string;
  assetId?: string;
  location?: string;
  autoUpdateExpiration?: string;
  deviceLicenseType?: string;
  notes?: string;
  deprovisionReason?: string;
  /** Intune only: what Intune's device page shows besides the common fields. */
  intune?: {
    deviceName?: string;
    userDisplayName?: string;
    compliance?: string;
    managementState?: string;
    ownership?: string;
    enrolled?: string;
  };
  /** Read from Google or Intune just now, rather than taken from the last sync. */
  fresh: boolean;
}

export function viewOfChrome(d: ChromeDevice): DeviceView {
  const annotated = d.annotatedUser?.toLowerCase();
  return {
    id: d.deviceId,
    source: 'chrome',
    serialNumber: d.serialNumber,
    model: d.model,
    status: d.status,
    platform: 'ChromeOS',
    osVersion: d.osVersion,
    lastSync: d.lastSync,
    annotatedUser: d.annotatedUser,
    recentUsers: [...new Set(d.recentUsers.map((u) => u.toLowerCase()))].filter((u) => u !== annotated),
    orgUnitPath: d.orgUnitPath,
    assetId: d.annotatedAssetId,
    location: d.annotatedLocation,
    autoUpdateExpiration: d.autoUpdateExpiration,
    deviceLicenseType: d.deviceLicenseType,
    notes: d.notes,
    deprovisionReason: d.deprovisionReason,
    fresh: true,
  };
}

/** The inventory keeps a summary: the first user stands in for the annotated one. */
export function viewOfInventory(d: InventoryDevice): DeviceView {
  return {
    id: d.id,
    source: d.source,
    serialNumber: d.serialNumber,
    model: d.model ?? d.name,
    status: d.status ?? 'UNKNOWN',
    platform: d.platform,
    osVersion: d.osVersion,
    lastSync: d.lastSync,
    annotatedUser: d.users[0],
    recentUsers: d.users.slice(1),
    orgUnitPath: d.orgUnitPath,
    assetId: d.assetId,
    location: d.location,
    fresh: false,
  };
}

export function viewOfManaged(d: ManagedDevice): DeviceView {
  const upn = d.userPrincipalName?.toLowerCase();
  return {
    id: d.id,
    source: 'intune',
    serialNumber: d.serialNumber,
    model: d.model || d.deviceName,
    status: intuneStatusOf(d),
    platform: d.operatingSystem,
    osVersion: d.osVersion,
    lastSync: d.lastSyncDateTime,
    annotatedUser: upn,
    recentUsers: [],
    intune: {
      deviceName: d.deviceName,
      userDisplayName: d.userDisplayName,
      compliance: d.complianceState,
      managementState: d.managementState,
      ownership: d.managedDeviceOwnerType,
      enrolled: d.enrolledDateTime,
    },
    fresh: true,
  };
}

/** What the access check needs to know about the device. */
export function deviceContextOf(view: DeviceView): DeviceContext {
  const users = [view.annotatedUser, ...view.recentUsers]
    .filter((u): u is string => !!u && u.includes('@'))
    .map((u) => u.toLowerCase());
  return { orgUnitPath: view.orgUnitPath, users: [...new Set(users)] };
}

/** Device ids are Google UUID-like ids or Intune GUIDs: anything else is not worth a lookup. */
const DEVICE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function parseDeviceId(data: unknown): string {
  const id = data && typeof data === 'object' ? (data as Record<string, unknown>).deviceId : undefined;
  if (typeof id !== 'string' || !DEVICE_ID.test(id))
    throw new InvalidInput('That card did not say which device to open. Search for the device again with `find`.');
  return id;
}

/** The device could not be shown to this requester; end users can't tell "not yours" from "doesn't exist". */
export class DeviceUnavailable extends DeskError {
  readonly code = 'DEVICE_UNAVAILABLE';
  constructor(
    message: string,
    readonly reason: 'not-found' | 'forbidden',
  ) {
    super(message);
  }
}

export const NOT_YOURS_OR_MISSING = "I can't find that device among the devices assigned to you.";

export interface ReadDeviceDeps {
  directory: DeviceDirectory;
  /** Intune's devices through Graph; absent when no Graph app is configured. */
  managedDevices?: ManagedDeviceDirectory;
  inventory: Inventory;
  guard: Guard;
  logger: Logger;
}

/** Holds a device-reading role anywhere (otherwise they read only their own devices). */
export function readsManagedDevices(guard: Guard, requester: Requester): boolean {
  return guard.may(requester, 'Managed devices/Read');
}

/**
 * Reads a device fresh (ChromeOS from Google, Intune from Graph; the last sync when they can't be
 * reached) and checks the requester may see it, whatever card or forged invoke asked. A refusal
 * is audited by the guard.
 */
export async function readDeviceFor(
  deps: ReadDeviceDeps,
  requester: Requester,
  deviceId: string,
  action: string,
): Promise<DeviceView> {
  const staff = readsManagedDevices(deps.guard, requester);
  const missing = () =>
    new DeviceUnavailable(
      staff
        ? 'That device is not in Google Admin or the inventory any more. Search for it again with `find`.'
        : NOT_YOURS_OR_MISSING,
      'not-found',
    );

  const synced = await deps.inventory.get(requester.tenantId, deviceId);
  let view: DeviceView;
  if (synced?.source === 'intune') {
    view = viewOfInventory(synced);
    if (deps.managedDevices) {
      try {
        view = viewOfManaged(await deps.managedDevices.get(deviceId));
      } catch (error) {
        if (error instanceof DeviceNotFound) throw missing();
        // Graph unreachable: the last sync is better than nothing, and the card says so.
        deps.logger.warn(
          { deviceId, err: { message: (error as Error).message } },
          'device read from the inventory: Graph could not be reached',
        );
      }
    }
  } else {
    try {
      view = viewOfChrome(await deps.directory.get(deviceId));
    } catch (error) {
      if (error instanceof DeviceNotFound) throw missing();
      // Google unreachable: the last sync is better than nothing, and the card says so.
      if (!synced) throw error;
      deps.logger.warn(
        { deviceId, err: { message: (error as Error).message } },
        'device read from the inventory: Google could not be reached',
      );
      view = viewOfInventory(synced);
    }
  }

  const context = deviceContextOf(view);
  const target = { kind: 'device' as const, id: view.id, label: view.serialNumber };
  // Staff read through their role; their own devices outside their scope still open as an end user's.
  const checked: Permission =
    staff &&
    (deps.guard.may(requester, 'Managed devices/Read', context) ||
      !deps.guard.may(requester, 'Own devices/Read', context))
      ? 'Managed devices/Read'
      : 'Own devices/Read';
  try {
    await deps.guard.authorize(requester, checked, action, { ...context, target });
  } catch (error) {
    // The denial is audited either way; an end user is told no more than for a missing device.
    if (error instanceof Forbidden)
      throw staff
        ? new DeviceUnavailable(error.userMessage, 'forbidden')
        : new DeviceUnavailable(NOT_YOURS_OR_MISSING, 'not-found');
    throw error;
  }
  return view;
}
