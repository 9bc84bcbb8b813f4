/**
 * One remote action on one device, from the request to its end: the fresh permission and state
 * check, a confirmation only the requester can use (once, before it expires), the same check
 * again at confirm time, the request saved before anything is sent, exactly one call to Google
 * or Intune, the audit trail at every step, and the hand-off to the tracker. Plain results
 * come back; the chat layer decides how they look.
 */
import { refOf, type Guard, type Requester } from '../access';
import { actorOf, type AuditOutcome, type AuditTrail } from '../audit';
import type { Clock } from '../clock';
import type { JobQueue } from '../store';
import { readableId } from '../readable-id';
import { DeviceUnavailable, deviceContextOf, type DeviceReader, type DeviceView } from '../devices';
import { DEPROVISION_REASONS, type DeprovisionReason, type DirectoryFor } from '../directory';
import { DeskError, Forbidden, InvalidInput, InvalidState, isOutcomeUnknown, UpstreamError } from '../errors';
import type { MatchKind, SearchResult } from '../inventory';
import type { Logger } from '../log';
import type { DeskMetrics } from '../telemetry';
import type { ActionConfirmationStore } from './action-confirmation-store';
import { actionForSource, findAction, fittingActions, type ActionId, type DeviceAction } from './catalogue';
import { applyCardInputs, defaultParams } from './intune-params';
import type { ActionExecutor, LockExecuted } from './intune-lock';
import { executeOperation, operationOf } from './operations';
import type { ActionRequestStore } from './request-store';
import type { ActionTracker } from './tracker';
import type { ActionParams, ActionRequest, Confirmation, ConversationRef, RequesterRef } from './types';

/** Text acts only on a device named by its own identifiers, never on a user's or a room's. */
const IDENTIFYING: readonly MatchKind[] = ['id', 'serial', 'serialPrefix', 'assetId'];
/** Candidates listed when a text request names more than one device. */
const CANDIDATES = 10;

export interface ActionServiceSettings {
  /** How long a confirmation card can be confirmed. */
  confirmationTtlMs: number;
  /** Run non-destructive actions (lost mode, restart) without a confirmation. Destructive ones always ask. */
  skipConfirmation: boolean;
  /** The longest wait between looks at a waiting confirmation's expiry (tests move a manual clock). */
  expiryCheckMs?: number;
}

export interface ActionServiceDeps {
  catalogue: readonly DeviceAction[];
  confirmations: ActionConfirmationStore;
  requests: ActionRequestStore;
  tracker: Pick<ActionTracker, 'begin'>;
  /** Actions run outside Google (Intune remote lock), by action id. */
  executors: Partial<Record<ActionId, ActionExecutor>>;
  /** The requester's tenant's own Google directory. */
  google: DirectoryFor;
  devices: DeviceReader;
  guard: Guard;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  settings: ActionServiceSettings;
  /** Told whenever an action talked to Google for a tenant (the connection's last check-in moves). */
  checkIns?: { recordCheckIn(tenantId: string): Promise<void> };
  /** Where a confirmation's expiry waits (any instance turns the card into "expired" at the time). */
  queue?: JobQueue;
  /** Turns an unused confirmation's card into "expired" for everyone who sees it. */
  expired?: (confirmation: Confirmation) => Promise<void>;
  /** Counts requests, confirmations and late clicks for /metrics. */
  metrics?: DeskMetrics;
}

const EXPIRE_JOB = 'confirmation.expire';

/** Where the request was made: the conversation, and the card to turn into the status card. */
export interface Place {
  conversation?: ConversationRef;
  cardActivityId?: string;
  /** The device card the action was started from, to show the device as it is once the action ends. */
  deviceCardActivityId?: string;
}

export type RequestOutcome =
  /** A confirmation card is owed to the requester. */
  | { kind: 'confirm'; confirmation: Confirmation; action: DeviceAction }
  /** Configured to run without confirmation: place the status card, then call `runNow`. */
  | { kind: 'run-now'; confirmation: Confirmation; action: DeviceAction };

export type TextRequestOutcome =
  | RequestOutcome
  | { kind: 'no-match'; action: DeviceAction }
  /** Several devices, or one found by who uses it or where it is: never acted on from text. */
  | { kind: 'pick'; action: DeviceAction; found: SearchResult };

/** Executed: the request as it stands, and a Mac's recovery PIN for the requester's eyes only. */
export interface ExecutedAction {
  request: ActionRequest;
  pin?: string;
}

