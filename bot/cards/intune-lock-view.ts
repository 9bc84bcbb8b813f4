/** What the shared confirmation and status cards say about an Intune remote lock. Never a PIN. */
import type { ActionRequest } from '../../src/actions';

/** Macs are locked with a recovery PIN; phones and tablets with their own passcode. Told apart by the model Intune reports. */
export function remoteLockImpact(serial: string, model?: string): string {
  const lock = `${serial} will be locked at once: its user will need the device passcode to get back in.`;
  if (!/\bi?mac/i.test(model ?? '')) return lock;
  return `${serial} will be locked at once with a six-digit recovery PIN, shown to you: anyone else needs Remote lock PINs/Read to read it, and you are told when they do.`;
}

export function remoteLockSummary(r: ActionRequest): string {
  const pinNote =
    r.macPin === 'kept'
      ? ` The Mac's recovery PIN went to ${r.requester.name} and is kept for 30 days: \`pin ${r.device.serialNumber}\` in a personal chat with me shows it to you again.`
      : '';
  switch (r.state) {
    case 'AwaitingApproval':
      return `Waiting for approval: Intune requires a second admin to approve this lock (Multi Admin Approval${r.approvalId ? `, request ${r.approvalId}` : ''}). Nothing is sent to the device until then.`;
    case 'Pending':
      return `Intune has the lock${r.approvedBy ? ` (approved by ${r.approvedBy})` : ''}; the device gets it at its next check-in.${pinNote}`;
    case 'Sent':
    case 'Acknowledged':
      return `The device is locking.${pinNote}`;
    case 'Done':
      return `${r.device.serialNumber} is locked.${pinNote}`;
    case 'Failed':
      return 'The device was not locked.';
    case 'Expired':
      return 'The device never picked the lock up.';
    default:
      return 'No final answer from Intune.';
  }
}
