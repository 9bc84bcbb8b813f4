import type { DeviceSource, InventoryDevice } from './types';

/**
 * Stored devices, one short string each instead of an object of a dozen fields: about a third of
 * the memory. Fields that take few values across a fleet (model, status, org unit…) are numbers
 * into a table of their values; the id, the users and the sync generation are kept apart by the
 * inventory, which needs them at hand, so they are not held twice.
 */
const CODED = ['name', 'model', 'status', 'platform', 'osVersion', 'location', 'orgUnitPath'] as const;

type Packed = [
  source: 0 | 1,
  serialNumber: string,
  assetId: string | null,
  lastSync: string | null,
  /** Users as given, when they differ from the normalized ones the inventory keeps. */
  users: string[] | null,
  ...coded: number[],
];

export class PackedDevices {
  private readonly values: string[] = [];
  private readonly codes = new Map<string, number>();

  pack(device: InventoryDevice, normalizedUsers: string[]): string {
    const packed: Packed = [
      device.source === 'intune' ? 1 : 0,
      device.serialNumber,
      device.assetId ?? null,
      device.lastSync ?? null,
      sameStrings(device.users, normalizedUsers) ? null : device.users,
    ];
    for (const field of CODED) packed.push(this.code(device[field]));
    return JSON.stringify(packed);
  }

  unpack(packed: string, id: string, users: string[], syncGeneration: number | undefined): InventoryDevice {
    const [source, serialNumber, assetId, lastSync, given, ...coded] = JSON.parse(packed) as Packed;
    const device: InventoryDevice = {
      id,
      source: (source === 1 ? 'intune' : 'chrome') as DeviceSource,
      serialNumber,
      users: [...(given ?? users)],
    };
    CODED.forEach((field, i) => {
      if (coded[i] >= 0) device[field] = this.values[coded[i]];
    });
    if (assetId !== null) device.assetId = assetId;
    if (lastSync !== null) device.lastSync = lastSync;
    if (syncGeneration !== undefined) device.syncGeneration = syncGeneration;
    return device;
  }

  /** -1 for no value. */
  private code(value: string | undefined): number {
    if (value === undefined) return -1;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }
}

export function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
