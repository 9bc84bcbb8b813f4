import type { DeviceContext } from '../access';
import { restartRule, type ChromeDevice, type RestartRule } from '../directory';
import {
  deviceActionsEligibility,
  intuneStatusOf,
  remoteLockEligibility,
  type ActionEligibility,
  type DeviceActionName,
  type LockEligibility,
  type ManagedDevice,
} from '../intune';
import type { InventoryDevice } from '../inventory';

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
    supervised?: boolean;
  };
  /** ChromeOS read from Google: which of Google's restart rules applies to it. */
  restart?: RestartRule;
  /** Intune read from Graph: whether Intune can lock it remotely (seed 003). */
  lock?: LockEligibility;
  /** Intune read from Graph: which of Intune's other actions it takes now. */
  intuneActions?: Partial<Record<DeviceActionName, ActionEligibility>>;
  /** Read from Google or Intune just now, rather than taken from the last sync. */
  fresh: boolean;
  /** Not fresh: why the read failed, when it is something a person can act on. */
  staleBecause?: string;
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
    restart: restartRule(d),
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
      supervised: d.isSupervised,
    },
    lock: remoteLockEligibility(d),
    intuneActions: deviceActionsEligibility(d),
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
