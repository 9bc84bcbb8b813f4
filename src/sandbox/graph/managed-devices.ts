/**
 * The emulator's Intune: managed devices, remote lock with deviceActionResults that move on the
 * emulator's clock (pending → active → done, or failed; offline devices stay pending, as Intune
 * leaves them), the macOS recovery PIN, and Multi Admin Approval for the lock.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../clock';
import type { IntuneDeviceBehaviour, IntuneFleetDevice } from '../fleet';
import { deviceActionEligibility, platformSupports, type DeviceActionName } from '../../intune';

/** How long a device that is online takes for each step of a lock. */
export const LOCK_STEP_MS = 3_000;
/** The same for every other device action. */
export const ACTION_STEP_MS = LOCK_STEP_MS;

/** A made-up place near the sandbox's offices, the same for a device every time. */
function locationOf(id: string): { latitude: number; longitude: number; horizontalAccuracy: number } {
  const seed = [...id].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 100_000, 7);
  return { latitude: 47.64 + (seed % 100) / 10_000, longitude: -122.13 - (seed % 37) / 10_000, horizontalAccuracy: 25 };
}
/** Approval requests expire if nobody decides (Intune: 30 days; shorter here for demos). */
export const APPROVAL_TTL_MS = 24 * 3_600_000;

export interface EmulatedLock {
  startedAt: number;
  /** macOS only. */
  unlockPin?: string;
  behaviour: IntuneDeviceBehaviour['connectivity'] | 'notSupported' | 'leaving';
}

/**
 * Enrolments Intune's remote lock supports (seed 003; https://learn.microsoft.com/intune/intune-service/remote-actions/device-remote-lock):
 * Android Enterprise dedicated, fully managed and corporate-owned work profile, AOSP, iOS/iPadOS,
 * macOS. Not Windows, Linux, personally owned work profile or device administrator.
 */
const LOCKABLE_ANDROID_ENROLMENTS = new Set([
  'androidEnterpriseDedicatedDevice',
  'androidEnterpriseFullyManaged',
  'androidEnterpriseCorporateWorkProfile',
  'androidAOSPUserlessDeviceEnrollment',
  'androidAOSPUserOwnedDeviceEnrollment',
]);

function platformTakesLock(d: IntuneFleetDevice): boolean {
  if (['iOS', 'iPadOS', 'macOS'].includes(d.operatingSystem)) return true;
  return d.operatingSystem === 'Android' && LOCKABLE_ANDROID_ENROLMENTS.has(d.deviceEnrollmentType);
}

/** A device Intune is retiring or wiping runs no further action (managementState, reference enums). */
const LEAVING_STATES = new Set(['retirePending', 'wipePending', 'deletePending', 'retireIssued', 'wipeIssued']);

export interface ApproverIdentity {
  id: string;
  displayName: string;
}

/** One device action the emulator runs (besides remote lock): its parameters and how it goes. */
export interface EmulatedAction {
  name: DeviceActionName;
  startedAt: number;
  behaviour: IntuneDeviceBehaviour['connectivity'] | 'notSupported' | 'leaving';
  body?: Record<string, unknown>;
  /** resetPasscode: the passcode Intune generated. */
  passcode?: string;
}

