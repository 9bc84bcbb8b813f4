/**
 * The life of a lost-device report: filed by the device's user, posted to the help desk,
 * acknowledged, actioned (lost mode, lock, wipe…), resolved as found or replaced. Every step is
 * audited and told to the reporter; a report nobody acknowledges in time pages on-call.
 */
import { actorOf, type AuditOutcome, type AuditTrail } from '../audit';
import type { Clock } from '../clock';
import { InvalidInput } from '../errors';
import type { Logger } from '../log';
import type { JobQueue } from '../store';
import type { LostReportStore } from './report-store';
import { OnCallRoster, onCallAt, Responder } from './roster';
import type { LostReport, PersonRef, PostedCard, ReportedAction, ReportedDevice, Resolution } from './types';

export const LOST_ESCALATION_JOB = 'lost.escalate';

/** How reports reach people. The chat layer implements it; every method may fail without harm to the report. */
export interface LostNotifier {
  /** Posts the report card to the tenant's help desk channel; undefined when none is set. */
  postReport(report: LostReport): Promise<PostedCard | undefined>;
  /** Brings every posted card of the report up to date. */
  updateCards(report: LostReport): Promise<void>;
  /** A message to the reporter and anyone who reported the device too, each where they filed it. */
  tellReporter(report: LostReport, text: string): Promise<void>;
  /** A message in the help desk channel. */
  tellHelpdesk(tenantId: string, text: string): Promise<void>;
  /** Posts the report to the on-call channel (else the help desk's) mentioning the responder. */
  page(report: LostReport, responder: Responder | undefined, waitedMinutes: number): Promise<PostedCard | undefined>;
}

export interface LostSettings {
  /** A report not acknowledged this long after it was filed pages on-call. */
  escalationMs: number;
  /** Longest wait between two looks at a report's escalation (the clock is checked each time). */
  checkIntervalMs: number;
  /** End users may put their own devices in lost mode themselves. */
  selfService: boolean;
}

export const DEFAULT_LOST_SETTINGS: LostSettings = {
  escalationMs: 15 * 60_000,
  checkIntervalMs: 60_000,
  selfService: false,
};

export interface LostServiceDeps {
  store: LostReportStore;
  queue: JobQueue;
  clock: Clock;
  audit: AuditTrail;
  logger: Logger;
  notifier: LostNotifier;
  roster: OnCallRoster;
  settings?: Partial<LostSettings>;
}

export interface FileInput {
  tenantId: string;
  device: ReportedDevice;
  reporter: PersonRef;
  kind: 'lost' | 'stolen';
  lastSeen?: string;
  where?: string;
  reporterConversation?: LostReport['reporterConversation'];
}

/** filed: a new report; duplicate: the same person reported it already; merged: added to someone else's open report. */
export type FileOutcome = { outcome: 'filed' | 'duplicate' | 'merged'; report: LostReport };

export interface Change {
  report: LostReport;
  /** False when the report was already in that state (a second click): nothing was recorded. */
  changed: boolean;
}

interface EscalationJob {
  reportId: string;
  check: number;
}

export class LostReportService {
  readonly settings: LostSettings;

  constructor(private readonly deps: LostServiceDeps) {
    this.settings = { ...DEFAULT_LOST_SETTINGS, ...deps.settings };
  }

  get escalationMinutes(): number {
    return Math.round((this.settings.escalationMs / 60_000) * 10) / 10;
  }

  /** Takes escalation jobs and looks again at every report an earlier run left waiting. */
  async start(): Promise<number> {
    this.deps.queue.process<EscalationJob>(LOST_ESCALATION_JOB, (job) => this.checkEscalation(job.reportId, job.check));
    const waiting = (await this.deps.store.listAllUnresolved()).filter((r) => this.awaitsEscalation(r));
    for (const r of waiting) await this.schedule(r.id, 0, 0, `r${this.deps.clock.now()}`);
    return waiting.length;
  }

  get(id: string): Promise<LostReport | undefined> {
    return this.deps.store.get(id);
  }

  listUnresolved(tenantId: string, limit = 50): Promise<LostReport[]> {
    return this.deps.store.listUnresolved(tenantId, limit);
  }

  async file(input: FileInput): Promise<FileOutcome> {
    const now = this.deps.clock.now();
    const report: LostReport = {
      id: await this.deps.store.newId(),
      tenantId: input.tenantId,
      device: input.device,
      reporter: input.reporter,
      kind: input.kind,
      lastSeen: input.lastSeen || undefined,
      where: input.where || undefined,
      state: 'open',
      actions: [],
      alsoReportedBy: [],
      createdAt: now,
      updatedAt: now,
      version: 1,
      history: [{ at: now, text: `Reported ${input.kind} by ${input.reporter.name}` }],
      reporterConversation: input.reporterConversation,
    };
    const created = await this.deps.store.create(report);
    if (!created.created) return this.fileAgain(created.existing, input);

    await this.record(report, input.reporter, 'lost.report', 'requested', {
      kind: report.kind,
      lastSeen: report.lastSeen,
      where: report.where,
    });
    const card = await this.safely(report.id, 'post the report to the help desk', () =>
      this.deps.notifier.postReport(report),
    );
    let saved = report;
    if (card) saved = (await this.mutate(report.id, (r) => ((r.helpdeskCard = card), true))).report;
    await this.schedule(report.id, 0, Math.min(this.settings.escalationMs, this.settings.checkIntervalMs));
    return { outcome: 'filed', report: saved };
  }

