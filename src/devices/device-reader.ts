import { reach, type Guard, type Permission, type Requester } from '../access';
import type { DirectoryFor } from '../directory';
import { DeskError, DeviceNotFound, Forbidden } from '../errors';
import type { ManagedDevicesFor } from '../intune';
import { COUNT_LIMIT, type Inventory, type InventoryDevice, type MatchKind, type SearchResult } from '../inventory';
import type { Logger } from '../log';
import { deviceContextOf, viewOfChrome, viewOfInventory, viewOfManaged, type DeviceView } from './device-view';
import { searchAsRequester } from './scoped-search';

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

/** How far a list pages on: as far as the inventory counts; past it a search should be narrowed. */
export const MAX_SEARCH_OFFSET = COUNT_LIMIT;

/** Nobody has more devices than this in practice; a list of someone's own shows them all. */
const OWN_LIMIT = 25;

export interface DeviceReaderDeps {
  /** The caller's tenant's own Google directory (never another tenant's). */
  google: DirectoryFor;
  /** The caller's tenant's own Intune; undefined for a tenant without a Graph app. */
  intune: ManagedDevicesFor;
  inventory: Inventory;
  guard: Guard;
  logger: Logger;
}

/**
 * The one place that reads devices for a requester: searches cut to what they may see, and
 * fresh reads from Google or Intune with the permission and scope check, whatever card or
 * forged invoke asked. Refusals are audited by the guard.
 */
export class DeviceReader {
  constructor(private readonly deps: DeviceReaderDeps) {}

  /** Holds a device-reading role anywhere (otherwise they read only their own devices). */
  readsManagedDevices(requester: Requester): boolean {
    return this.deps.guard.may(requester, 'Managed devices/Read');
  }

  /**
   * One page of the devices matching `query` that the requester may see. `offset` pages on, up to
   * MAX_SEARCH_OFFSET: past that a search should be narrowed, not paged.
   */
  async search(
    requester: Requester,
    query: string,
    options: { limit: number; kind?: MatchKind; offset?: number },
  ): Promise<SearchResult> {
    const offset = Math.min(Math.max(0, Math.floor(options.offset ?? 0)), MAX_SEARCH_OFFSET);
    const found = await searchAsRequester(this.deps.inventory, requester, query, {
      limit: offset + options.limit,
      kind: options.kind,
    });
    return offset ? { ...found, devices: found.devices.slice(offset) } : found;
  }

  /** The devices assigned to the requester (annotated or recent user, Intune primary user), newest first. */
  async ownDevices(requester: Requester): Promise<InventoryDevice[]> {
    const own = reach(requester.access, 'Own devices/Report lost');
    const users = own.all ? [] : own.users;
    const found = new Map<string, InventoryDevice>();
    for (const user of users) {
      const result = await this.deps.inventory.search(requester.tenantId, user, {
        limit: OWN_LIMIT,
        kind: 'user',
        filter: { users },
      });
      for (const d of result.devices) found.set(d.id, d);
    }
    return [...found.values()].sort(
      (a, b) => (b.lastSync ?? '').localeCompare(a.lastSync ?? '') || a.serialNumber.localeCompare(b.serialNumber),
    );
  }

  /**
   * Reads a device fresh (ChromeOS from Google, Intune from Graph; the last sync when they can't
   * be reached) and checks the requester may see it. `action` names the step in the audit trail.
   * `found` is the inventory record a search of this requester has just returned, if any: it
   * saves reading the same record again (the device itself is still read fresh and checked).
   */
  async read(requester: Requester, deviceId: string, action: string, found?: InventoryDevice): Promise<DeviceView> {
    const staff = this.readsManagedDevices(requester);
    const view = await this.fetch(requester.tenantId, deviceId, staff, found?.id === deviceId ? found : undefined);
    await this.authorizeRead(requester, view, action, staff);
    return view;
  }

  private async fetch(
    tenantId: string,
    deviceId: string,
    staff: boolean,
    found: InventoryDevice | undefined,
  ): Promise<DeviceView> {
    const missing = () =>
      new DeviceUnavailable(
        staff
          ? 'That device is not in Google Admin or the inventory any more. Search for it again with `find`.'
          : NOT_YOURS_OR_MISSING,
        'not-found',
      );
    const synced = found ?? (await this.deps.inventory.get(tenantId, deviceId));
    const { logger } = this.deps;
    const managedDevices = this.deps.intune(tenantId);
    if (synced?.source === 'intune') {
      if (!managedDevices) {
        return { ...viewOfInventory(synced), staleBecause: 'Intune is not connected for your organisation.' };
      }
      try {
        return viewOfManaged(await managedDevices.get(deviceId));
      } catch (error) {
        if (error instanceof DeviceNotFound) throw missing();
        // Graph unreachable or refusing: the last sync is better than nothing, and the card says why.
        logger.warn(
          { deviceId, err: { message: (error as Error).message } },
          'device read from the inventory: Graph could not be reached',
        );
        return { ...viewOfInventory(synced), staleBecause: reasonOf(error) ?? 'Intune could not be reached just now.' };
      }
    }
    try {
      return viewOfChrome(await this.deps.google(tenantId).get(deviceId));
    } catch (error) {
      if (error instanceof DeviceNotFound) throw missing();
      // Google unreachable: the last sync is better than nothing, and the card says so.
      if (!synced) throw error;
      logger.warn(
        { deviceId, err: { message: (error as Error).message } },
        'device read from the inventory: Google could not be reached',
      );
      return {
        ...viewOfInventory(synced),
        staleBecause: reasonOf(error) ?? 'Google Admin could not be reached just now.',
      };
    }
  }

  private async authorizeRead(requester: Requester, view: DeviceView, action: string, staff: boolean): Promise<void> {
    const { guard } = this.deps;
    const context = deviceContextOf(view);
    const target = { kind: 'device' as const, id: view.id, label: view.serialNumber };
    // Staff read through their role; their own devices outside their scope still open as an end user's.
    const checked: Permission =
      staff &&
      (guard.may(requester, 'Managed devices/Read', context) || !guard.may(requester, 'Own devices/Read', context))
        ? 'Managed devices/Read'
        : 'Own devices/Read';
    try {
      await guard.authorize(requester, checked, action, { ...context, target });
    } catch (error) {
      // The denial is audited either way; an end user is told no more than for a missing device.
      if (!(error instanceof Forbidden)) throw error;
      throw staff
        ? new DeviceUnavailable(error.userMessage, 'forbidden')
        : new DeviceUnavailable(NOT_YOURS_OR_MISSING, 'not-found');
    }
  }
}

/** Why a fresh read failed, when it is something a person can act on (a missing permission, quota). */
function reasonOf(error: unknown): string | undefined {
  return error instanceof DeskError ? error.userMessage : undefined;
}
