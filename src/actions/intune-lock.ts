/**
 * Remote lock of Intune devices, plugged into the shared action flow: checks before the
 * confirmation and again on confirm, sends the lock once, follows deviceActionResults (and a Multi
 * Admin Approval request first, when Intune asks for one) to a terminal state, and keeps a Mac's
 * recovery PIN in the vault. The PIN goes back to the caller once, for the requester's eyes only;
 * it is never put on the request, in a log line or in the audit trail.
 */
import { type AuditTrail, actorOf } from '../audit';
import type { Clock } from '../clock';
import { InvalidState } from '../errors';
import {
  type DeviceActionResult,
  type ManagedDevice,
  type ManagedDeviceDirectory,
  type ManagedDevicesFor,
  GraphRequestError,
  isMacOs,
  latestActionResult,
  unlockPinOf,
} from '../intune';
import type { Logger } from '../log';
import { followApproval, undecidedApprovalHint } from './intune-approval';
import type { Executed } from './operations';
import { PIN_RETENTION_MS, type PinVault } from './pin-vault';
import type { ActionRequestStore } from './request-store';
import type { ActionRequest, RequestState } from './types';

export const REMOTE_LOCK = 'remoteLock';
/** Action results older than the request (minus clock skew) belong to an earlier lock. */
const SKEW_MS = 5 * 60_000;

/** What executing gave, plus what only the requester may see. */
export interface LockExecuted extends Executed {
  /** A Mac's recovery PIN, for the requester's own view; never stored in clear. */
  pin?: string;
  /** The device is a Mac and Intune did not report its PIN yet. */
  pinPending?: boolean;
}

/** An action the chat runs through the shared confirmation and tracking, outside Google. */
export interface ActionExecutor {
  /** Refuses (InvalidState) when the action must not run now; called on request and on confirm. */
  precheck(tenantId: string, deviceId: string, serialNumber: string): Promise<void>;
  execute(request: ActionRequest): Promise<LockExecuted>;
  /** One look at the request's progress, for the tracker. May set fields on the request. */
  observe(request: ActionRequest, now: number): Promise<{ state: RequestState; error?: string }>;
  /** What to check when no final answer came before the tracking ceiling. */
  unknownHint(request: ActionRequest, hours: number): string;
}

export interface RemoteLockDeps {
  /** Each request goes through its requester's tenant's own Intune. */
  devices: ManagedDevicesFor;
  vault: PinVault;
  requests: ActionRequestStore;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
}

const ACTION_STATE: Record<string, { state: RequestState; error?: string }> = {
  none: { state: 'Pending' },
  pending: { state: 'Pending' },
  active: { state: 'Acknowledged' },
  done: { state: 'Done' },
  failed: { state: 'Failed', error: 'Intune reports that the device could not be locked.' },
  canceled: { state: 'Failed', error: 'The lock was cancelled in Intune.' },
  notSupported: { state: 'Failed', error: 'This device does not support remote lock.' },
};

