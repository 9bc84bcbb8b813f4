/**
 * The audit trail as a reader may see it: holders of Audit/Read across the tenant see every entry
 * of their tenant; a reader scoped to some org units sees the entries about devices in those units
 * (as the devices are now) and their own; nobody sees another tenant's. What `audit` shows.
 */
import { reach, type Guard, type Requester } from '../access';
import type { AuditRecord, AuditTrail } from '../audit';
import type { DeviceReader } from '../devices';
import type { Inventory, SearchResult } from '../inventory';

export const AUDIT_READ = 'Audit/Read' as const;
/** How far back one look goes before the reader's filter: enough for a screenful after filtering. */
const LOOK_BACK = 500;

export interface AuditDeskDeps {
  audit: AuditTrail;
  devices: DeviceReader;
  inventory: Inventory;
  guard: Guard;
}

export type AuditAnswer =
  | { kind: 'entries'; heading: string; records: AuditRecord[] }
  /** The subject named several devices the reader can see. */
  | ({ kind: 'ambiguous'; subject: string } & Pick<SearchResult, 'total' | 'more'>);

export class AuditDesk {
  constructor(private readonly deps: AuditDeskDeps) {}

  /** The latest entries, of everything or of one device or one person, cut to what the reader may see. */
  async latest(requester: Requester, subject: string, limit: number): Promise<AuditAnswer> {
    await this.deps.guard.authorize(requester, AUDIT_READ, 'audit.read');
    const tenantId = requester.tenantId;
    let heading = 'Latest audit entries';
    let records: AuditRecord[];
    if (!subject) {
      records = await this.deps.audit.latest({ tenantId, limit: LOOK_BACK });
    } else if (subject.includes('@')) {
      heading = `Latest audit entries by ${subject}`;
      records = await this.deps.audit.latest({ tenantId, actorUpn: subject, limit: LOOK_BACK });
    } else {
      const found = await this.deps.devices.search(requester, subject, { limit: 2 });
      if (found.total > 1) return { kind: 'ambiguous', subject, total: found.total, more: found.more };
      const device = found.devices[0];
      heading = `Latest audit entries for ${device ? device.serialNumber : subject}`;
      // A device that is no longer synced (deleted connection) can still be audited by its id.
      records = await this.deps.audit.latest({ tenantId, targetId: device?.id ?? subject, limit: LOOK_BACK });
    }
    return { kind: 'entries', heading, records: (await this.visible(requester, records)).slice(0, limit) };
  }

  /** The records the reader may see: all with tenant-wide Audit/Read; else their own and their devices'. */
  private async visible(requester: Requester, records: AuditRecord[]): Promise<AuditRecord[]> {
    if (reach(requester.access, AUDIT_READ).all) return records;
    const inScope = new Map<string, boolean>();
    const covers = async (deviceId: string): Promise<boolean> => {
      if (!inScope.has(deviceId)) {
        const d = await this.deps.inventory.get(requester.tenantId, deviceId);
        const context = d && { orgUnitPath: d.orgUnitPath, users: d.users };
        inScope.set(deviceId, !!context && this.deps.guard.may(requester, AUDIT_READ, context));
      }
      return inScope.get(deviceId)!;
    };
    const shown: AuditRecord[] = [];
    for (const r of records) {
      const own = r.actor.teamsId === requester.teamsId;
      if (own || (r.target?.kind === 'device' && (await covers(r.target.id)))) shown.push(r);
    }
    return shown;
  }
}
