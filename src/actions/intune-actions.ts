/**
 * Intune's everyday remote actions (sync, restart, retire, wipe, reset passcode, lost mode,
 * locate) plugged into the shared action flow, one executor per action: checks before the
 * confirmation and again on confirm, sends the Graph action once, follows the device's
 * deviceActionResults (and a Multi Admin Approval request first, when Intune asks for one) to a
 * terminal state. A new passcode or a wiped Mac's recovery PIN goes back to the caller once, for
 * the requester's eyes only; neither is put on the request, in a log line or in the audit trail.
 */
import { randomInt } from 'node:crypto';
import { actorOf, type AuditTrail } from '../audit';
import type { Clock } from '../clock';
import { InvalidState } from '../errors';
import {
  deviceActionEligibility,
  GraphRequestError,
  latestActionResult,
  locationOf,
  passcodeOf,
  type DeviceActionName,
  type DeviceActionResult,
  type ManagedDevice,
  type ManagedDeviceDirectory,
  type ManagedDevicesFor,
  type WipeOptions,
} from '../intune';
import type { Logger } from '../log';
import { followApproval, undecidedApprovalHint } from './intune-approval';
import type { ActionExecutor, LockExecuted } from './intune-lock';
import { PIN_RETENTION_MS, type PinVault } from './pin-vault';
import type { ActionRequestStore } from './request-store';
import type { ActionRequest, RequestState } from './types';

/** Results older than the request (minus clock skew) belong to an earlier run of the action. */
const SKEW_MS = 5 * 60_000;

export interface IntuneActionDeps {
  /** Each request goes through its requester's tenant's own Intune. */
  devices: ManagedDevicesFor;
  requests: ActionRequestStore;
  /** Where a wiped Mac's recovery PIN is kept (encrypted, 30 days), as a locked Mac's is. */
  vault?: PinVault;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
}

/** What the requester calls each action in a sentence. */
const WORDS: Record<DeviceActionName, string> = {
  syncDevice: 'sync',
  rebootNow: 'restart',
  retire: 'retire',
  wipe: 'wipe',
  resetPasscode: 'passcode reset',
  enableLostMode: 'lost mode',
  disableLostMode: 'lost mode off',
  locateDevice: 'locate',
};

/** Graph's actionState (reference enums.actionState) as the requester reads it. */
function stateOf(action: DeviceActionName, actionState: string): { state: RequestState; error?: string } {
  switch (actionState) {
    case 'active':
      return { state: 'Acknowledged' };
    case 'done':
      return { state: 'Done' };
    case 'failed':
      return {
        state: 'Failed',
        error:
          action === 'resetPasscode'
            ? 'Intune reports that the passcode reset failed: a passcode policy must apply to the device.'
            : `Intune reports that the ${WORDS[action]} failed on the device.`,
      };
    case 'canceled':
      return { state: 'Failed', error: `The ${WORDS[action]} was cancelled in Intune.` };
    case 'notSupported':
      return { state: 'Failed', error: `Not supported: Intune reports that this device can't ${WORDS[action]}.` };
    default:
      return { state: 'Pending' };
  }
}

/** Actions that may be sent again while one is under way (a second sync or locate does no harm). */
const REPEATABLE: readonly DeviceActionName[] = ['syncDevice', 'locateDevice'];

export class IntuneActionExecutor implements ActionExecutor {
  constructor(
    private readonly deps: IntuneActionDeps,
    /** The catalogue id this executor runs, e.g. intune.wipe. */
    private readonly actionId: string,
    private readonly graphAction: DeviceActionName,
  ) {}

  private devicesOf(tenantId: string): ManagedDeviceDirectory {
    const devices = this.deps.devices(tenantId);
    if (!devices)
      throw new InvalidState('Intune is not connected for your organisation, so this action is not available.');
    return devices;
  }

  /** Refuses (InvalidState) when Intune can't run it on the device as it is now, or one is under way. */
  async precheck(tenantId: string, deviceId: string, serialNumber: string): Promise<void> {
    const device = await this.devicesOf(tenantId).get(deviceId);
    const eligible = deviceActionEligibility(this.graphAction, device);
    if (!eligible.allowed) throw new InvalidState(`${serialNumber}: ${eligible.message}`);
    await this.refuseIfBusy(tenantId, device, serialNumber);
  }

