/**
 * The steps of a bulk run before it executes: preview (resolve, classify, apply the per-role
 * limit and the approval rule), start, ask for approval, approve, reject, cancel. Every step is a
 * compare-and-set on the stored run, so a double click or a replayed invoke does nothing twice,
 * and every step that leads to execution checks access again, on every device.
 */
import { randomBytes } from 'node:crypto';
import type { Decision, DeviceContext, UserAccess } from '../../access';
import type { Clock } from '../../clock';
import { RESTART_FIELDS, type DirectoryFor } from '../../directory';
import type { Inventory, MatchKind } from '../../inventory';
import { InvalidState } from '../../errors';
import { BULK_INTUNE_ACTIONS, type ActionId, type DeviceAction } from '../catalogue';
import type { ActionParams, RequesterRef } from '../types';
import { classifyTargets } from './recheck';
import { Precheck, resolveDevices, resolveEntries, Resolution } from './resolve';
import type { BulkRunner } from './runner';
import type { BulkRunStore } from './run-store';
import type { BulkRun, BulkTarget } from './types';

export interface BulkSettings {
  /** Devices per run for roles without their own limit (default 100, like Intune's bulk limit). */
  maxDevices: number;
  roleLimits: Record<string, number>;
  /** More devices than this need a second person (factory reset always does). */
  approvalThreshold: number;
  approvalTtlMs: number;
  /** The preview's Start works this long. */
  previewTtlMs: number;
  /** Entries read from one message or file, whatever the limit: beyond it the request is refused. */
  maxEntries: number;
}

export const DEFAULT_BULK_SETTINGS: BulkSettings = {
  maxDevices: 100,
  roleLimits: {},
  approvalThreshold: 25,
  approvalTtlMs: 60 * 60_000,
  previewTtlMs: 15 * 60_000,
  maxEntries: 20_000,
};

export interface BulkServiceDeps {
  store: BulkRunStore;
  runner: Pick<BulkRunner, 'enqueue'>;
  inventory: Inventory;
  /** The requester's tenant's own Google directory, to list an org unit. */
  google: DirectoryFor;
  clock: Clock;
  /**
   * The single-device action's own refusals, asked for every device of a preview. An action that
   * runs outside Google (remote lock) is offered in bulk only when its check is here.
   */
  prechecks?: Partial<Record<ActionId, Precheck>>;
  settings?: Partial<BulkSettings>;
}

/** Who is asking, with what they may do. */
export interface Actor {
  ref: RequesterRef;
  access: UserAccess;
  /** The access decision for this person and the action's permission on one device. */
  decide: (device: DeviceContext) => Decision;
}

export type Source =
  | { kind: 'list'; entries: string[]; blanks: number; matchKind?: MatchKind; label: string }
  | { kind: 'orgUnit'; path: string };

export type StepResult =
  | { ok: true; run: BulkRun }
  | {
      ok: false;
      why:
        | 'unknown'
        | 'not-requester'
        | 'is-requester'
        | 'state'
        | 'expired'
        | 'over-limit'
        | 'needs-approval'
        | 'not-permitted'
        | 'nothing-left';
      run?: BulkRun;
      message: string;
    };

export class BulkService {
  readonly settings: BulkSettings;

  constructor(private readonly deps: BulkServiceDeps) {
    this.settings = { ...DEFAULT_BULK_SETTINGS, ...deps.settings };
  }

  /** The most devices this person may act on in one run with this permission: their most generous role. */
  limitFor(access: UserAccess, action: DeviceAction): number {
    const roles = access.grants
      .filter((g) => (g.permissions as readonly string[]).includes(action.permission))
      .map((g) => g.role);
    if (roles.length === 0) return 0;
    return Math.max(...roles.map((r) => this.settings.roleLimits[r] ?? this.settings.maxDevices));
  }

  /** Why a second person must approve, or undefined. */
  approvalReason(action: DeviceAction, devices: number): string | undefined {
    if (action.id === 'powerwash') return 'A factory reset in bulk always needs a second person.';
    if (action.id === 'intune.wipe') return 'A wipe in bulk always needs a second person.';
    if (action.id === 'intune.retire') return 'A retire in bulk always needs a second person.';
    if (devices > this.settings.approvalThreshold)
      return `Runs on more than ${this.settings.approvalThreshold} devices need a second person.`;
    return undefined;
  }

