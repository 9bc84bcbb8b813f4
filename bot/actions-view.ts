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
  WIPE_INPUTS,
} from '../src/actions';
import {
  type ConfirmCardData,
  type ActionStatusCardData,
  type StatusBadgeData,
  remoteLockImpact,
  remoteLockSummary,
  markup,
  type Markdown,
  warningCard,
  type AdaptiveCard,
  type CardView,
} from './cards';
import { utcTime } from './lookup-view';

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
  'intune.sync': (s) => `${s} will be asked to check in with Intune now and pick up its latest policies and actions.`,
  'intune.restart': (s) => `${s} will restart when it gets the command from Intune.`,
  'intune.retire': (s) =>
    `${s} will be retired: Intune will remove company data, apps and profiles and stop managing it. Personal data stays.`,
  'intune.wipe': (s) =>
    `${s} will be wiped through Intune: reset to factory settings with everything on it erased, except what the options below keep. This can't be undone.`,
  'intune.resetPasscode': (s) =>
    `${s} will get a new passcode from Intune. You, and only you, will see the new passcode once it is set.`,
  'intune.lostMode.on': (s) =>
    `${s} will be locked in lost mode and show the message and phone number below until lost mode is turned off.`,
  'intune.lostMode.off': (s) => `Lost mode will be turned off on ${s}: the device can be used again.`,
  'intune.locate': (s) => `Intune will ask ${s} where it is; its location will be shown here once it answers.`,
};

const PAST: Record<string, string> = {
  'lostMode.on': 'Lost mode is on',
  'lostMode.off': 'Lost mode is off',
  reboot: 'Restarted',
  wipeUsers: 'User profiles wiped',
  powerwash: 'Factory reset done',
  deprovision: 'Deprovisioned',
  retireForGood: 'Deprovisioned and factory reset: retired for good',
  'intune.sync': 'Synced with Intune',
  'intune.restart': 'Restarted',
  'intune.retire': 'Retired: company data removed and no longer managed by Intune',
  'intune.wipe': 'Wiped',
  'intune.resetPasscode': 'Passcode reset',
  'intune.lostMode.on': 'Lost mode is on',
  'intune.lostMode.off': 'Lost mode is off',
  'intune.locate': 'Located',
};

const WIPE_LABELS: Record<string, string> = {
  keepEnrollmentData: 'Keep enrolment data',
  keepUserData: 'Keep user data and accounts (the device stays enrolled)',
  persistEsimDataPlan: 'Keep the eSIM cellular data plan',
};

/** The wipe options the platform offers, as the confirmation card's switches. */
function wipeToggles(p: ActionParams): NonNullable<ConfirmCardData['toggles']> {
  const out: NonNullable<ConfirmCardData['toggles']> = [];
  for (const [key, id] of Object.entries(WIPE_INPUTS)) {
    const value = (p.wipe as Record<string, boolean | undefined> | undefined)?.[key];
    if (value !== undefined) out.push({ id, title: WIPE_LABELS[key], value: value ? 'true' : 'false' });
  }
  return out;
}

