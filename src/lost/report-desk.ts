/**
 * Lost-device reports as people use them: a reporter files one for a device of their own (read
 * fresh, with the permission check) and closes it when it turns up; the help desk acknowledges,
 * resolves and lists those in its care. Every decision about who may do what is taken here.
 */
import type { DeviceContext, Guard, Permission, Requester } from '../access';
import { deviceContextOf, DeviceUnavailable, type DeviceReader, type DeviceView } from '../devices';
import { InvalidInput } from '../errors';
import type { InventoryDevice } from '../inventory';
import type { LostReportService } from './lost-service';
import { isResolution, type LostReport, type PersonRef } from './types';

export const MANAGE_REPORTS: Permission = 'Lost reports/Manage';
/** How many open reports one look reads; a help desk with more has a bigger problem. */
const OPEN_LIMIT = 200;

export interface ReportDeskDeps {
  reports: LostReportService;
  devices: DeviceReader;
  guard: Guard;
}

export interface ReportInput {
  deviceId: string;
  kind: 'lost' | 'stolen';
  lastSeen?: string;
  where?: string;
}

export type FileResult =
  | { kind: 'unavailable'; message: string }
  | { kind: 'filed'; outcome: 'filed' | 'duplicate' | 'merged'; report: LostReport; device: DeviceView };

export type FoundResult =
  { kind: 'none' } | { kind: 'several'; reports: LostReport[] } | { kind: 'resolved'; report: LostReport };

/** A person as a report names them. */
export function personOf(r: Requester): PersonRef {
  return { teamsId: r.teamsId, aadObjectId: r.aadObjectId, name: r.name, upn: r.upn };
}

export class LostReportDesk {
  constructor(private readonly deps: ReportDeskDeps) {}

  get escalationMinutes(): number {
    return this.deps.reports.escalationMinutes;
  }

  /** End users may put their own devices in lost mode at once. */
  get selfService(): boolean {
    return this.deps.reports.settings.selfService;
  }

  /** Reports filed while no help desk channel was set, posted once one is. */
  postPending(tenantId: string): Promise<number> {
    return this.deps.reports.postPending(tenantId);
  }

  /** The devices a person may report: their own. */
  ownDevices(requester: Requester): Promise<InventoryDevice[]> {
    return this.deps.devices.ownDevices(requester);
  }

  /** Files a report: the reporter's own device, or one in the help desk's care for its staff. */
  async file(
    requester: Requester,
    input: ReportInput,
    reporterConversation: LostReport['reporterConversation'],
  ): Promise<FileResult> {
    let device: DeviceView;
    try {
      device = await this.deps.devices.read(requester, input.deviceId, 'lost.report');
    } catch (error) {
      if (error instanceof DeviceUnavailable) return { kind: 'unavailable', message: error.userMessage };
      throw error;
    }
    const context = deviceContextOf(device);
    if (!this.deps.guard.may(requester, MANAGE_REPORTS, context)) {
      const target = { kind: 'device' as const, id: device.id, label: device.serialNumber };
      await this.deps.guard.authorize(requester, 'Own devices/Report lost', 'lost.report', { ...context, target });
    }
    const { outcome, report } = await this.deps.reports.file({
      tenantId: requester.tenantId,
      device: {
        id: device.id,
        source: device.source,
        serialNumber: device.serialNumber,
        model: device.model,
        orgUnitPath: device.orgUnitPath,
        users: context.users,
        status: device.status,
      },
      reporter: personOf(requester),
      kind: input.kind,
      lastSeen: input.lastSeen,
      where: input.where,
      reporterConversation,
    });
    return { kind: 'filed', outcome, report, device };
  }

  /** "I found it": the reporter closes their own open report (the one named, or their only one). */
  async found(requester: Requester, reportId?: string): Promise<FoundResult> {
    const open = reportId
      ? [await this.deps.reports.get(reportId)].filter(
          (r): r is LostReport => !!r && r.tenantId === requester.tenantId && r.state !== 'resolved',
        )
      : await this.deps.reports.listUnresolved(requester.tenantId, OPEN_LIMIT);
    const mine = open.filter((r) => isReporter(r, requester));
    if (mine.length === 0) return { kind: 'none' };
    if (mine.length > 1) return { kind: 'several', reports: mine };
    const { report } = await this.deps.reports.resolve(mine[0].id, personOf(requester), 'found');
    return { kind: 'resolved', report };
  }

  /** The help desk picks a report up. Undefined when there is no such report in the tenant. */
  async acknowledge(requester: Requester, reportId: string): Promise<LostReport | undefined> {
    const report = await this.managed(requester, reportId, 'lost.acknowledge');
    return report && (await this.deps.reports.acknowledge(report.id, personOf(requester))).report;
  }

  /** `resolution` comes from the card as it arrived: checked here, after the permission. */
  async resolve(requester: Requester, reportId: string, resolution: unknown): Promise<LostReport | undefined> {
    const report = await this.managed(requester, reportId, 'lost.resolve');
    if (!report) return undefined;
    if (!isResolution(resolution)) throw new InvalidInput('Say whether the device was found or replaced.');
    return (await this.deps.reports.resolve(report.id, personOf(requester), resolution)).report;
  }

  /** Open reports in the reader's care, oldest first. */
  async listOpen(requester: Requester, auditId?: string): Promise<LostReport[]> {
    await this.deps.guard.authorize(requester, MANAGE_REPORTS, 'lost.list', undefined, auditId);
    const open = await this.deps.reports.listUnresolved(requester.tenantId, OPEN_LIMIT);
    return open.filter((r) => this.deps.guard.may(requester, MANAGE_REPORTS, contextOf(r)));
  }

  /** One report: reporters see their own, the help desk those in its care; anyone else nothing. */
  async show(requester: Requester, reportId: string): Promise<LostReport | undefined> {
    const report = await this.deps.reports.get(reportId);
    if (!report || report.tenantId !== requester.tenantId) return undefined;
    const visible = isReporter(report, requester) || this.deps.guard.may(requester, MANAGE_REPORTS, contextOf(report));
    return visible ? report : undefined;
  }

  private async managed(requester: Requester, reportId: string, action: string): Promise<LostReport | undefined> {
    const report = await this.deps.reports.get(reportId);
    if (!report || report.tenantId !== requester.tenantId) return undefined;
    await this.deps.guard.authorize(requester, MANAGE_REPORTS, action, contextOf(report), reportId);
    return report;
  }
}

function isReporter(r: LostReport, requester: Requester): boolean {
  return r.reporter.teamsId === requester.teamsId || r.alsoReportedBy.some((p) => p.teamsId === requester.teamsId);
}

function contextOf(r: LostReport): DeviceContext & { target: { kind: 'device'; id: string; label: string } } {
  return {
    orgUnitPath: r.device.orgUnitPath,
    users: r.device.users,
    target: { kind: 'device', id: r.device.id, label: r.device.serialNumber },
  };
}