  /**
   * `intune`: the Intune action the same words stand for (`bulk wipe` of Windows laptops). A list
   * that names only Intune devices runs it instead; a mixed list runs the ChromeOS action on the
   * ChromeOS devices and says the others need a run of their own.
   */
  async preview(
    actor: Actor,
    action: DeviceAction,
    params: ActionParams,
    source: Source,
    where: Pick<BulkRun, 'conversation'>,
    intune?: DeviceAction,
  ): Promise<{ run: BulkRun; targets: BulkTarget[] }> {
    const first = await this.resolve(actor, action, source);
    if (intune && source.kind === 'list' && first.resolution.targets.length === 0) {
      const second = await this.resolve(actor, intune, source).catch(() => undefined);
      if (second && second.resolution.targets.length > 0) return this.create(actor, intune, params, second, where);
    }
    return this.create(actor, action, params, first, where);
  }

  private async resolve(
    actor: Actor,
    action: DeviceAction,
    source: Source,
  ): Promise<{ resolution: Resolution; label: string }> {
    if (action.graphAction && !BULK_INTUNE_ACTIONS.includes(action.id))
      throw new InvalidState(
        `${action.label} runs on one device at a time: what it gives back is for your eyes only. Use \`${action.label.toLowerCase()} <serial>\`.`,
      );
    const precheck = this.deps.prechecks?.[action.id];
    if (action.source !== 'chrome' && !precheck)
      throw new InvalidState(`${action.label} in bulk is not set up on this bot.`);
    let resolution: Resolution;
    let label: string;
    if (source.kind === 'orgUnit') {
      label = `ou:${source.path}`;
      const devices = [];
      // The root is the whole fleet: Google wants no org unit at all for that.
      // A restart needs what tells a kiosk or a managed guest device apart: the fields its rule reads.
      const fields =
        action.id === 'reboot'
          ? { projection: 'FULL' as const, fields: RESTART_FIELDS }
          : { projection: 'BASIC' as const };
      const listing =
        source.path === '/' ? fields : { orgUnitPath: source.path, includeChildOrgunits: true, ...fields };
      for await (const page of this.deps.google(actor.ref.tenantId).listAll(listing)) {
        devices.push(...page);
        if (devices.length > this.settings.maxEntries) break;
      }
      resolution = resolveDevices(devices.slice(0, this.settings.maxEntries), {
        action,
        decide: actor.decide,
        fullListing: action.id === 'reboot',
      });
    } else {
      label = source.label;
      resolution = await resolveEntries({
        inventory: this.deps.inventory,
        tenantId: actor.ref.tenantId,
        entries: source.entries,
        blanks: source.blanks,
        kind: source.matchKind,
        action,
        decide: actor.decide,
        precheck,
      });
    }
    return { resolution, label };
  }

  private async create(
    actor: Actor,
    action: DeviceAction,
    params: ActionParams,
    { resolution, label }: { resolution: Resolution; label: string },
    where: Pick<BulkRun, 'conversation'>,
  ): Promise<{ run: BulkRun; targets: BulkTarget[] }> {
    const now = this.deps.clock.now();
    const total = resolution.targets.length;
    const why = this.approvalReason(action, total);
    const run: BulkRun = {
      id: await this.deps.store.newId(),
      tenantId: actor.ref.tenantId,
      requester: actor.ref,
      action: action.id,
      params,
      source: label,
      state: 'preview',
      total,
      limit: this.limitFor(actor.access, action),
      skipped: resolution.skipped,
      duplicates: resolution.duplicates,
      blanks: resolution.blanks,
      ...(why ? { approval: { why } } : {}),
      createdAt: now,
      updatedAt: now,
      previewExpiresAt: now + this.settings.previewTtlMs,
      conversation: where.conversation,
      downloadToken: randomBytes(24).toString('base64url'),
    };
    await this.deps.store.create(run, resolution.targets);
    return { run, targets: resolution.targets };
  }

  async attachCard(runId: string, cardActivityId: string): Promise<void> {
    await this.deps.store.update(runId, (r) => ({ ...r, cardActivityId }));
  }

  /** The requester starts a run that needs no approval. */
  async start(runId: string, actor: Actor): Promise<StepResult> {
    const run = await this.deps.store.get(runId);
    const refused = this.requesterStep(run, actor, ['preview']);
    if (refused) return refused;
    const r = run as BulkRun;
    if (r.approval)
      return { ok: false, why: 'needs-approval', run: r, message: `${r.approval.why} Ask for approval instead.` };
    return this.launch(r, actor, 'preview', (x) => x);
  }

