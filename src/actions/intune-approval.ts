/**
 * Following a Multi Admin Approval request (Intune's operationApprovalRequest) for one action, the
 * same for remote lock and for Intune's everyday actions: a decision ends it or sends the action
 * once, with the approval's id.
 */
import type { Clock } from '../clock';
import type { ApprovalRequest, ManagedDeviceDirectory } from '../intune';
import type { ActionRequest, RequestState } from './types';

type Followed = { state: RequestState; error?: string };

export interface ApprovalSteps {
  /** How the action's messages name it: "the lock", "it". */
  subject: string;
  /** Sends the approved action, once. */
  resubmit(approvalId: string): Promise<void>;
  /** Reads the action back once it is sent. */
  afterSend(): Promise<Followed>;
  /** Clean-up when the approval ended and nothing was sent (a wiped Mac's recovery PIN goes). */
  ended?(): Promise<void>;
}

/** Why an approval ended without the action, or undefined while it may still go ahead. */
function endingOf(status: ApprovalRequest['status'], subject: string): string | undefined {
  if (status === 'rejected')
    return `A second Intune admin rejected ${subject} (Multi Admin Approval). Nothing was sent to the device.`;
  if (status === 'cancelled') return 'The approval request was cancelled in Intune. Nothing was sent to the device.';
  if (status === 'expired')
    return `Nobody approved ${subject} in time (Multi Admin Approval). Nothing was sent to the device.`;
  return undefined;
}

/** One look at the request's approval; on "approved" the action is sent now, in the same save. */
export async function followApproval(
  r: ActionRequest,
  intune: ManagedDeviceDirectory,
  clock: Clock,
  steps: ApprovalSteps,
): Promise<Followed> {
  const approval = await intune.approval(r.approvalId as string);
  const ended = endingOf(approval.status, steps.subject);
  if (ended) {
    await steps.ended?.();
    const reason = approval.approvalJustification;
    return { state: 'Failed', error: reason ? `${ended} Reason given: ${reason}` : ended };
  }
  if (approval.status === 'completed') {
    // Our resubmission went through but its answer was lost: follow the action from here.
    r.sentAt ??= clock.now();
    return { state: 'Pending' };
  }
  if (approval.status !== 'approved') return { state: 'AwaitingApproval' };
  await steps.resubmit(approval.id);
  r.approvedBy = approval.approverName;
  r.sentAt = clock.now();
  const after = await steps.afterSend();
  // A PIN, if any, is in the vault now; the tracker has no requester to show it to.
  return { state: after.state, error: after.error };
}

/** What to check when nobody decided on the approval before the tracking ceiling. */
export function undecidedApprovalHint(r: ActionRequest, hours: number): string {
  return `Nobody decided on the approval request after ${hours} h. Check Tenant administration › Multi Admin Approval in the Intune admin center (request ${r.approvalId ?? 'unknown'}).`;
}
