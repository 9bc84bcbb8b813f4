import type { ChromeDevice } from '../directory';
import type { InventoryDevice } from './types';

/** The inventory's summary of a ChromeOS device; everyone it is assigned to can find it by email. */
export function fromChromeDevice(d: ChromeDevice, syncGeneration?: number): InventoryDevice {
  const users = [d.annotatedUser, ...d.recentUsers]
    .filter((u): u is string => !!u && u.includes('@'))
    .map((u) => u.toLowerCase());
  return {
    id: d.deviceId,
    source: 'chrome',
    serialNumber: d.serialNumber,
    name: d.model,
    model: d.model,
    status: d.status,
    platform: 'ChromeOS',
    osVersion: d.osVersion,
    assetId: d.annotatedAssetId,
    location: d.annotatedLocation,
    orgUnitPath: d.orgUnitPath,
    users: [...new Set(users)],
    lastSync: d.lastSync,
    syncGeneration,
  };
}
