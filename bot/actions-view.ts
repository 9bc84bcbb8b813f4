/** What the confirmation and status cards say, from the stored confirmation or request. */
import {
  DeviceAction,
  REASON_LABELS,
  type ActionParams,
  type ActionRequest,
  type Confirmation,
  type DeviceRef,
  type RequestState,
  DEPROVISION_REASONS,
} from '../src/actions';
import type { ConfirmCardData } from './cards/confirm-card';
import type { ActionStatusCardData, StatusBadgeData } from './cards/action-status-card';
import { remoteLockImpact, remoteLockSummary } from './cards/intune-lock-view';
import { utcTime } from './lookup-view';
import { markup, type Markdown } from './cards/markdown';

/** What confirming will do, in the future tense: nothing has happened yet when this is read. */
const IMPACT: Record<string, (serial: string, params: ActionParams) => string> = {
  'lostMode.on': (s) =>
    `Lost mode will lock ${s}: it will be disabled and show the contact message from the Google Admin console until lost mode is turned off.`,
  'lostMode.off': (s) => `Lost mode will be turned off on ${s}: the device can be used again.`,
  reboot: (s, p) =>
    p.delaySeconds
      ? `${s} will restart when it receives the command; if someone is signed in, it waits ${p.delaySeconds} s first.`
      : `${s} will restart when it receives the command, without waiting for whoever is signed in.`,
  wipeUsers: (s) => `Every user profile on ${s} will be removed, with its local data. This can't be undone.`,
  powerwash: (s) =>
    `${s} will be factory reset when it receives the command: everything on it will be erased. This can't be undone.`,
  deprovision: (s) =>
    `${s} will be deprovisioned: Google policies will be removed and it can't re-enrol until it has been factory reset.`,
  retireForGood: (s) =>
    `${s} will be deprovisioned (reason: retiring device), then factory reset: everything on it will be erased and it will not re-enrol by itself. This can't be undone.`,
  remoteLock: remoteLockImpact,
};

const PAST: Record<string, string> = {
  'lostMode.on': 'Lost mode is on',
  'lostMode.off': 'Lost mode is off',
  reboot: 'Restarted',
  wipeUsers: 'User profiles wiped',
  powerwash: 'Factory reset done',
  deprovision: 'Deprovisioned',
  retireForGood: 'Deprovisioned and factory reset: retired for good',
};

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function deviceFacts(d: DeviceRef): Array<{ title: string; value: string }> {
  return [
    { title: 'Serial', value: d.serialNumber },
    { title: 'Model', value: d.model ?? '' },
    { title: 'Org unit', value: d.orgUnitPath ?? '' },
  ].filter((f) => f.value);
}

function paramFacts(p: ActionParams): Array<{ title: string; value: string }> {
  const out: Array<{ title: string; value: string }> = [];
  if (p.reason) out.push({ title: 'Reason', value: REASON_LABELS[p.reason] });
  if (p.delaySeconds !== undefined) out.push({ title: 'Session delay', value: `${p.delaySeconds} s` });
  return out;
}

export function confirmCardData(
  c: Confirmation,
  action: DeviceAction,
  interactive: boolean,
  refresh: boolean,
): ConfirmCardData {
  return {
    confirmationId: c.id,
    title: `${action.label}: ${c.device.serialNumber}?`,
    impact: (IMPACT[action.id] ?? ((s: string) => `${action.label} will run on ${s}.`))(
      c.device.serialNumber,
      c.params,
    ),
    facts: [...deviceFacts(c.device), ...paramFacts(c.params), { title: 'Requested by', value: c.requester.name }],
    warnings: action.warnings,
    destructive: action.destructive,
    confirmLabel: action.destructive ? `Yes, ${action.label.toLowerCase()}` : `Confirm ${action.label.toLowerCase()}`,
    askReason: action.id === 'deprovision' && interactive,
    reason: c.params.reason ?? '',
    reasons: DEPROVISION_REASONS.map((r) => ({ title: REASON_LABELS[r], value: r })),
    footer: interactive
      ? `Only you can confirm. This expires at ${utcTime(iso(c.expiresAt))}.`
      : `Waiting for ${c.requester.name} to confirm (expires at ${utcTime(iso(c.expiresAt))}). ${c.requester.name}: if you see no buttons, type \`confirm ${c.id}\` or \`cancel ${c.id}\`.`,
    interactive,
    refreshFor: refresh ? c.requester.teamsId : undefined,
  };
}