  /**
   * A run as a reader may follow it: their own, or one whose every device their Audit/Read covers
   * (`reader.decide` answers for Audit/Read). Another tenant's run is unknown to them.
   */
  async readRun(runId: string, reader: Actor): Promise<BulkRun | undefined> {
    const run = await this.deps.store.get(runId);
    if (!run || run.tenantId !== reader.ref.tenantId) return undefined;
    if (sameUser(run.requester, reader.ref)) return run;
    const targets = await this.deps.store.targets(runId);
    if (targets.length === 0) return reader.decide({ users: [] }).allowed ? run : undefined;
    return targets.every((t) => reader.decide(t.context).allowed) ? run : undefined;
  }

  /** The requester asks the help desk channel; the caller posts the card and attaches its id. */
  async askApproval(runId: string, actor: Actor): Promise<StepResult> {
    const run = await this.deps.store.get(runId);
    const refused = this.requesterStep(run, actor, ['preview']);
    if (refused) return refused;
    const now = this.deps.clock.now();
    const updated = await this.deps.store.update(runId, (x) =>
      x.state === 'preview' && x.approval
        ? {
            ...x,
            state: 'awaiting-approval',
            updatedAt: now,
            approval: { ...x.approval, requestedAt: now, expiresAt: now + this.settings.approvalTtlMs },
          }
        : undefined,
    );
    if (!updated)
      return { ok: false, why: 'state', run, message: 'This run was already started, sent for approval or cancelled.' };
    return { ok: true, run: updated };
  }

  async attachApprovalCard(
    runId: string,
    conversation: BulkRun['conversation'],
    cardActivityId: string | undefined,
  ): Promise<void> {
    await this.deps.store.update(runId, (r) =>
      r.approval ? { ...r, approval: { ...r.approval, conversation, cardActivityId } } : undefined,
    );
  }

  /**
   * A second person holding the same permission, on every device of the run, approves it. The
   * requester's access, resolved again now, is checked too: their roles may have changed meanwhile.
   */
  async approve(runId: string, approver: Actor, requester?: Actor): Promise<StepResult> {
    const run = await this.deps.store.get(runId);
    if (!run || run.tenantId !== approver.ref.tenantId)
      return { ok: false, why: 'unknown', message: 'I know no such bulk run.' };
    if (run.state !== 'awaiting-approval')
      return { ok: false, why: 'state', run, message: `This run is already ${stateWords(run)}.` };
    if (sameUser(run.requester, approver.ref))
      return {
        ok: false,
        why: 'is-requester',
        run,
        message: 'You asked for this run: someone else holding the same permission must approve it.',
      };
    if (this.expireIfLate(run)) {
      await this.deps.store.update(runId, (x) =>
        x.state === 'awaiting-approval' ? { ...x, state: 'expired', updatedAt: this.deps.clock.now() } : undefined,
      );
      return {
        ok: false,
        why: 'expired',
        run,
        message: 'This approval request has expired; nothing was run. The requester can start over.',
      };
    }
    const targets = await this.deps.store.targets(runId);
    const denied = classifyTargets(targets, approver.decide).denied;
    if (denied.length > 0) {
      return {
        ok: false,
        why: 'not-permitted',
        run,
        message: `You can't approve it: ${denied[0].detail}${denied.length > 1 ? ` (and ${denied.length - 1} more devices)` : ''}`,
      };
    }
    const now = this.deps.clock.now();
    return this.launch(run, requester, 'awaiting-approval', (x) => ({
      ...x,
      approval: {
        ...(x.approval as NonNullable<BulkRun['approval']>),
        decidedBy: approver.ref,
        decidedAt: now,
        decision: 'approved',
      },
    }));
  }

  async reject(runId: string, approver: Actor): Promise<StepResult> {
    const run = await this.deps.store.get(runId);
    if (!run || run.tenantId !== approver.ref.tenantId)
      return { ok: false, why: 'unknown', message: 'I know no such bulk run.' };
    if (sameUser(run.requester, approver.ref))
      return {
        ok: false,
        why: 'is-requester',
        run,
        message: 'You asked for this run: cancel it from your own card instead.',
      };
    const targets = await this.deps.store.targets(runId);
    if (classifyTargets(targets, approver.decide).allowed.length === 0)
      return {
        ok: false,
        why: 'not-permitted',
        run,
        message: 'Only someone holding the permission for these devices can reject it.',
      };
    const now = this.deps.clock.now();
    const updated = await this.deps.store.update(runId, (x) =>
      x.state === 'awaiting-approval'
        ? {
            ...x,
            state: 'rejected',
            updatedAt: now,
            approval: {
              ...(x.approval as NonNullable<BulkRun['approval']>),
              decidedBy: approver.ref,
              decidedAt: now,
              decision: 'rejected',
            },
          }
        : undefined,
    );
    if (!updated) return { ok: false, why: 'state', run, message: `This run is already ${stateWords(run)}.` };
    return { ok: true, run: updated };
  }