  /** A device with an unresolved report: the same reporter is told so; anyone else is added to it. */
  private async fileAgain(existing: LostReport, input: FileInput): Promise<FileOutcome> {
    const same =
      existing.reporter.teamsId === input.reporter.teamsId ||
      existing.alsoReportedBy.some((p) => p.teamsId === input.reporter.teamsId);
    if (same) {
      await this.record(existing, input.reporter, 'lost.report', 'rejected', {
        why: 'already reported',
        kind: input.kind,
      });
      return { outcome: 'duplicate', report: existing };
    }
    const { report } = await this.mutate(existing.id, (r) => {
      r.alsoReportedBy.push({ ...input.reporter, conversation: input.reporterConversation });
      r.history.push({
        at: this.deps.clock.now(),
        text: `Also reported by ${input.reporter.name}${input.where ? ` (where: ${input.where})` : ''}`,
      });
      return true;
    });
    await this.record(report, input.reporter, 'lost.report', 'info', {
      why: 'merged into the open report',
      kind: input.kind,
      where: input.where,
    });
    await this.safely(report.id, 'update the report cards', () => this.deps.notifier.updateCards(report));
    return { outcome: 'merged', report };
  }

  async acknowledge(id: string, by: PersonRef): Promise<Change> {
    const change = await this.mutate(id, (r) => {
      if (r.state !== 'open') return false;
      const now = this.deps.clock.now();
      r.state = 'acknowledged';
      r.acknowledgedBy = by;
      r.acknowledgedAt = now;
      r.history.push({ at: now, text: `Acknowledged by ${by.name}` });
      return true;
    });
    if (change.changed) {
      await this.record(change.report, by, 'lost.acknowledge', 'succeeded', {});
      await this.announce(
        change.report,
        `${by.name} from the help desk has picked up your report ${change.report.id} (${deviceLabel(change.report)}).`,
      );
    }
    return change;
  }

  async resolve(id: string, by: PersonRef, resolution: Resolution): Promise<Change> {
    const change = await this.mutate(id, (r) => {
      if (r.state === 'resolved') return false;
      const now = this.deps.clock.now();
      r.state = 'resolved';
      r.resolution = resolution;
      r.resolvedBy = by;
      r.resolvedAt = now;
      r.history.push({ at: now, text: `Resolved (${resolution}) by ${by.name}` });
      return true;
    });
    if (change.changed) {
      await this.record(change.report, by, 'lost.resolve', 'succeeded', { resolution });
      const r = change.report;
      const text =
        resolution === 'found'
          ? `Your report ${r.id} is closed: ${deviceLabel(r)} was found (${by.name}).`
          : `Your report ${r.id} is closed: ${deviceLabel(r)} is being replaced (${by.name}). The help desk will tell you about the replacement.`;
      await this.announce(r, text);
    }
    return change;
  }

  /**
   * An action on a device finished: if the device has an unresolved report, it is recorded there.
   * Help desk actions acknowledge the report and make it actioned; the reporter's own
   * (self-service) ones are recorded and told to the help desk, who still has to pick it up.
   */
  async recordAction(
    tenantId: string,
    deviceId: string,
    action: Omit<ReportedAction, 'at'>,
  ): Promise<LostReport | undefined> {
    const open = await this.deps.store.openForDevice(tenantId, deviceId);
    if (!open) {
      if (action.selfService)
        await this.safely(deviceId, 'tell the help desk', () =>
          this.deps.notifier.tellHelpdesk(
            tenantId,
            `${action.by.name} ran ${action.label} on their own device (${action.requestId}, self-service).`,
          ),
        );
      return undefined;
    }
    const { report, changed } = await this.mutate(open.id, (r) => {
      if (r.state === 'resolved' || r.actions.some((a) => a.requestId === action.requestId)) return false;
      const now = this.deps.clock.now();
      r.actions.push({ ...action, at: now });
      if (!action.selfService) {
        if (!r.acknowledgedBy) {
          r.acknowledgedBy = action.by;
          r.acknowledgedAt = now;
        }
        r.state = 'actioned';
      }
      r.history.push({
        at: now,
        text: `${action.label} by ${action.by.name}${action.selfService ? ' (self-service)' : ''} · ${action.requestId}`,
      });
      return true;
    });
    if (!changed) return report;
    await this.record(report, action.by, 'lost.action', 'succeeded', {
      action: action.action,
      actionRequest: action.requestId,
      selfService: action.selfService,
    });
    if (action.selfService) {
      await this.safely(report.id, 'update the report cards', () => this.deps.notifier.updateCards(report));
      await this.safely(report.id, 'tell the help desk', () =>
        this.deps.notifier.tellHelpdesk(
          tenantId,
          `${action.by.name} ran ${action.label} on ${deviceLabel(report)} themselves (self-service) · report ${report.id}.`,
        ),
      );
    } else {
      await this.announce(
        report,
        `Update on ${report.id}: ${action.by.name} ran ${action.label} on ${deviceLabel(report)}.`,
      );
    }
    return report;
  }