export class RemoteLockService implements ActionExecutor {
  /**
   * Devices being locked by this process right now. Across instances the request store does the
   * same: each request is saved as active before its check, so of two racing ones at least one
   * sees the other and refuses.
   */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: RemoteLockDeps) {}

  /** The tenant's own Intune; a tenant without a Graph app can't lock anything. */
  private devicesOf(tenantId: string): ManagedDeviceDirectory {
    const devices = this.deps.devices(tenantId);
    if (!devices)
      throw new InvalidState('Intune is not connected for your organisation, so remote lock is not available.');
    return devices;
  }

  async precheck(tenantId: string, deviceId: string, serialNumber: string): Promise<void> {
    await this.refuseIfBusy(tenantId, await this.devicesOf(tenantId).get(deviceId), serialNumber);
  }

  /** `self`: the request being executed, already saved as active. */
  private async refuseIfBusy(
    tenantId: string,
    device: ManagedDevice,
    serialNumber: string,
    self?: string,
  ): Promise<void> {
    const mine = (await this.deps.requests.listActive()).find(
      (r) =>
        r.id !== self &&
        r.action === REMOTE_LOCK &&
        r.device.id.toLowerCase() === device.id.toLowerCase() &&
        r.requester.tenantId === tenantId,
    );
    if (mine)
      throw new InvalidState(
        `A remote lock of ${serialNumber} is still under way (${mine.id}, ${mine.state}). Wait for it to finish: a second lock would replace the first.`,
      );
    const last = latestActionResult(device, REMOTE_LOCK);
    if (last && (last.actionState === 'pending' || last.actionState === 'active')) {
      throw new InvalidState(
        `Intune still has a remote lock of ${serialNumber} ${last.actionState === 'pending' ? 'waiting for the device' : 'in progress'} (since ${last.startDateTime ?? 'an unknown time'}). A second lock is refused so that the first one's PIN stays valid.`,
      );
    }
    const pin = await this.deps.vault.info(tenantId, device.id);
    if (pin && pin.usedAt === undefined) {
      throw new InvalidState(
        `${serialNumber} was locked with a recovery PIN that has not been used yet (request ${pin.requestId}). A new lock would replace that PIN: once the Mac is unlocked, type \`pin ${serialNumber} used\`, then lock it again.`,
      );
    }
  }

  async execute(r: ActionRequest): Promise<LockExecuted> {
    const key = `${r.requester.tenantId}\u0000${r.device.id.toLowerCase()}`;
    if (this.inFlight.has(key))
      return { state: 'Failed', error: `Another remote lock of ${r.device.serialNumber} is being sent right now.` };
    this.inFlight.add(key);
    try {
      const device = await this.devicesOf(r.requester.tenantId).get(r.device.id);
      try {
        await this.refuseIfBusy(r.requester.tenantId, device, r.device.serialNumber, r.id);
      } catch (error) {
        if (error instanceof InvalidState) return { state: 'Failed', error: error.userMessage };
        throw error;
      }
      let submitted;
      try {
        submitted = await this.devicesOf(r.requester.tenantId).remoteLock(r.device.id, {
          justification: this.justification(r),
        });
      } catch (error) {
        // No answer at all: Intune may have the lock. Never send it again blindly (a Mac would get a new PIN).
        if (error instanceof GraphRequestError && error.status === 0) {
          return {
            state: 'Unknown',
            error: `${error.userMessage} Intune may still have received the lock: check ${r.device.serialNumber} in the Intune admin center (its PIN too, for a Mac) before trying again.`,
          };
        }
        throw error;
      }
      if (submitted.kind === 'approval') {
        r.approvalId = submitted.approval.id;
        this.deps.logger.info(
          { requestId: r.id, approvalId: submitted.approval.id },
          'remote lock waits for Multi Admin Approval',
        );
        return { state: 'AwaitingApproval' };
      }
      return await this.afterSend(r, isMacOs(device.operatingSystem));
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Reads the lock back once: its state, and a Mac's PIN when Intune already has it. */
  private async afterSend(r: ActionRequest, mac: boolean): Promise<LockExecuted> {
    if (mac) r.macPin = 'pending';
    let result: DeviceActionResult | undefined;
    try {
      result = this.resultFor(r, await this.devicesOf(r.requester.tenantId).get(r.device.id));
    } catch (error) {
      // The lock went out; the tracker reads it later.
      this.deps.logger.warn(
        { requestId: r.id, err: { message: (error as Error).message } },
        'remote lock sent; could not read it back yet',
      );
      return { state: 'Pending', pinPending: mac };
    }
    const state = result ? (ACTION_STATE[result.actionState] ?? { state: 'Pending' }) : { state: 'Pending' as const };
    if (state.state === 'Failed') return state;
    const pin = mac ? await this.keepPin(r, result) : undefined;
    return { ...state, pin, pinPending: mac && !pin };
  }

  async observe(r: ActionRequest): Promise<{ state: RequestState; error?: string }> {
    if (r.state === 'AwaitingApproval' && r.approvalId) return this.observeApproval(r);
    const device = await this.devicesOf(r.requester.tenantId).get(r.device.id);
    const result = this.resultFor(r, device);
    if (r.macPin === 'pending' || (r.macPin === undefined && isMacOs(device.operatingSystem))) {
      r.macPin = 'pending';
      await this.keepPin(r, result);
    }
    if (!result) return { state: r.state };
    const next = ACTION_STATE[result.actionState] ?? { state: r.state };
    if (next.state === 'Failed') await this.dropPin(r);
    return next;
  }

  /** The lock did not happen: its PIN would only block the next lock, so it goes. */
  private async dropPin(r: ActionRequest): Promise<void> {
    if (r.macPin !== 'kept' || !(await this.deps.vault.discard(r.requester.tenantId, r.device.id, r.id))) return;
    r.macPin = undefined;
    await this.auditPin(r, { step: 'PIN discarded', why: 'the lock did not happen' });
  }

  /** What happened to a request's PIN, never the PIN itself. */
  private async auditPin(r: ActionRequest, detail: Record<string, unknown>): Promise<void> {
    await this.deps.audit.append({
      actor: actorOf(r.requester),
      tenantId: r.requester.tenantId,
      action: 'remoteLock.pin',
      target: { kind: 'device', id: r.device.id, label: r.device.serialNumber },
      requestId: r.id,
      outcome: 'info',
      detail,
    });
  }

  private observeApproval(r: ActionRequest): Promise<{ state: RequestState; error?: string }> {
    const intune = this.devicesOf(r.requester.tenantId);
    let mac = false;
    return followApproval(r, intune, this.deps.clock, {
      subject: 'the lock',
      resubmit: async (approvalId) => {
        mac = isMacOs((await intune.get(r.device.id)).operatingSystem);
        await intune.resubmitRemoteLock(r.device.id, approvalId);
      },
      afterSend: () => this.afterSend(r, mac),
    });
  }

  unknownHint(r: ActionRequest, hours: number): string {
    if (r.state === 'AwaitingApproval') return undecidedApprovalHint(r, hours);
    return `Intune still reported the lock as pending after ${hours} h: the device has probably not checked in since. Check Devices › ${r.device.serialNumber} › Overview in the Intune admin center.`;
  }

  /** The remote lock result that belongs to this request, not to an earlier lock. */
  private resultFor(r: ActionRequest, device: ManagedDevice): DeviceActionResult | undefined {
    const result = latestActionResult(device, REMOTE_LOCK);
    if (!result) return undefined;
    const started = Date.parse(result.startDateTime ?? '');
    const since = (r.sentAt ?? r.createdAt) - SKEW_MS;
    return Number.isNaN(started) || started >= since ? result : undefined;
  }

  /** Stores a Mac's PIN once Intune reports it. Resolves with the PIN only when it was stored now. */
  private async keepPin(r: ActionRequest, result: DeviceActionResult | undefined): Promise<string | undefined> {
    const pin = unlockPinOf(result);
    if (!pin) return undefined;
    const now = this.deps.clock.now();
    const stored = await this.deps.vault.put(
      {
        tenantId: r.requester.tenantId,
        deviceId: r.device.id,
        serialNumber: r.device.serialNumber,
        requestId: r.id,
        issuedTo: { teamsId: r.requester.teamsId, name: r.requester.name, upn: r.requester.upn },
        issuedAt: now,
        expiresAt: now + PIN_RETENTION_MS,
      },
      pin,
    );
    r.macPin = 'kept';
    if (!stored) {
      this.deps.logger.warn(
        { requestId: r.id, deviceId: r.device.id },
        'a recovery PIN for this device is already kept; the new one was not stored',
      );
      return undefined;
    }
    await this.auditPin(r, { step: 'PIN issued', keptUntil: new Date(now + PIN_RETENTION_MS).toISOString() });
    return pin;
  }

  private justification(r: ActionRequest): string {
    return `Remote lock of ${r.device.serialNumber} requested in Teams by ${r.requester.name}${r.requester.upn ? ` (${r.requester.upn})` : ''} through Device Desk, request ${r.id}.`;
  }
}
