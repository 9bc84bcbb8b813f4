/**
 * Reading back a Mac's recovery PIN (`pin <device>`), and saying it was used so that the Mac may
 * be locked again. The PIN is the requester's: they read it back with Remote tasks/Remote lock for
 * the device; anyone else needs Remote lock PINs/Read for it, and the requester is told of each such
 * read. Every read and mark is audited, never with the PIN itself.
 */
import type { Guard, Permission, Requester } from '../access';
import { actorOf, type AuditTarget, type AuditTrail } from '../audit';
import type { DeviceReader } from '../devices';
import type { InventoryDevice, SearchResult } from '../inventory';
import type { PinRecord, PinVault } from './pin-vault';

export const LOCKED_BY_THEM = 'Remote tasks/Remote lock' satisfies Permission;
export const ANYONE_ELSES_PIN = 'Remote lock PINs/Read' satisfies Permission;

export interface PinServiceDeps {
  vault: PinVault;
  devices: DeviceReader;
  guard: Guard;
  audit: AuditTrail;
  /** Tells the person a PIN was given to that someone else read it. */
  tellHolder?: (record: PinRecord, reader: Requester) => Promise<void>;
}

/** The device was not found as exactly one: how many matched. */
export type NotOneDevice = { kind: 'not-one' } & Pick<SearchResult, 'total' | 'more'>;

export type PinRead =
  | NotOneDevice
  | { kind: 'none'; device: InventoryDevice }
  | { kind: 'pin'; device: InventoryDevice; pin: string; record: PinRecord };

export type PinMark =
  NotOneDevice | { kind: 'none'; device: InventoryDevice } | { kind: 'marked'; device: InventoryDevice };

export class PinService {
  constructor(private readonly deps: PinServiceDeps) {}

  async read(requester: Requester, query: string): Promise<PinRead> {
    const device = await this.device(requester, query);
    if ('kind' in device) return device;
    const info = await this.deps.vault.info(requester.tenantId, device.id);
    const someoneElses = !!info && info.issuedTo.teamsId !== requester.teamsId;
    await this.authorize(requester, device, 'remoteLock.pin.read', someoneElses ? ANYONE_ELSES_PIN : LOCKED_BY_THEM);
    const kept = await this.deps.vault.read(requester.tenantId, device.id);
    if (!kept) return { kind: 'none', device };
    await this.record(requester, device, 'PIN read', kept.record.requestId, {
      issuedTo: kept.record.issuedTo.name,
      issuedAt: new Date(kept.record.issuedAt).toISOString(),
      ...(someoneElses ? { readByOtherThanRequester: true } : {}),
    });
    if (someoneElses) await this.tellHolder(kept.record, requester);
    return { kind: 'pin', device, pin: kept.pin, record: kept.record };
  }

  /** The holder hears of a read by someone else; the teller logs its own failures, and the read stands. */
  private async tellHolder(record: PinRecord, reader: Requester): Promise<void> {
    await this.deps.tellHolder?.(record, reader).catch(() => undefined);
  }

  async markUsed(requester: Requester, query: string): Promise<PinMark> {
    const device = await this.device(requester, query);
    if ('kind' in device) return device;
    await this.authorize(requester, device, 'remoteLock.pin.used', LOCKED_BY_THEM);
    const info = await this.deps.vault.info(requester.tenantId, device.id);
    if (!info || !(await this.deps.vault.markUsed(requester.tenantId, device.id))) return { kind: 'none', device };
    await this.record(requester, device, 'PIN marked used', info.requestId);
    return { kind: 'marked', device };
  }

  /** Exactly one device the requester can see, or how many there were. */
  private async device(requester: Requester, query: string): Promise<InventoryDevice | NotOneDevice> {
    const found = await this.deps.devices.search(requester, query, { limit: 5 });
    return found.total === 1 && found.devices.length === 1
      ? found.devices[0]
      : { kind: 'not-one', total: found.total, more: found.more };
  }

  private authorize(
    requester: Requester,
    device: InventoryDevice,
    action: string,
    permission: Permission,
  ): Promise<void> {
    return this.deps.guard.authorize(requester, permission, action, {
      users: device.users,
      orgUnitPath: device.orgUnitPath,
      target: targetOf(device),
    });
  }

  private async record(
    requester: Requester,
    device: InventoryDevice,
    step: string,
    requestId: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.deps.audit.append({
      actor: actorOf(requester),
      tenantId: requester.tenantId,
      action: 'remoteLock.pin',
      target: targetOf(device),
      requestId,
      outcome: 'info',
      detail: { step, ...extra },
    });
  }
}

function targetOf(device: InventoryDevice): AuditTarget {
  return { kind: 'device', id: device.id, label: device.serialNumber };
}