export type ConfirmOutcome =
  | { kind: 'gone' }
  | { kind: 'used' }
  | { kind: 'not-requester'; confirmation: Confirmation; action: DeviceAction }
  | { kind: 'needs-reason' }
  /** A card input is missing or malformed (lost mode's message, say): the card stays, unused. */
  | { kind: 'needs-input'; message: string }
  | { kind: 'expired'; confirmation: Confirmation }
  | { kind: 'refused'; confirmation: Confirmation; message: string }
  | ({ kind: 'executed' } & ExecutedAction);

export type CancelOutcome =
  | { kind: 'gone' }
  | { kind: 'used' }
  | { kind: 'not-requester'; confirmation: Confirmation; action: DeviceAction }
  | { kind: 'cancelled'; confirmation: Confirmation };

export type ViewOutcome =
  { kind: 'gone' } | { kind: 'pending'; confirmation: Confirmation; action: DeviceAction; canAct: boolean };

type StepOutcome = Extract<AuditOutcome, 'requested' | 'approved' | 'cancelled' | 'failed' | 'unknown' | 'denied'>;

/** How an executed request is audited: Unknown is never written down as failed. */
function executedOutcome(r: ActionRequest): StepOutcome {
  return r.state === 'Failed' ? 'failed' : r.state === 'Unknown' ? 'unknown' : 'approved';
}

export class ActionService {
  constructor(private readonly deps: ActionServiceDeps) {}

  get catalogue(): readonly DeviceAction[] {
    return this.deps.catalogue;
  }

  /** First step, from a button: checks, then a confirmation (or, when allowed, straight to running). */
  async request(
    requester: Requester,
    actionId: ActionId,
    deviceId: string,
    params: ActionParams,
    place: Place,
  ): Promise<RequestOutcome> {
    const action = this.action(actionId);
    const device = await this.check(requester, action, deviceId, 'request');
    params = { ...defaultParams(action.id, device), ...params };
    const now = this.deps.clock.now();
    const confirmation: Confirmation = {
      // Readable, so a requester whose client shows no buttons can type `confirm CF-…`.
      id: readableId('CF', 10),
      requester: refOf(requester),
      action: action.id,
      device: {
        id: device.id,
        serialNumber: device.serialNumber,
        model: device.model,
        orgUnitPath: device.orgUnitPath,
      },
      params,
      createdAt: now,
      expiresAt: now + this.deps.settings.confirmationTtlMs,
      conversation: place.conversation,
      ...(place.deviceCardActivityId ? { deviceCardActivityId: place.deviceCardActivityId } : {}),
    };
    this.deps.metrics?.actionsRequested.inc({ action: action.id });
    if (this.skipsConfirmation(action, params)) {
      await this.record(confirmation.requester, action.id, confirmation.device, 'requested', {
        step: 'request',
        confirmation: action.runsWithoutConfirmation ? 'not needed' : 'skipped by configuration',
      });
      return { kind: 'run-now', confirmation, action };
    }
    await this.deps.confirmations.create(confirmation);
    await this.record(confirmation.requester, action.id, confirmation.device, 'requested', {
      step: 'confirmation shown',
      confirmationId: confirmation.id,
      ...params,
    });
    return { kind: 'confirm', confirmation, action };
  }

  /** From text (`wipe 5CD123ABC`): acts only on exactly one device named by its own identifiers. */
  async requestByQuery(
    requester: Requester,
    actionId: ActionId,
    query: string,
    params: ActionParams,
    place: Place,
  ): Promise<TextRequestOutcome> {
    const action = this.action(actionId);
    const found = await this.deps.devices.search(requester, query, { limit: CANDIDATES });
    if (found.total === 0) return { kind: 'no-match', action };
    const identified = found.matchedBy !== undefined && IDENTIFYING.includes(found.matchedBy);
    if (found.total > 1 || found.devices.length !== 1 || !identified) return { kind: 'pick', action, found };
    // `wipe 5CG…` on an Intune device is Intune's wipe, not ChromeOS's.
    const device = found.devices[0];
    return this.request(requester, actionForSource(actionId, device.source), device.id, params, place);
  }

  /** Records where the confirmation card went, so it can be replaced for everyone later. */
  /** The card is in the conversation: at its expiry, an unused one turns into "expired" by itself. */
  async attachCard(confirmationId: string, cardActivityId: string): Promise<void> {
    await this.deps.confirmations.attachCard(confirmationId, cardActivityId);
    const c = await this.deps.confirmations.get(confirmationId);
    if (c && this.deps.queue && this.deps.expired) await this.scheduleExpiry(c);
  }

