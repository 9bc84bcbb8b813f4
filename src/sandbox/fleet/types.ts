/**
 * A generated ChromeOS device, in Google's own field names (the ChromeOsDevice resource of the
 * Directory API) so the emulator can serve it as is, plus how the device behaves when it is
 * sent a command.
 */
export interface FleetRecentUser {
  email: string;
  /** USER_TYPE_MANAGED or USER_TYPE_UNMANAGED, as Google reports it. */
  type: string;
}

export type Connectivity = 'online' | 'offline' | 'flaky';

export interface DeviceBehaviour {
  /** online: executes commands within seconds; offline: never picks them up; flaky: slow, some fail. */
  connectivity: Connectivity;
  /** Kiosk devices accept REBOOT (and screenshots, volume) whatever their ChromeOS version. */
  kiosk: boolean;
}

export interface FleetDevice {
  deviceId: string;
  serialNumber: string;
  status: string;
  model: string;
  osVersion: string;
  platformVersion: string;
  firmwareVersion: string;
  /** RFC 3339. */
  lastSync: string;
  annotatedUser?: string;
  annotatedAssetId?: string;
  annotatedLocation?: string;
  notes?: string;
  orgUnitPath: string;
  orgUnitId: string;
  recentUsers: FleetRecentUser[];
  deviceLicenseType: string;
  bootMode: string;
  /** int64 milliseconds since the epoch, as a string (Google's format). */
  autoUpdateExpiration: string;
  firstEnrollmentTime: string;
  lastEnrollmentTime: string;
  macAddress: string;
  manufactureDate: string;
  orderNumber?: string;
  deprovisionReason?: string;
  lastDeprovisionTimestamp?: string;
  behaviour: DeviceBehaviour;
}
