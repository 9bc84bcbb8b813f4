import type { InventoryDevice } from '../inventory';
import type { ManagedDevice } from './managed-device-types';

/** camelCase Graph enum → the inventory's upper snake case status (inGracePeriod → IN_GRACE_PERIOD). */
function upperSnake(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * The inventory status of an Intune device: its compliance, unless Intune is retiring or wiping
 * it, which matters more to whoever looks at it.
 */
export function intuneStatusOf(d: Pick<ManagedDevice, 'complianceState' | 'managementState'>): string {
  const management = d.managementState ?? 'managed';
  if (management !== 'managed') return upperSnake(management);
  return upperSnake(d.complianceState || 'unknown');
}

/** The inventory's summary of an Intune device: found by serial, name and its user's UPN. */
export function fromManagedDevice(d: ManagedDevice, syncGeneration?: number): InventoryDevice {
  const upn = d.userPrincipalName?.trim().toLowerCase();
  return {
    id: d.id,
    source: 'intune',
    serialNumber: d.serialNumber,
    name: d.deviceName,
    model: d.model || d.deviceName,
    status: intuneStatusOf(d),
    platform: d.operatingSystem,
    osVersion: d.osVersion,
    users: upn && upn.includes('@') ? [upn] : [],
    lastSync: d.lastSyncDateTime,
    syncGeneration,
  };
}