  /** One of the same action under way here or in Intune: a second would only replace or repeat it. */
  private async refuseIfBusy(tenantId: string, device: ManagedDevice, serial: string, self?: string): Promise<void> {
    if (REPEATABLE.includes(this.graphAction)) return;
    const mine = (await this.deps.requests.listActive()).find(
      (r) =>
        r.id !== self &&
        r.action === this.actionId &&
        r.device.id.toLowerCase() === device.id.toLowerCase() &&
        r.requester.tenantId === tenantId,
    );
    if (mine)
      throw new InvalidState(
        `A ${WORDS[this.graphAction]} of ${serial} is already under way (${mine.id}, ${mine.state}). Wait for it to finish.`,
      );
    const last = latestActionResult(device, this.graphAction);
    if (last && (last.actionState === 'pending' || last.actionState === 'active'))
      throw new InvalidState(
        `Intune still has a ${WORDS[this.graphAction]} of ${serial} ${last.actionState === 'pending' ? 'waiting for the device' : 'in progress'} (since ${last.startDateTime ?? 'an unknown time'}).`,
      );
  }

  async execute(r: ActionRequest): Promise<LockExecuted> {
    const intune = this.devicesOf(r.requester.tenantId);
    const device = await intune.get(r.device.id);
    try {
      await this.refuseIfBusy(r.requester.tenantId, device, r.device.serialNumber, r.id);
    } catch (error) {
      if (error instanceof InvalidState) return { state: 'Failed', error: error.userMessage };
      throw error;
    }
    const macPin = this.graphAction === 'wipe' && r.params.wipe?.macRecoveryPin ? await this.newMacPin(r) : undefined;
    let submitted;
    try {
      submitted = await intune.deviceAction(r.device.id, this.graphAction, this.bodyOf(r, macPin), {
        justification: this.justification(r),
      });
    } catch (error) {
      // No answer at all: Intune may have it. Never send it again blindly.
      if (error instanceof GraphRequestError && error.status === 0)
        return {
          state: 'Unknown',
          error: `${error.userMessage} Check ${r.device.serialNumber}'s device actions in the Intune admin center before trying again.`,
          pin: macPin,
        };
      if (macPin) await this.dropMacPin(r);
      throw error;
    }
    if (submitted.kind === 'approval') {
      r.approvalId = submitted.approval.id;
      this.deps.logger.info(
        { requestId: r.id, approvalId: r.approvalId, action: this.graphAction },
        'Intune action waits for Multi Admin Approval',
      );
      return { state: 'AwaitingApproval', pin: macPin };
    }
    const after = await this.afterSend(r);
    return { ...after, pin: after.pin ?? macPin };
  }

  /** Graph's parameters: wipe's options as chosen, lost mode's lock-screen text; none for the others. */
  private bodyOf(r: ActionRequest, macPin: string | undefined): Record<string, unknown> | undefined {
    if (this.graphAction === 'wipe') {
      const w = r.params.wipe ?? {};
      const body: WipeOptions = {};
      if (w.keepEnrollmentData !== undefined) body.keepEnrollmentData = w.keepEnrollmentData;
      if (w.keepUserData !== undefined) body.keepUserData = w.keepUserData;
      if (w.persistEsimDataPlan !== undefined) body.persistEsimDataPlan = w.persistEsimDataPlan;
      if (macPin) body.macOsUnlockCode = macPin;
      return { ...body };
    }
    if (this.graphAction === 'enableLostMode') {
      const l = r.params.lostMode;
      return {
        message: l?.message ?? '',
        ...(l?.phoneNumber ? { phoneNumber: l.phoneNumber } : {}),
        ...(l?.footer ? { footer: l.footer } : {}),
      };
    }
    return undefined;
  }

  /** Reads the action back once: its state, and a new passcode when Intune already has it. */
  private async afterSend(r: ActionRequest): Promise<LockExecuted> {
    let result: DeviceActionResult | undefined;
    try {
      result = this.resultFor(r, await this.devicesOf(r.requester.tenantId).get(r.device.id));
    } catch (error) {
      this.deps.logger.warn(
        { requestId: r.id, err: { message: (error as Error).message } },
        'Intune action sent; could not read it back yet',
      );
      return { state: 'Pending' };
    }
    const next = result ? stateOf(this.graphAction, result.actionState) : { state: 'Pending' as const };
    this.takeResult(r, result);
    const passcode = this.graphAction === 'resetPasscode' ? passcodeOf(result) : undefined;
    if (this.graphAction === 'resetPasscode') r.passcode = passcode ? 'shown' : 'in-intune';
    return { ...next, pin: passcode };
  }