  /** Starts turning expired confirmation cards; call once per instance. */
  start(): void {
    this.deps.queue?.process<{ id: string }>(EXPIRE_JOB, (job) => this.expireIfUnused(job.id));
  }

  private async scheduleExpiry(c: Confirmation): Promise<void> {
    const untilExpiry = Math.max(0, c.expiresAt - this.deps.clock.now()) + 1_000;
    const delayMs = Math.min(untilExpiry, this.deps.settings.expiryCheckMs ?? untilExpiry);
    const jobId = `${EXPIRE_JOB}:${c.id}:${this.deps.clock.now()}`;
    await this.deps.queue!.add(EXPIRE_JOB, { id: c.id }, { jobId, delayMs });
  }

  /** Used or cancelled meanwhile: nothing to do. Still waiting past its time: used up as expired, and the card says so. */
  private async expireIfUnused(id: string): Promise<void> {
    const pending = await this.deps.confirmations.get(id);
    if (!pending) return;
    // The queue's clock and the service's may differ (tests move the service's): wait the rest.
    if (this.deps.clock.now() <= pending.expiresAt) return this.scheduleExpiry(pending);
    const c = await this.deps.confirmations.consume(id);
    if (!c) return;
    this.deps.metrics?.confirmationsExpired.inc({ action: c.action });
    await this.record(c.requester, c.action, c.device, 'cancelled', {
      step: 'expire',
      confirmationId: id,
      why: 'expired',
    });
    await this.deps.expired?.(c);
  }

  /** Runs a request that needs no confirmation, right after `request` said so. */
  async runNow(confirmation: Confirmation, cardActivityId: string | undefined): Promise<ExecutedAction> {
    const action = this.action(confirmation.action);
    // Never a way around the confirmation: only what `request` would have let through.
    if (!this.skipsConfirmation(action, confirmation.params))
      throw new InvalidState(`${action.label} needs a confirmation.`);
    return this.execute(
      { ...confirmation, cardActivityId },
      { conversation: confirmation.conversation, cardActivityId },
    );
  }

  /** What a confirmation card shows to one viewer: the buttons only for its requester, while it lasts. */
  async view(confirmationId: string, viewerTeamsId: string | undefined): Promise<ViewOutcome> {
    const confirmation = await this.deps.confirmations.get(confirmationId);
    const action = confirmation && findAction(this.deps.catalogue, confirmation.action);
    if (!confirmation || !action) return { kind: 'gone' };
    const canAct = confirmation.requester.teamsId === viewerTeamsId && this.deps.clock.now() <= confirmation.expiresAt;
    return { kind: 'pending', confirmation, action, canAct };
  }

  /**
   * The requester confirms: used up once, checked again, then run. `reason` comes from the card
   * (deprovision); `inputs` are the card's other inputs (an Intune wipe's options, lost mode's text).
   */
  async confirm(
    requester: Requester,
    confirmationId: string,
    reason: unknown,
    place: Place,
    inputs: Record<string, unknown> = {},
  ): Promise<ConfirmOutcome> {
    const pending = await this.deps.confirmations.get(confirmationId);
    if (!pending) return { kind: 'gone' };
    const action = this.action(pending.action);
    if (pending.requester.teamsId !== requester.teamsId) {
      await this.refuseStranger(requester, pending, 'confirm');
      return { kind: 'not-requester', confirmation: pending, action };
    }
    const params: ActionParams = { ...pending.params };
    if (pending.action === 'deprovision') {
      const given = reason ?? params.reason;
      if (typeof given !== 'string' || !(DEPROVISION_REASONS as readonly string[]).includes(given))
        return { kind: 'needs-reason' };
      params.reason = given as DeprovisionReason;
    }
    const chosen = applyCardInputs(pending.action, params, inputs);
    if (typeof chosen === 'string') return { kind: 'needs-input', message: chosen };
    Object.assign(params, chosen);
    // Single use: of two clicks, replays or instances, exactly one gets it.
    const consumed = await this.deps.confirmations.consume(confirmationId);
    if (!consumed) return { kind: 'used' };
    const c: Confirmation = { ...consumed, params };
    if (this.deps.clock.now() > c.expiresAt) {
      this.deps.metrics?.confirmationsExpired.inc({ action: c.action });
      await this.record(
        c.requester,
        c.action,
        c.device,
        'cancelled',
        { step: 'confirm', confirmationId, why: 'expired' },
        undefined,
        'The confirmation expired.',
      );
      return { kind: 'expired', confirmation: c };
    }
    try {
      await this.check(requester, action, c.device.id, 'confirm');
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      // A denial is audited by the guard itself.
      if (!(error instanceof Forbidden))
        await this.record(
          c.requester,
          c.action,
          c.device,
          'failed',
          { step: 'confirm', confirmationId },
          undefined,
          error.userMessage,
        );
      return { kind: 'refused', confirmation: c, message: error.userMessage };
    }
    const executed = await this.execute(c, {
      conversation: place.conversation,
      cardActivityId: c.cardActivityId ?? place.cardActivityId,
    });
    return { kind: 'executed', ...executed };
  }

