/**
 * The bot's view of Intune's managed devices, in Graph's own field names. Nothing outside
 * src/intune knows whether it talks to Graph or to the sandbox emulator.
 */

/** Graph's bound actions on managedDevice that Device Desk sends (besides remoteLock). */
export const DEVICE_ACTION_NAMES = [
  'syncDevice',
  'rebootNow',
  'retire',
  'wipe',
  'resetPasscode',
  'enableLostMode',
  'disableLostMode',
  'locateDevice',
] as const;
export type DeviceActionName = (typeof DEVICE_ACTION_NAMES)[number];

/** Graph's actionState of a device action. */
export const ACTION_STATES = ['none', 'pending', 'canceled', 'active', 'done', 'failed', 'notSupported'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

export interface DeviceActionResult {
  actionName: string;
  actionState: ActionState;
  /** ISO 8601. */
  startDateTime?: string;
  lastUpdatedDateTime?: string;
  /**
   * macOS remote lock: the recovery PIN Intune generated. Where Graph puts it exactly is
   * unconfirmed (remoteLockActionResult.unlockPin); read it only through unlockPinOf().
   */
  unlockPin?: string;
}

export interface ManagedDevice {
  id: string;
  deviceName: string;
  serialNumber: string;
  /** iOS, iPadOS, macOS, Android, Windows… */
  operatingSystem: string;
  osVersion?: string;
  userPrincipalName?: string;
  userDisplayName?: string;
  model?: string;
  manufacturer?: string;
  /** compliant, noncompliant, inGracePeriod, unknown, conflict, error, configManager */
  complianceState?: string;
  /** managed, retirePending, wipePending, … */
  managementState?: string;
  /** company or personal */
  managedDeviceOwnerType?: string;
  /** How it was enrolled, e.g. androidEnterpriseFullyManaged, appleBulkWithUser, windowsAzureADJoin. */
  deviceEnrollmentType?: string;
  /** Which agent manages it, e.g. mdm, googleCloudDevicePolicyController, intuneAosp. */
  managementAgent?: string;
  /** iOS/iPadOS: supervised (lost mode, restart and locate need it). */
  isSupervised?: boolean;
  lastSyncDateTime?: string;
  enrolledDateTime?: string;
  deviceActionResults: DeviceActionResult[];
}

/** Fields of a search; given ones must all match (exact, case-insensitive). */
export interface ManagedDeviceQuery {
  serialNumber?: string;
  deviceName?: string;
  userPrincipalName?: string;
  operatingSystem?: string;
}

/** Intune Multi Admin Approval: Graph's operationApprovalRequest status. */
export type ApprovalStatus =
  'unknown' | 'needsApproval' | 'approved' | 'rejected' | 'cancelled' | 'completed' | 'expired';

export interface ApprovalRequest {
  id: string;
  status: ApprovalStatus;
  requestJustification?: string;
  approvalJustification?: string;
  /** ISO 8601. */
  expirationDateTime?: string;
  /** Graph names the approving admin by Entra object id and display name (no UPN). */
  approverId?: string;
  approverName?: string;
}

/** What submitting a remote lock gave: sent to the device, or held until a second admin approves. */
export type LockSubmission = { kind: 'sent' } | { kind: 'approval'; approval: ApprovalRequest };
/** The same for any device action. */
export type ActionSubmission = LockSubmission;

export interface ManagedDeviceDirectory {
  /** Every managed device, a page at a time (@odata.nextLink followed). */
  pages(pageSize?: number): AsyncIterable<ManagedDevice[]>;
  search(query: ManagedDeviceQuery): Promise<ManagedDevice[]>;
  /** One device with its deviceActionResults; DeviceNotFound when Intune has no such device. */
  get(id: string): Promise<ManagedDevice>;
  /**
   * Sends a remote lock once (never retried after a server error: a repeated lock would issue a
   * new PIN). Under Multi Admin Approval it files an approval request with the justification.
   */
  remoteLock(id: string, options: { justification: string }): Promise<LockSubmission>;
  /** Reads an approval request, to poll it. */
  approval(id: string): Promise<ApprovalRequest>;
  /** Sends the remote lock again, carrying the approved request. */
  resubmitRemoteLock(id: string, approvalId: string): Promise<void>;
  /**
   * Sends one of Graph's device actions once, with its parameters (never retried after a server
   * error). Under Multi Admin Approval it files an approval request with the justification.
   */
  deviceAction(
    id: string,
    action: DeviceActionName,
    body: Record<string, unknown> | undefined,
    options: { justification: string },
  ): Promise<ActionSubmission>;
  /** Sends the action again, carrying the approved request. */
  resubmitDeviceAction(
    id: string,
    action: DeviceActionName,
    body: Record<string, unknown> | undefined,
    approvalId: string,
  ): Promise<void>;
}

const PIN = /^\d{4,16}$/;

/**
 * The macOS recovery PIN of a remote lock result. Graph's documentation puts it on
 * remoteLockActionResult.unlockPin; a nested object is accepted too, since that is unconfirmed.
 */
export function unlockPinOf(result: DeviceActionResult | undefined): string | undefined {
  if (!result) return undefined;
  const raw = result as unknown as Record<string, unknown>;
  const nested = raw.remoteLockActionResult as Record<string, unknown> | undefined;
  const candidate = raw.unlockPin ?? nested?.unlockPin;
  return typeof candidate === 'string' && PIN.test(candidate) ? candidate : undefined;
}

/** The newest result of an action on the device (Intune keeps one per action name). */
export function latestActionResult(device: ManagedDevice, actionName: string): DeviceActionResult | undefined {
  const mine = device.deviceActionResults.filter((r) => r.actionName?.toLowerCase() === actionName.toLowerCase());
  return mine.sort((a, b) => Date.parse(b.startDateTime ?? '') - Date.parse(a.startDateTime ?? '') || 0)[0];
}

/** macOS needs a recovery PIN to be unlocked; the others unlock with their own passcode. */
export function isMacOs(operatingSystem: string | undefined): boolean {
  return /^mac\s*os|^osx$/i.test((operatingSystem ?? '').trim());
}

/** A tenant's own Intune, or undefined when the tenant has no Graph app. */
export type ManagedDevicesFor = (tenantId: string) => ManagedDeviceDirectory | undefined;