  /** Approval requests past their time become expired; returns them so the chat can say so. */
  async expireApprovals(): Promise<BulkRun[]> {
    const expired: BulkRun[] = [];
    for (const id of await this.deps.store.awaiting()) {
      const now = this.deps.clock.now();
      const run = await this.deps.store.update(id, (x) =>
        x.state === 'awaiting-approval' && x.approval?.expiresAt !== undefined && now > x.approval.expiresAt
          ? { ...x, state: 'expired', updatedAt: now }
          : undefined,
      );
      if (run) expired.push(run);
    }
    return expired;
  }

  async cancel(runId: string, actor: Actor): Promise<StepResult> {
    const run = await this.deps.store.get(runId);
    const refused = this.requesterStep(run, actor, ['preview', 'awaiting-approval'], true);
    if (refused) return refused;
    const updated = await this.deps.store.update(runId, (x) =>
      x.state === 'preview' || x.state === 'awaiting-approval'
        ? { ...x, state: 'cancelled', updatedAt: this.deps.clock.now() }
        : undefined,
    );
    if (!updated) return { ok: false, why: 'state', run, message: 'This run was already started or cancelled.' };
    return { ok: true, run: updated };
  }

  private requesterStep(
    run: BulkRun | undefined,
    actor: Actor,
    states: BulkRun['state'][],
    late = false,
  ): StepResult | undefined {
    if (!run || run.tenantId !== actor.ref.tenantId)
      return { ok: false, why: 'unknown', message: 'I know no such bulk run.' };
    if (!sameUser(run.requester, actor.ref))
      return {
        ok: false,
        why: 'not-requester',
        run,
        message: `Only ${run.requester.name}, who asked for this run, can do that.`,
      };
    if (!states.includes(run.state))
      return { ok: false, why: 'state', run, message: `This run is already ${stateWords(run)}.` };
    if (!late && run.state === 'preview' && this.deps.clock.now() > run.previewExpiresAt)
      return {
        ok: false,
        why: 'expired',
        run,
        message: 'This preview has expired; nothing was run. Send the bulk command again.',
      };
    if (run.total > run.limit)
      return {
        ok: false,
        why: 'over-limit',
        run,
        message: `You may act on at most ${run.limit} devices in one run; this one has ${run.total}. Split the list.`,
      };
    return undefined;
  }

  private expireIfLate(run: BulkRun): boolean {
    return run.approval?.expiresAt !== undefined && this.deps.clock.now() > run.approval.expiresAt;
  }

  /**
   * Re-checks the requester's access on every target (roles or scopes may have changed since the
   * preview), drops what is no longer allowed, and queues the run.
   */
  private async launch(
    run: BulkRun,
    requester: Actor | undefined,
    from: BulkRun['state'],
    patch: (r: BulkRun) => BulkRun,
  ): Promise<StepResult> {
    const targets = await this.deps.store.targets(run.id);
    const now = this.deps.clock.now();
    let allowed = targets;
    let skipped = run.skipped;
    if (requester) {
      const checked = classifyTargets(targets, requester.decide);
      allowed = checked.allowed;
      skipped = [...run.skipped, ...checked.denied];
    }
    if (allowed.length === 0) {
      await this.deps.store.update(run.id, (x) =>
        x.state === from ? { ...x, state: 'cancelled', updatedAt: now, note: 'Nothing left to act on.' } : undefined,
      );
      return {
        ok: false,
        why: 'nothing-left',
        run,
        message: 'None of the devices can be acted on, so nothing was run.',
      };
    }
    const updated = await this.deps.store.update(run.id, (x) =>
      x.state === from ? patch({ ...x, state: 'queued', updatedAt: now, total: allowed.length, skipped }) : undefined,
    );
    if (!updated) return { ok: false, why: 'state', run, message: `This run is already ${stateWords(run)}.` };
    if (allowed.length !== targets.length) await this.deps.store.replaceTargets(run.id, allowed);
    await this.deps.runner.enqueue(run.id);
    return { ok: true, run: updated };
  }
}

export function sameUser(a: RequesterRef, b: RequesterRef): boolean {
  if (a.teamsId && a.teamsId === b.teamsId) return true;
  return !!a.aadObjectId && a.aadObjectId.toLowerCase() === (b.aadObjectId ?? '').toLowerCase();
}

export function stateWords(run: BulkRun): string {
  switch (run.state) {
    case 'preview':
      return 'waiting to be started';
    case 'awaiting-approval':
      return 'waiting for approval';
    case 'queued':
    case 'running':
      return 'running';
    default:
      return run.state;
  }
}