  async cancel(requester: Requester, confirmationId: string): Promise<CancelOutcome> {
    const pending = await this.deps.confirmations.get(confirmationId);
    if (!pending) return { kind: 'gone' };
    if (pending.requester.teamsId !== requester.teamsId) {
      await this.refuseStranger(requester, pending, 'cancel');
      return { kind: 'not-requester', confirmation: pending, action: this.action(pending.action) };
    }
    const c = await this.deps.confirmations.consume(confirmationId);
    if (!c) return { kind: 'used' };
    await this.record(c.requester, c.action, c.device, 'cancelled', { step: 'cancel', confirmationId });
    return { kind: 'cancelled', confirmation: c };
  }

  /** The buttons a requester gets on a device card: they hold the permission for it and the action fits its state. */
  availableActions(requester: Requester, device: DeviceView): DeviceAction[] {
    const context = deviceContextOf(device);
    return fittingActions(this.deps.catalogue, device).filter((a) =>
      [a.permission, ...(a.alsoNeeds ?? [])].every((p) => this.deps.guard.may(requester, p, context)),
    );
  }

  /** One request, if the reader may follow it: their own, or one on a device their Audit/Read covers. */
  async readRequest(requester: Requester, requestId: string): Promise<ActionRequest | undefined> {
    const r = await this.deps.requests.get(requestId);
    if (!r || r.requester.tenantId !== requester.tenantId) return undefined;
    if (r.requester.teamsId === requester.teamsId) return r;
    // Someone else's: only for an auditor whose scope covers the device.
    const device = { orgUnitPath: r.device.orgUnitPath, users: [] };
    return this.deps.guard.may(requester, 'Audit/Read', device) ? r : undefined;
  }

  /** The requester's own recent requests, newest first. */
  recentRequests(requester: Requester, limit: number): Promise<ActionRequest[]> {
    return this.deps.requests.listByRequester(requester.teamsId, limit);
  }

  private action(id: ActionId): DeviceAction {
    const action = findAction(this.deps.catalogue, id);
    if (!action) throw new InvalidInput(`${id} is not an action I know.`);
    return action;
  }

  private skipsConfirmation(action: DeviceAction, params: ActionParams): boolean {
    if (action.destructive) return false;
    if (action.runsWithoutConfirmation) return true;
    return this.deps.settings.skipConfirmation && (action.id !== 'deprovision' || !!params.reason);
  }

  /** Reads the device fresh and checks permission and state: on request and again on confirm. */
  private async check(requester: Requester, action: DeviceAction, deviceId: string, step: string): Promise<DeviceView> {
    const executor = this.deps.executors[action.id];
    if (!operationOf(action.id) && !executor) throw new InvalidInput(`${action.label} can't be run from chat yet.`);
    let device: DeviceView;
    try {
      device = await this.deps.devices.read(requester, deviceId, `${action.id}.${step}`);
    } catch (error) {
      if (error instanceof DeviceUnavailable) throw new InvalidInput(error.userMessage);
      throw error;
    }
    const target = {
      ...deviceContextOf(device),
      target: { kind: 'device' as const, id: device.id, label: device.serialNumber },
    };
    for (const permission of [action.permission, ...(action.alsoNeeds ?? [])])
      await this.deps.guard.authorize(requester, permission, action.id, target);
    if (!action.fits(device)) throw new InvalidState(notFitting(action, device));
    // e.g. a remote lock still pending, or a Mac PIN not used yet.
    if (executor) await executor.precheck(requester.tenantId, device.id, device.serialNumber);
    return device;
  }