  /** Posts the unresolved reports no help desk channel has seen (filed before one was set). */
  async postPending(tenantId: string): Promise<number> {
    let posted = 0;
    for (const r of await this.deps.store.listUnresolved(tenantId, 100)) {
      if (r.helpdeskCard) continue;
      const card = await this.safely(r.id, 'post the report to the help desk', () => this.deps.notifier.postReport(r));
      if (!card) continue;
      await this.mutate(r.id, (x) => ((x.helpdeskCard = card), true));
      posted++;
    }
    return posted;
  }

  private awaitsEscalation(r: LostReport): boolean {
    return r.state !== 'resolved' && !r.acknowledgedBy && r.escalatedAt === undefined;
  }

  private async schedule(reportId: string, check: number, delayMs: number, tag = ''): Promise<void> {
    // A new id per check: BullMQ ignores an id that is still running (the job scheduling its successor).
    await this.deps.queue.add<EscalationJob>(
      LOST_ESCALATION_JOB,
      { reportId, check },
      { jobId: `lost-escalate-${reportId}-${tag}${check}`, delayMs },
    );
  }

  /** One look at a report: not yet due → look again later; due and still unacknowledged → page on-call. */
  async checkEscalation(reportId: string, check: number): Promise<void> {
    const current = await this.deps.store.get(reportId);
    if (!current || !this.awaitsEscalation(current)) return;
    const now = this.deps.clock.now();
    const due = current.createdAt + this.settings.escalationMs;
    if (now < due) {
      await this.schedule(reportId, check + 1, Math.min(due - now, this.settings.checkIntervalMs));
      return;
    }
    const responder = onCallAt(this.deps.roster, now);
    const { report, changed } = await this.mutate(reportId, (r) => {
      if (!this.awaitsEscalation(r)) return false;
      r.escalatedAt = now;
      r.escalatedTo = responder?.name;
      r.history.push({
        at: now,
        text: `Not acknowledged after ${this.escalationMinutes} min: ${responder ? `paged ${responder.name} (on call)` : 'posted to on-call (nobody on the roster now)'}`,
      });
      return true;
    });
    if (!changed) return;
    await this.deps.audit.append({
      actor: { teamsId: 'device-desk', name: 'Device Desk' },
      tenantId: report.tenantId,
      action: 'lost.escalate',
      target: { kind: 'device', id: report.device.id, label: report.device.serialNumber },
      requestId: report.id,
      outcome: 'info',
      detail: { waitedMinutes: this.escalationMinutes, onCall: responder?.upn ?? responder?.name ?? null },
    });
    const card = await this.safely(report.id, 'page on-call', () =>
      this.deps.notifier.page(report, responder, this.escalationMinutes),
    );
    let saved = report;
    if (card) saved = (await this.mutate(report.id, (r) => ((r.escalationCard = card), true))).report;
    await this.safely(report.id, 'update the report cards', () => this.deps.notifier.updateCards(saved));
    await this.safely(report.id, 'tell the reporter', () =>
      this.deps.notifier.tellReporter(
        saved,
        `Nobody at the help desk had picked up ${saved.id} after ${this.escalationMinutes} minutes, so I paged the on-call responder${responder ? ` (${responder.name})` : ''}.`,
      ),
    );
  }

  /** Read, change, save if unchanged since read; a concurrent change makes it read again. */
  private async mutate(id: string, change: (r: LostReport) => boolean): Promise<Change> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const r = await this.deps.store.get(id);
      if (!r) throw new InvalidInput(`There is no lost-device report ${id}.`);
      if (!change(r)) return { report: r, changed: false };
      r.updatedAt = this.deps.clock.now();
      if (await this.deps.store.replace(r)) return { report: { ...r, version: r.version + 1 }, changed: true };
    }
    throw new Error(`report ${id} keeps changing under us; try again`);
  }

  private async announce(report: LostReport, text: string): Promise<void> {
    await this.safely(report.id, 'update the report cards', () => this.deps.notifier.updateCards(report));
    await this.safely(report.id, 'tell the reporter', () => this.deps.notifier.tellReporter(report, text));
  }

  private async record(
    report: LostReport,
    by: PersonRef,
    action: string,
    outcome: AuditOutcome,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.append({
      actor: actorOf(by),
      tenantId: report.tenantId,
      action,
      target: { kind: 'device', id: report.device.id, label: report.device.serialNumber },
      requestId: report.id,
      outcome,
      detail: Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined)),
    });
  }

  /** Telling people must never undo or block what was recorded: failures are logged. */
  private async safely<T>(id: string, what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.deps.logger.warn(
        { report: id, err: { message: (error as Error).message } },
        `lost report: could not ${what}`,
      );
      return undefined;
    }
  }
}

export function deviceLabel(r: Pick<LostReport, 'device'>): string {
  return r.device.model ? `${r.device.model} ${r.device.serialNumber}` : r.device.serialNumber;
}