/** Where a located device is, in words and numbers a map takes. */
function locationText(l: NonNullable<ActionRequest['location']>): string {
  const accuracy = l.accuracyMeters !== undefined ? ` (±${Math.round(l.accuracyMeters)} m)` : '';
  const at = l.at ? ` at ${utcTime(l.at)}` : '';
  return `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}${accuracy}${at}`;
}

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
  if (p.wipe) {
    for (const [key, label] of Object.entries(WIPE_LABELS)) {
      const value = (p.wipe as Record<string, boolean | undefined>)[key];
      if (value !== undefined) out.push({ title: label, value: value ? 'Yes' : 'No' });
    }
    if (p.wipe.macRecoveryPin)
      out.push({ title: 'Recovery PIN', value: 'made for this wipe, shown to the requester only' });
    if (Object.keys(p.wipe).length === 0) out.push({ title: 'Options', value: 'none for this platform' });
  }
  if (p.lostMode) {
    // What people typed is text: escaped where the card binds it.
    out.push({ title: 'Lock screen message', value: p.lostMode.message });
    if (p.lostMode.phoneNumber) out.push({ title: 'Phone number', value: p.lostMode.phoneNumber });
    if (p.lostMode.footer) out.push({ title: 'Footer', value: p.lostMode.footer });
  }
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
    impact:
      action.id === 'remoteLock'
        ? remoteLockImpact(c.device.serialNumber, c.device.model)
        : (IMPACT[action.id] ?? ((s: string) => `${action.label} will run on ${s}.`))(c.device.serialNumber, c.params),
    facts: [...deviceFacts(c.device), ...paramFacts(c.params), { title: 'Requested by', value: c.requester.name }],
    warnings: action.warnings,
    destructive: action.destructive,
    confirmLabel: action.destructive ? `Yes, ${action.label.toLowerCase()}` : `Confirm ${action.label.toLowerCase()}`,
    askReason: action.id === 'deprovision' && interactive,
    reason: c.params.reason ?? '',
    reasons: DEPROVISION_REASONS.map((r) => ({ title: REASON_LABELS[r], value: r })),
    toggles: interactive ? wipeToggles(c.params) : [],
    askLostMode: interactive && !!c.params.lostMode,
    lostModeMessage: c.params.lostMode?.message ?? '',
    lostModePhone: c.params.lostMode?.phoneNumber ?? '',
    lostModeFooter: c.params.lostMode?.footer ?? '',
    footer: interactive
      ? `Only you can confirm. This expires at ${utcTime(iso(c.expiresAt))}.`
      : `Waiting for ${c.requester.name} to confirm (expires at ${utcTime(iso(c.expiresAt))}). ${c.requester.name}: if you see no buttons, type \`confirm ${c.id}\` or \`cancel ${c.id}\`.`,
    interactive,
    refreshFor: refresh ? c.requester.teamsId : undefined,
  };
}

const BADGE: Record<RequestState, StatusBadgeData> = {
  Pending: { label: 'Pending', style: 'emphasis', color: 'Default' },
  AwaitingApproval: { label: 'Waiting for approval', style: 'warning', color: 'Default' },
  Sent: { label: 'Sent', style: 'accent', color: 'Accent' },
  Acknowledged: { label: 'Acknowledged', style: 'accent', color: 'Accent' },
  Done: { label: 'Done', style: 'good', color: 'Good' },
  Failed: { label: 'Failed', style: 'attention', color: 'Attention' },
  Expired: { label: 'Expired', style: 'warning', color: 'Default' },
  Unknown: { label: 'Unknown', style: 'warning', color: 'Default' },
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
  if (r.action.startsWith('intune.')) return intuneSummary(r, label);
  if (r.state === 'Done')
    return `${r.device.serialNumber}: ${(PAST[r.action] ?? `${label} done`).replace(/^./, (c) => c.toLowerCase())}.`;
  if (r.state === 'Sent' && !r.commandId) return 'Google accepted the change; waiting to see it on the device.';
  return MEANING[r.state];
}

/** What an Intune action's status card says, from Intune's deviceActionResults. */
function intuneSummary(r: ActionRequest, label: string): string {
  const approved = r.approvedBy ? ` (approved by ${r.approvedBy})` : '';
  switch (r.state) {
    case 'AwaitingApproval':
      return `Waiting for approval: Intune requires a second admin to approve this (Multi Admin Approval${r.approvalId ? `, request ${r.approvalId}` : ''}). Nothing is sent to the device until then.`;
    case 'Pending': {
      const passcode =
        r.passcode === 'in-intune'
          ? ' Intune had not reported the new passcode yet: read it in the Intune admin center (Devices › the device › Overview).'
          : '';
      return `Intune has it${approved}; the device gets it at its next check-in.${passcode}`;
    }
    case 'Sent':
    case 'Acknowledged':
      return 'The device is running it.';
    case 'Done': {
      const where = r.location ? ` Last seen at ${locationText(r.location)}.` : '';
      return `${r.device.serialNumber}: ${(PAST[r.action] ?? `${label} done`).replace(/^./, (c) => c.toLowerCase())}.${where}`;
    }
    case 'Failed':
      return 'It did not happen.';
    default:
      return 'No final answer from Intune.';
  }
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
      ...(r.location ? [{ title: 'Location', value: locationText(r.location) }] : []),
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

/** What an unused confirmation turns into at its expiry, and what a late click gets. */
export function expiredConfirmationCard(c: Confirmation, view: CardView): AdaptiveCard {
  const text = `Nothing was sent to ${c.device.serialNumber}: ${c.requester.name} did not confirm by ${utcTime(iso(c.expiresAt))}. Ask again if it is still needed.`;
  return warningCard('Confirmation expired', text, view);
}