  /** Saves the request, then sends it once, records the outcome and hands it to the tracker. */
  private async execute(c: Confirmation, place: Place): Promise<ExecutedAction> {
    this.deps.metrics?.actionsConfirmed.inc({ action: c.action });
    const now = this.deps.clock.now();
    const r: ActionRequest = {
      id: await this.deps.requests.newId(),
      requester: c.requester,
      action: c.action,
      device: c.device,
      params: c.params,
      state: 'Pending',
      createdAt: now,
      updatedAt: now,
      history: [{ state: 'Pending', at: now }],
      conversation: place.conversation,
      cardActivityId: place.cardActivityId,
      ...(c.deviceCardActivityId ? { deviceCardActivityId: c.deviceCardActivityId } : {}),
      pollSeq: 0,
    };
    // Saved before the call: a crash in between leaves a request the tracker finds and reports.
    await this.deps.requests.save(r);
    const pin = await this.send(r);
    r.updatedAt = this.deps.clock.now();
    await this.deps.requests.save(r);
    // The request id people quote from chat, next to the turn's trace id: where to start looking.
    this.deps.logger.info({ requestId: r.id, action: r.action, state: r.state }, 'action sent');
    await this.record(
      c.requester,
      c.action,
      c.device,
      executedOutcome(r),
      { step: 'executed', state: r.state, ...(r.commandId ? { commandId: r.commandId } : {}), ...c.params },
      r.id,
      r.error,
    );
    await this.deps.tracker.begin(r);
    return { request: r, pin };
  }

  /** The one call to Google or Intune. Sets the request's state; returns a Mac's PIN, if any. */
  private async send(r: ActionRequest): Promise<string | undefined> {
    let done: LockExecuted;
    try {
      const executor = this.deps.executors[r.action];
      done = executor
        ? await executor.execute(r)
        : await executeOperation(this.deps.google(r.requester.tenantId), r.action, r.device.id, r.params);
    } catch (error) {
      // The request left and no clear answer came back: Google may have acted, so it is not a clean failure.
      const mayHaveGone = isOutcomeUnknown(error) || (error instanceof UpstreamError && error.status === undefined);
      const service = this.deps.executors[r.action] ? 'Intune' : 'Google';
      this.move(r, mayHaveGone ? 'Unknown' : 'Failed', failureText(error, mayHaveGone, service));
      if (!(error instanceof DeskError))
        this.deps.logger.error({ requestId: r.id, err: error }, 'executing an action failed');
      return undefined;
    } finally {
      // Google was called (Intune actions go through executors): the connection's last check-in moves.
      if (!this.deps.executors[r.action]) void this.deps.checkIns?.recordCheckIn(r.requester.tenantId);
    }
    r.commandId = done.commandId;
    if (done.steps) r.steps = done.steps;
    if (done.state !== r.state) this.move(r, done.state, done.error);
    return done.pin;
  }

  private move(r: ActionRequest, state: ActionRequest['state'], error: string | undefined): void {
    r.state = state;
    r.error = error;
    r.history.push({ state, at: this.deps.clock.now() });
  }

  /** Someone other than the requester pressed a button: audited, and the card stays as it was. */
  private async refuseStranger(requester: Requester, pending: Confirmation, step: 'confirm' | 'cancel'): Promise<void> {
    await this.record(
      refOf(requester),
      pending.action,
      pending.device,
      'denied',
      { step, confirmationId: pending.id, why: 'not the requester' },
      undefined,
      `Only ${pending.requester.name} can ${step}.`,
    );
  }

  private async record(
    who: RequesterRef,
    action: string,
    device: { id: string; serialNumber: string },
    outcome: StepOutcome,
    detail: Record<string, unknown>,
    requestId?: string,
    reason?: string,
  ): Promise<void> {
    await this.deps.audit.append({
      actor: actorOf(who),
      tenantId: who.tenantId,
      action,
      target: { kind: 'device', id: device.id, label: device.serialNumber },
      requestId,
      outcome,
      reason,
      detail,
    });
  }
}

function failureText(error: unknown, mayHaveGone: boolean, service: 'Google' | 'Intune'): string {
  if (!(error instanceof DeskError)) return `Sending the request to ${service} failed.`;
  if (!mayHaveGone) return error.userMessage;
  const where = service === 'Google' ? 'the Google Admin console' : 'the Intune admin center';
  return `Unknown — may have been sent. ${error.userMessage} Check the device in ${where} before trying again.`;
}

/** Why an action does not fit the device now, in words the requester can act on. */
function notFitting(action: DeviceAction, device: DeviceView): string {
  const why = action.whyNot(device) ?? 'it does not apply now.';
  return `${action.label} can't be used on ${device.serialNumber} now. ${why}`;
}