export interface EmulatedApproval {
  id: string;
  deviceId: string;
  operation: 'remoteLock' | DeviceActionName;
  /** The protected call's parameters: the approved call must carry the same. */
  body?: Record<string, unknown>;
  status: 'needsApproval' | 'approved' | 'rejected' | 'cancelled' | 'completed' | 'expired';
  requestJustification: string;
  approvalJustification?: string;
  approver?: ApproverIdentity;
  createdAt: number;
  expiresAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EmulatedIntune {
  private readonly devices = new Map<string, IntuneFleetDevice>();
  private readonly locks = new Map<string, EmulatedLock>();
  private readonly approvals = new Map<string, EmulatedApproval>();
  private readonly lockCounts = new Map<string, number>();
  private readonly actions = new Map<string, EmulatedAction[]>();
  /** Multi Admin Approval for remote lock: off until a test or demo turns it on. */
  approvalRequired = false;
  /**
   * Device actions protected by a Multi Admin Approval access policy. Intune's policies for device
   * actions cover retire, wipe and delete
   * (https://learn.microsoft.com/intune/fundamentals/role-based-access-control/multi-admin-approval); none by default.
   */
  readonly approvalActions = new Set<DeviceActionName>();
  /**
   * When a Mac's lock result starts to carry its PIN. Graph's timing is unconfirmed, so the bot
   * must cope with either: at once, or only once the device ran the lock.
   */
  pinReported: 'at-issue' | 'when-done' = 'at-issue';

  constructor(
    devices: IntuneFleetDevice[] = [],
    readonly clock: Clock = systemClock,
    /** The app (client id) whose app-only calls file approval requests. */
    private readonly requestorAppId = 'device-desk',
    /** Finds an approver by UPN in the tenant's directory (the emulator's Entra users). */
    private readonly findPerson: (upn: string) => ApproverIdentity | undefined = () => undefined,
  ) {
    for (const d of devices) this.devices.set(d.id.toLowerCase(), structuredClone(d));
  }

  get size(): number {
    return this.devices.size;
  }

  all(): IntuneFleetDevice[] {
    return [...this.devices.values()];
  }

  find(id: string): IntuneFleetDevice | undefined {
    return this.devices.get(id.toLowerCase());
  }

  bySerial(serial: string): IntuneFleetDevice | undefined {
    return this.all().find((d) => d.serialNumber.toLowerCase() === serial.toLowerCase());
  }

  setBehaviour(id: string, change: Partial<IntuneDeviceBehaviour>): void {
    const d = this.find(id);
    if (!d) throw new Error(`no managed device ${id}`);
    d.behaviour = { ...d.behaviour, ...change };
  }

  /** How many remote locks reached the device (a second one would replace a macOS PIN). */
  lockCount(id: string): number {
    return this.lockCounts.get(id.toLowerCase()) ?? 0;
  }

  /** The PIN Intune holds for the device's last lock (what the Intune admin center would show). */
  currentPin(id: string): string | undefined {
    return this.locks.get(id.toLowerCase())?.unlockPin;
  }

  /** The device in Graph's shape, its action results as of the clock. */
  resource(d: IntuneFleetDevice): Record<string, unknown> {
    const { behaviour: _behaviour, ...fields } = d;
    const lock = this.locks.get(d.id.toLowerCase());
    return {
      '@odata.type': '#microsoft.graph.managedDevice',
      ...fields,
      ...this.effectsOn(d),
      deviceActionResults: [
        ...(lock ? [this.lockResult(lock)] : []),
        ...(this.actions.get(d.id.toLowerCase()) ?? []).map((a) => this.actionResult(d, a)),
      ],
    };
  }

  /** Every device action sent to the device, oldest first. */
  actionsOn(id: string): EmulatedAction[] {
    return [...(this.actions.get(id.toLowerCase()) ?? [])];
  }

  /**
   * Runs a device action: Intune accepts it (204) and the device takes it at its next check-in.
   * What Graph answers for a platform that can't take the action is unconfirmed: as for remote lock,
   * the call is accepted and the result reports notSupported (reference enums.actionState, and the
   * platform lists each action's page gives, src/intune/device-actions.ts); a device being retired or
   * wiped runs nothing else (stays pending).
   */
  runAction(id: string, name: DeviceActionName, body?: Record<string, unknown>): EmulatedAction {
    const d = this.find(id);
    if (!d) throw new Error(`no managed device ${id}`);
    const eligible = deviceActionEligibility(name, this.managedView(d));
    const leaving = LEAVING_STATES.has(d.managementState);
    // A supported platform in the wrong state (lost mode already on, or off) fails on the device.
    const behaviour = leaving
      ? 'leaving'
      : !platformSupports(name, d) || d.behaviour.rejects?.includes(name)
        ? 'notSupported'
        : !eligible.allowed
          ? 'failing'
          : d.behaviour.connectivity;
    const action: EmulatedAction = { name, startedAt: this.clock.now(), behaviour, body };
    if (name === 'resetPasscode' && behaviour !== 'notSupported')
      action.passcode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const list = this.actions.get(d.id.toLowerCase()) ?? [];
    // Intune keeps one result per action name: a new one replaces the last.
    this.actions.set(d.id.toLowerCase(), [...list.filter((a) => a.name !== name), action]);
    if (name === 'retire' && behaviour !== 'notSupported') d.managementState = 'retirePending';
    if (name === 'wipe' && behaviour !== 'notSupported') d.managementState = 'wipePending';
    return action;
  }

  /** Fields an action changes once the device ran it (managementState, lastSyncDateTime). */
  private effectsOn(d: IntuneFleetDevice): Partial<IntuneFleetDevice> {
    const effects: Partial<IntuneFleetDevice> = {};
    for (const a of this.actions.get(d.id.toLowerCase()) ?? []) {
      const state = this.stateOf(a).actionState;
      if (a.name === 'syncDevice' && state === 'done') effects.lastSyncDateTime = iso(a.startedAt + ACTION_STEP_MS);
      if (a.name === 'retire' && (state === 'done' || state === 'failed'))
        effects.managementState = state === 'done' ? 'retireIssued' : 'retireFailed';
      if (a.name === 'wipe' && (state === 'done' || state === 'failed'))
        effects.managementState = state === 'done' ? 'wipeIssued' : 'wipeFailed';
    }
    return effects;
  }

  /** The fields the shared eligibility rule reads, as the bot would read them from Graph. */
  private managedView(d: IntuneFleetDevice) {
    const lock = this.locks.get(d.id.toLowerCase());
    return {
      ...d,
      deviceActionResults: [
        ...(lock ? [this.lockResult(lock)] : []),
        ...(this.actions.get(d.id.toLowerCase()) ?? []).map((a) => ({
          actionName: a.name,
          startDateTime: iso(a.startedAt),
          ...this.stateOf(a),
        })),
      ] as never,
    };
  }

  /** pending → active after a step → done after two (failed for a failing device); offline devices stay pending. */
  private stateOf(a: EmulatedAction): { actionState: string; lastUpdatedDateTime: string } {
    const elapsed = this.clock.now() - a.startedAt;
    const at = (steps: number) => iso(a.startedAt + steps * ACTION_STEP_MS);
    if (a.behaviour === 'notSupported') return { actionState: 'notSupported', lastUpdatedDateTime: at(0) };
    if (a.behaviour === 'offline' || a.behaviour === 'leaving' || elapsed < ACTION_STEP_MS)
      return { actionState: 'pending', lastUpdatedDateTime: at(0) };
    if (a.behaviour === 'failing') return { actionState: 'failed', lastUpdatedDateTime: at(1) };
    if (elapsed < 2 * ACTION_STEP_MS) return { actionState: 'active', lastUpdatedDateTime: at(1) };
    return { actionState: 'done', lastUpdatedDateTime: at(2) };
  }

  /**
   * deviceActionResult in Graph's shape; resetPasscode and locateDevice carry their derived types
   * (reference complexTypes resetPasscodeActionResult {passcode, errorCode},
   * locateDeviceActionResult {deviceLocation: deviceGeoLocation}). When Intune fills them in is
   * unconfirmed: the passcode at issue, the location once the device answered.
   */
  private actionResult(d: IntuneFleetDevice, a: EmulatedAction): Record<string, unknown> {
    const state = this.stateOf(a);
    const base = { actionName: a.name, ...state, startDateTime: iso(a.startedAt) };
    if (a.name === 'resetPasscode' && a.passcode)
      return {
        '@odata.type': 'microsoft.graph.resetPasscodeActionResult',
        ...base,
        passcode: a.passcode,
        errorCode: 0,
      };
    if (a.name === 'locateDevice' && state.actionState === 'done')
      return {
        '@odata.type': 'microsoft.graph.locateDeviceActionResult',
        ...base,
        deviceLocation: { ...locationOf(d.id), lastCollectedDateTime: state.lastUpdatedDateTime },
      };
    return base;
  }

  /** Issues a lock now: the device gets it at its next check-in. */
  lock(id: string): void {
    const d = this.find(id);
    if (!d) throw new Error(`no managed device ${id}`);
    const key = d.id.toLowerCase();
    // What Graph does when asked to lock a device that can't take it is unconfirmed: the emulator
    // accepts the call (204) and reports the result as notSupported (actionState enum, reference
    // enums.actionState); a device being retired or wiped never runs it (stays pending).
    const behaviour = !platformTakesLock(d)
      ? 'notSupported'
      : LEAVING_STATES.has(d.managementState)
        ? 'leaving'
        : d.behaviour.connectivity;
    this.locks.set(key, {
      startedAt: this.clock.now(),
      behaviour,
      // Intune makes the six-digit PIN the Mac will ask for; a new lock makes a new one.
      unlockPin:
        d.operatingSystem === 'macOS' && behaviour !== 'notSupported'
          ? String(randomInt(0, 1_000_000)).padStart(6, '0')
          : undefined,
    });
    this.lockCounts.set(key, this.lockCount(key) + 1);
  }

  private lockResult(lock: EmulatedLock): Record<string, unknown> {
    const elapsed = this.clock.now() - lock.startedAt;
    let actionState: string;
    let updated = lock.startedAt;
    if (lock.behaviour === 'notSupported') {
      actionState = 'notSupported';
    } else if (lock.behaviour === 'offline' || lock.behaviour === 'leaving' || elapsed < LOCK_STEP_MS) {
      actionState = 'pending';
    } else if (lock.behaviour === 'failing') {
      actionState = 'failed';
      updated += LOCK_STEP_MS;
    } else if (elapsed < 2 * LOCK_STEP_MS) {
      actionState = 'active';
      updated += LOCK_STEP_MS;
    } else {
      actionState = 'done';
      updated += 2 * LOCK_STEP_MS;
    }
    const showPin = lock.unlockPin && (this.pinReported === 'at-issue' || actionState === 'done');
    return {
      ...(showPin ? { '@odata.type': 'microsoft.graph.remoteLockActionResult', unlockPin: lock.unlockPin } : {}),
      actionName: 'remoteLock',
      actionState,
      startDateTime: iso(lock.startedAt),
      lastUpdatedDateTime: iso(updated),
    };
  }

  fileApproval(
    deviceId: string,
    justification: string,
    operation: EmulatedApproval['operation'] = 'remoteLock',
    body?: Record<string, unknown>,
  ): EmulatedApproval {
    const now = this.clock.now();
    const approval: EmulatedApproval = {
      id: randomUUID(),
      deviceId: deviceId.toLowerCase(),
      operation,
      body,
      status: 'needsApproval',
      requestJustification: justification,
      createdAt: now,
      expiresAt: now + APPROVAL_TTL_MS,
    };
    this.approvals.set(approval.id, approval);
    return approval;
  }

  approval(id: string): EmulatedApproval | undefined {
    const a = this.approvals.get(id.toLowerCase()) ?? this.approvals.get(id);
    if (a && a.status === 'needsApproval' && this.clock.now() > a.expiresAt) a.status = 'expired';
    return a;
  }

  /** Every approval request, newest last (expired ones marked as such). */
  allApprovals(): EmulatedApproval[] {
    return [...this.approvals.values()].map((a) => this.approval(a.id) ?? a);
  }

  pendingApprovals(): EmulatedApproval[] {
    return [...this.approvals.values()].filter((a) => this.approval(a.id)?.status === 'needsApproval');
  }

  /** A second Intune admin's decision, as they would give it in the Intune admin center. */
  decide(
    id: string,
    decision: 'approved' | 'rejected',
    /** The approving admin, or their UPN to look up in the tenant. */
    approver: ApproverIdentity | string,
    justification = '',
  ): EmulatedApproval {
    const a = this.approval(id);
    if (!a) throw new Error(`no approval request ${id}`);
    if (a.status !== 'needsApproval') throw new Error(`approval request ${id} is ${a.status}`);
    a.status = decision;
    a.approver =
      typeof approver === 'string'
        ? (this.findPerson(approver) ?? { id: approver, displayName: approver })
        : { ...approver };
    a.approvalJustification = justification;
    return a;
  }

  /**
   * Graph's operationApprovalRequest (beta): requestor and approver are identitySets whose user is
   * {id, displayName} — no UPN (microsoftgraph/microsoft-graph-docs-contrib
   * api-reference/beta/resources/intune-rbac-operationapprovalrequest.md; reference namesOnlyBeta).
   * requiredOperationApprovalPolicyTypes for a device action is unconfirmed ("deviceAction" here).
   */
  approvalResource(a: EmulatedApproval): Record<string, unknown> {
    return {
      '@odata.type': '#microsoft.graph.operationApprovalRequest',
      id: a.id,
      requestDateTime: iso(a.createdAt),
      expirationDateTime: iso(a.expiresAt),
      lastModifiedDateTime: iso(this.clock.now()),
      requestor: { application: { id: this.requestorAppId, displayName: 'Device Desk' }, device: null, user: null },
      approver: a.approver ? { application: null, device: null, user: { ...a.approver } } : null,
      status: a.status,
      requestJustification: a.requestJustification,
      approvalJustification: a.approvalJustification ?? null,
      requiredOperationApprovalPolicyTypes: ['deviceAction'],
    };
  }
}
