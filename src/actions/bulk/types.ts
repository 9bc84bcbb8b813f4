/**
 * A bulk run: one action on many exactly identified devices, previewed before anything happens,
 * optionally approved by a second person, then executed as a durable background job whose
 * per-device progress is persisted so that a restart never acts on a device twice.
 */
import type { ConversationReference } from 'botbuilder';
import type { DeviceContext } from '../../access';
import type { ActionId } from '../catalogue';
import type { ActionParams, RequesterRef } from '../types';

/** Why an entry of the list is not acted on. */
export type SkipReason = 'not-found' | 'ambiguous' | 'wrong-state' | 'out-of-scope' | 'no-permission';

export const SKIP_REASONS: readonly SkipReason[] = [
  'not-found',
  'ambiguous',
  'wrong-state',
  'out-of-scope',
  'no-permission',
];

export interface SkippedEntry {
  /** What the requester typed (or the device's serial, for an org unit). */
  input: string;
  reason: SkipReason;
  detail: string;
}

/** A device the run will act on, with what the access check needs to re-check it later. */
export interface BulkTarget {
  deviceId: string;
  serialNumber: string;
  /** The entry that named it. */
  input: string;
  context: DeviceContext;
}

export type RunState =
  'preview' | 'awaiting-approval' | 'queued' | 'running' | 'completed' | 'cancelled' | 'rejected' | 'expired';

export const ACTIVE_RUN_STATES: readonly RunState[] = ['queued', 'running'];

export function isFinished(state: RunState): boolean {
  return state === 'completed' || state === 'cancelled' || state === 'rejected' || state === 'expired';
}

export interface ApprovalInfo {
  /** Why a second person is needed, in words. */
  why: string;
  requestedAt?: number;
  expiresAt?: number;
  /** Where the approval request was posted (the help desk channel). */
  conversation?: Partial<ConversationReference>;
  cardActivityId?: string;
  decidedBy?: RequesterRef;
  decidedAt?: number;
  decision?: 'approved' | 'rejected';
}

export interface BulkRun {
  /** BR-XXXXXX */
  id: string;
  tenantId: string;
  requester: RequesterRef;
  action: ActionId;
  params: ActionParams;
  /** How the devices were named: a typed list, a CSV file or an org unit. */
  source: string;
  state: RunState;
  /** Devices to act on. */
  total: number;
  /** Most devices the requester may act on in one run (their roles' limit). */
  limit: number;
  skipped: SkippedEntry[];
  duplicates: number;
  blanks: number;
  /** Set when the run needs a second person. */
  approval?: ApprovalInfo;
  createdAt: number;
  updatedAt: number;
  /** The preview's Start button works until then. */
  previewExpiresAt: number;
  /** Where the preview / progress card is. */
  conversation?: Partial<ConversationReference>;
  cardActivityId?: string;
  startedAt?: number;
  finishedAt?: number;
  /** Why it ended early, when it did. */
  note?: string;
  /** Secret part of the results download link (the link is as private as the card it is on). */
  downloadToken?: string;
}

/**
 * Per-device progress. A device without a record is pending. 'approval': Intune's Multi Admin
 * Approval holds the action until a second Intune admin approves it (nothing failed).
 */
/** 'skipped': not sent, because the device left the requester's scope (or they lost the role) after the preview. */
export type ItemState = 'inflight' | 'done' | 'failed' | 'unknown' | 'approval' | 'skipped';

export interface ItemRecord {
  deviceId: string;
  state: ItemState;
  /** Google's command id (commands), or Intune's approval request id ('approval'). */
  commandId?: string;
  error?: string;
  at: number;
}

export interface BulkCounts {
  total: number;
  done: number;
  failed: number;
  unknown: number;
  /** Waiting for a second Intune admin (Multi Admin Approval); present only when some are. */
  approval?: number;
  /** Not sent: out of the requester's scope when their turn came; present only when some are. */
  skipped?: number;
  pending: number;
}

/** One line of the final report. */
export interface BulkResultRow {
  serialNumber: string;
  deviceId: string;
  input: string;
  result: 'done' | 'failed' | 'unknown' | 'waiting for approval' | 'not run' | SkipReason | 'duplicate';
  commandId?: string;
  detail?: string;
}

export function countsOf(total: number, items: Iterable<ItemRecord>): BulkCounts {
  let done = 0;
  let failed = 0;
  let unknown = 0;
  let approval = 0;
  let skipped = 0;
  for (const i of items) {
    if (i.state === 'done') done++;
    else if (i.state === 'failed') failed++;
    else if (i.state === 'unknown') unknown++;
    else if (i.state === 'approval') approval++;
    else if (i.state === 'skipped') skipped++;
  }
  return {
    total,
    done,
    failed,
    unknown,
    ...(approval ? { approval } : {}),
    ...(skipped ? { skipped } : {}),
    pending: Math.max(0, total - done - failed - unknown - approval - skipped),
  };
}