  async observe(r: ActionRequest): Promise<{ state: RequestState; error?: string }> {
    if (r.state === 'AwaitingApproval' && r.approvalId) return this.observeApproval(r);
    const result = this.resultFor(r, await this.devicesOf(r.requester.tenantId).get(r.device.id));
    if (!result) return { state: r.state };
    this.takeResult(r, result);
    return stateOf(this.graphAction, result.actionState);
  }

  /** What a finished result carries that the card shows: where a located device is. */
  private takeResult(r: ActionRequest, result: DeviceActionResult | undefined): void {
    if (this.graphAction !== 'locateDevice') return;
    const found = locationOf(result);
    if (found)
      r.location = {
        latitude: found.latitude,
        longitude: found.longitude,
        accuracyMeters: found.horizontalAccuracy,
        at: found.lastCollectedDateTime,
      };
  }

  private observeApproval(r: ActionRequest): Promise<{ state: RequestState; error?: string }> {
    const intune = this.devicesOf(r.requester.tenantId);
    return followApproval(r, intune, this.deps.clock, {
      subject: 'it',
      // Sent with the same parameters as asked for; a Mac's recovery PIN comes from the vault.
      resubmit: async (approvalId) => {
        const macPin = r.params.wipe?.macRecoveryPin
          ? (await this.deps.vault?.read(r.requester.tenantId, r.device.id))?.pin
          : undefined;
        await intune.resubmitDeviceAction(r.device.id, this.graphAction, this.bodyOf(r, macPin), approvalId);
      },
      afterSend: () => this.afterSend(r),
      ended: () => this.dropMacPin(r),
    });
  }

  unknownHint(r: ActionRequest, hours: number): string {
    if (r.state === 'AwaitingApproval') return undecidedApprovalHint(r, hours);
    return `Intune still reported the ${WORDS[this.graphAction]} as pending after ${hours} h: the device has probably not checked in since. Check Devices › ${r.device.serialNumber} › Device actions status in the Intune admin center.`;
  }

  /** The result of this action that belongs to this request, not to an earlier one. */
  private resultFor(r: ActionRequest, device: ManagedDevice): DeviceActionResult | undefined {
    const result = latestActionResult(device, this.graphAction);
    if (!result) return undefined;
    const started = Date.parse(result.startDateTime ?? '');
    return Number.isNaN(started) || started >= (r.sentAt ?? r.createdAt) - SKEW_MS ? result : undefined;
  }

  /**
   * A Mac wipe carries a six-digit recovery PIN (macOsUnlockCode): made here, kept encrypted for
   * 30 days like a lock's (an unused lock PIN of the same Mac gives way: the wipe erases the lock).
   */
  private async newMacPin(r: ActionRequest): Promise<string> {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const vault = this.deps.vault;
    if (!vault) return pin;
    const tenantId = r.requester.tenantId;
    const earlier = await vault.info(tenantId, r.device.id);
    if (earlier) await vault.discard(tenantId, r.device.id, earlier.requestId);
    const now = this.deps.clock.now();
    await vault.put(
      {
        tenantId,
        deviceId: r.device.id,
        serialNumber: r.device.serialNumber,
        requestId: r.id,
        issuedTo: { teamsId: r.requester.teamsId, name: r.requester.name, upn: r.requester.upn },
        issuedAt: now,
        expiresAt: now + PIN_RETENTION_MS,
      },
      pin,
    );
    await this.auditPin(r, {
      step: 'wipe recovery PIN issued',
      keptUntil: new Date(now + PIN_RETENTION_MS).toISOString(),
    });
    return pin;
  }

  private async dropMacPin(r: ActionRequest): Promise<void> {
    if (!r.params.wipe?.macRecoveryPin || !this.deps.vault) return;
    if (await this.deps.vault.discard(r.requester.tenantId, r.device.id, r.id))
      await this.auditPin(r, { step: 'wipe recovery PIN discarded', why: 'the wipe was not sent' });
  }

  private async auditPin(r: ActionRequest, detail: Record<string, unknown>): Promise<void> {
    await this.deps.audit.append({
      actor: actorOf(r.requester),
      tenantId: r.requester.tenantId,
      action: `${this.actionId}.pin`,
      target: { kind: 'device', id: r.device.id, label: r.device.serialNumber },
      requestId: r.id,
      outcome: 'info',
      detail,
    });
  }

  private justification(r: ActionRequest): string {
    return `${WORDS[this.graphAction].replace(/^./, (c) => c.toUpperCase())} of ${r.device.serialNumber} requested in Teams by ${r.requester.name}${r.requester.upn ? ` (${r.requester.upn})` : ''} through Device Desk, request ${r.id}.`;
  }
}
