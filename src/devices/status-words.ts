/** Device statuses in the words cards and refusals use (Google's and Intune's names are for machines). */
const STATUS_WORDS: Record<string, string> = {
  ACTIVE: 'Active',
  DISABLED: 'Lost mode',
  DEPROVISIONED: 'Deprovisioned',
  INACTIVE: 'Inactive',
  PRE_PROVISIONED: 'Pre-provisioned',
  RETURN_ARRIVED: 'Return arrived',
  RETURN_REQUESTED: 'Return requested',
  SHIPPED: 'Shipped',
  // Intune devices carry their compliance (or a pending retire/wipe) as their status.
  COMPLIANT: 'Compliant',
  NONCOMPLIANT: 'Not compliant',
  IN_GRACE_PERIOD: 'In grace period',
  RETIRE_PENDING: 'Retire pending',
  WIPE_PENDING: 'Wipe pending',
};

/** Google's status is an open string: an unknown value is shown as it comes, in plain case. */
export function statusWord(status: string | undefined): string {
  const key = (status ?? '').toUpperCase();
  return STATUS_WORDS[key] ?? humanise(key || 'Unknown');
}

function humanise(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
