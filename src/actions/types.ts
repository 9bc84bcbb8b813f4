import type { ConversationReference } from 'botbuilder';
import type { DeprovisionReason } from '../directory';
import type { RequesterRef } from '../access';
import type { ActionId } from './catalogue';

export type { RequesterRef };

/** Where a card was posted, as Bot Framework names a conversation. */
export type ConversationRef = Partial<ConversationReference>;

/** What the requester asked for beyond the action itself. */
export interface ActionParams {
  /** Deprovision only: one of the four reasons. */
  reason?: DeprovisionReason;
  /** Restart only: seconds (0–300) the user session gets before the reboot. */
  delaySeconds?: number;
  /**
   * Intune wipe: the options that apply to the device's platform (a key is there only where it
   * applies) and what the requester chose on the confirmation card.
   */
  wipe?: WipeChoices;
  /** Intune lost mode: what the lock screen shows. */
  lostMode?: { message: string; phoneNumber?: string; footer?: string };
}

/** Intune's wipe options, per platform (https://learn.microsoft.com/intune/device-management/actions/wipe). */
export interface WipeChoices {
  /** Windows: doWipePersistProvisionedData. */
  keepEnrollmentData?: boolean;
  /** Windows: doWipePersistUserData (user data and accounts stay; the device stays enrolled). */
  keepUserData?: boolean;
  /** iOS/iPadOS with eSIM: keep the cellular data plan (Intune keeps it by default). */
  persistEsimDataPlan?: boolean;
  /** macOS: a six-digit recovery PIN is made for the wipe and shown to the requester only. */
  macRecoveryPin?: boolean;
}

export interface DeviceRef {
  id: string;
  serialNumber: string;
  model?: string;
  orgUnitPath?: string;
}

/** A pending "are you sure?": single-use, bound to one person, one action and one device. */
export interface Confirmation {
  id: string;
  requester: RequesterRef;
  action: ActionId;
  device: DeviceRef;
  params: ActionParams;
  createdAt: number;
  expiresAt: number;
  /** Where the card is, so it can be replaced by the status card for everyone. */
  conversation?: ConversationRef;
  cardActivityId?: string;
  /** The device card the action was started from (shown fresh once the action ends). */
  deviceCardActivityId?: string;
}

// AwaitingApproval: Intune holds the action until a second admin approves it (Multi Admin Approval).
export const REQUEST_STATES = [
  'Pending',
  'AwaitingApproval',
  'Sent',
  'Acknowledged',
  'Done',
  'Failed',
  'Expired',
  'Unknown',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const TERMINAL_STATES: readonly RequestState[] = ['Done', 'Failed', 'Expired', 'Unknown'];

export function isTerminal(state: RequestState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** One step of a composite action (retire for good), as it went. */
export interface StepResult {
  label: string;
  state: 'Done' | 'Sent' | 'Failed' | 'Unknown' | 'Not sent';
  error?: string;
}

export interface StateChange {
  state: RequestState;
  at: number;
}

/** One executed action, tracked until Google says how it ended. */
export interface ActionRequest {
  id: string;
  requester: RequesterRef;
  action: ActionId;
  device: DeviceRef;
  params: ActionParams;
  state: RequestState;
  /** Google's command id, for commands (not for status changes). */
  commandId?: string;
  commandExpireTime?: string;
  /** Why it failed, or what to check when it is Unknown. */
  error?: string;
  createdAt: number;
  updatedAt: number;
  history: StateChange[];
  /** Where to update the card and post the closing message. */
  conversation?: ConversationRef;
  cardActivityId?: string;
  /** The device card the action was started from (shown fresh once the action ends). */
  deviceCardActivityId?: string;
  /** Tracking: number of the next poll, so stale or duplicate jobs know to stop. */
  pollSeq: number;
  /** Intune: the Multi Admin Approval request the action waits for, and who approved it. */
  approvalId?: string;
  approvedBy?: string;
  /** When the action actually went out, if later than createdAt (after an approval). */
  sentAt?: number;
  /** A composite action's steps (retire for good: deprovision, then factory reset). */
  steps?: StepResult[];
  /** Mac remote lock: whether its recovery PIN is in the vault yet. Never the PIN itself. */
  macPin?: 'pending' | 'kept';
  /** Intune locate: where the device was found. */
  location?: { latitude: number; longitude: number; accuracyMeters?: number; at?: string };
  /** Intune reset passcode: whether the requester was shown the new passcode (never the passcode). */
  passcode?: 'shown' | 'in-intune';
}