const BADGE: Record<RequestState, StatusBadgeData> = {
  Pending: { label: 'Pending', style: 'emphasis', color: 'Default' },
  AwaitingApproval: { label: 'Waiting for approval', style: 'warning', color: 'Warning' },
  Sent: { label: 'Sent', style: 'accent', color: 'Accent' },
  Acknowledged: { label: 'Acknowledged', style: 'accent', color: 'Accent' },
  Done: { label: 'Done', style: 'good', color: 'Good' },
  Failed: { label: 'Failed', style: 'attention', color: 'Attention' },
  Expired: { label: 'Expired', style: 'warning', color: 'Warning' },
  Unknown: { label: 'Unknown', style: 'warning', color: 'Warning' },
};

const MEANING: Record<RequestState, string> = {
  Pending: 'Google has the request; the device has not picked it up yet.',
  AwaitingApproval: 'Waiting for a second admin to approve it.',
  Sent: 'Sent to the device.',
  Acknowledged: 'The device acknowledged the command and is running it.',
  Done: 'Done.',
  Failed: 'It did not work.',
  Expired: 'The device never picked the command up, and Google gave up on it.',
  Unknown: 'No final answer from Google.',
};

export function summaryOf(r: ActionRequest, label: string): string {
  if (r.action === 'remoteLock') return remoteLockSummary(r);
  if (r.state === 'Done')
    return `${r.device.serialNumber}: ${(PAST[r.action] ?? `${label} done`).replace(/^./, (c) => c.toLowerCase())}.`;
  if (r.state === 'Sent' && !r.commandId) return 'Google accepted the change; waiting to see it on the device.';
  return MEANING[r.state];
}

export function statusCardData(r: ActionRequest, label: string): ActionStatusCardData {
  return {
    title: `${label} · ${r.device.serialNumber}`,
    subtitle: `Request ${r.id}`,
    badge: BADGE[r.state],
    summary: summaryOf(r, label),
    detail: r.error ?? '',
    facts: [
      ...deviceFacts(r.device),
      ...paramFacts(r.params),
      { title: 'Requested by', value: r.requester.name },
      { title: 'Started', value: utcTime(iso(r.createdAt)) },
      ...(r.commandId ? [{ title: 'Google command', value: r.commandId }] : []),
      ...(r.commandExpireTime && !['Done', 'Failed'].includes(r.state)
        ? [{ title: 'Expires', value: utcTime(r.commandExpireTime) }]
        : []),
    ],
    steps: [
      ...(r.steps ?? []).map((s, i) => `Step ${i + 1}, ${s.label}: ${s.state}${s.error ? ` (${s.error})` : ''}`),
      ...r.history.map((h) => `${utcTime(iso(h.at))} · ${h.state}`),
    ],
    footer: `Type \`status ${r.id}\` for this request or \`my actions\` for your recent ones.`,
  };
}

/** The line `my actions` shows for a request. */
export function requestLine(r: ActionRequest, label: string): Markdown {
  const error = r.error ? ` — ${r.error}` : '';
  return markup`**${r.id}** · ${label} · ${r.device.serialNumber} · **${r.state}** · ${utcTime(iso(r.createdAt))}${error}`;
}

/** The closing message's words after the mention. */
export function closingText(r: ActionRequest, label: string): string {
  const head = `${label} on ${r.device.serialNumber} (${r.id}):`;
  switch (r.state) {
    case 'Done':
      return `${head} done.`;
    case 'Failed':
      return `${head} failed. ${r.error ?? ''}`.trim();
    case 'Expired':
      return `${head} expired. ${r.error ?? ''}`.trim();
    default:
      return `${head} no final answer. ${r.error ?? ''}`.trim();
  }
}
