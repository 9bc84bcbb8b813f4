/** What the lost-device cards say, from a stored report. */
import { statusWord } from '../src/devices';
import type { InventoryDevice } from '../src/inventory';
import { deviceLabel, LostReport } from '../src/lost';
import { type LostReportCardData, type LostReportButton, type Fact, markup, type Markdown } from './cards';
import { utcTime } from './lookup-view';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (ms: number | undefined) => (ms === undefined ? '' : utcTime(iso(ms)));

const BADGES: Record<string, LostReportCardData['badge']> = {
  open: { label: 'Open', style: 'attention' },
  acknowledged: { label: 'Acknowledged', style: 'warning' },
  actioned: { label: 'Actioned', style: 'accent' },
  found: { label: 'Resolved: found', style: 'good' },
  replaced: { label: 'Resolved: replaced', style: 'good' },
};

function badgeOf(r: LostReport): LostReportCardData['badge'] {
  return r.state === 'resolved' ? BADGES[r.resolution ?? 'found'] : BADGES[r.state];
}

function summaryOf(r: LostReport, escalationMinutes: number): string {
  switch (r.state) {
    case 'open':
      return r.escalatedAt !== undefined
        ? `Nobody has picked this up: on-call${r.escalatedTo ? ` (${r.escalatedTo})` : ''} was paged at ${at(r.escalatedAt)}.`
        : `Nobody has picked this up yet. Acknowledge it to take it; after ${escalationMinutes} min without an acknowledgement, on-call is paged.`;
    case 'acknowledged':
      return `${r.acknowledgedBy?.name ?? 'Someone'} is on it since ${at(r.acknowledgedAt)}. Open the device to lock or wipe it.`;
    case 'actioned': {
      const last = r.actions.filter((a) => !a.selfService).at(-1) ?? r.actions.at(-1);
      return last
        ? `${last.label} done by ${last.by.name} (${last.requestId}). Resolve the report when the device is found or replaced.`
        : 'Actioned.';
    }
    case 'resolved':
      return `Closed by ${r.resolvedBy?.name ?? 'someone'} at ${at(r.resolvedAt)}: ${r.resolution === 'replaced' ? 'the device is being replaced' : 'the device was found'}.`;
  }
}

export function reportCardData(r: LostReport, escalationMinutes: number): LostReportCardData {
  const facts: Array<[string, string | undefined]> = [
    ['Device', r.device.model ?? (r.device.source === 'intune' ? 'Intune device' : 'ChromeOS device')],
    ['Serial', r.device.serialNumber],
    ['Org unit', r.device.orgUnitPath],
    ['Status when reported', r.device.status ? statusWord(r.device.status) : undefined],
    ['Reported by', `${r.reporter.name}${r.reporter.upn ? ` (${r.reporter.upn})` : ''}`],
    ['Also reported by', r.alsoReportedBy.map((p) => p.name).join(', ') || undefined],
    ['Reported at', at(r.createdAt)],
    ['Last had it', r.lastSeen],
    ['Where', r.where],
    ['Acknowledged by', r.acknowledgedBy ? `${r.acknowledgedBy.name}, ${at(r.acknowledgedAt)}` : undefined],
    [
      'Actions',
      r.actions.map((a) => `${a.label} (${a.requestId}${a.selfService ? ', self-service' : ''})`).join(', ') ||
        undefined,
    ],
  ];
  const buttons: LostReportButton[] = [];
  const button = (b: Omit<LostReportButton, 'action' | 'resolution'> & Partial<LostReportButton>) =>
    buttons.push({ action: '', resolution: '', ...b });
  if (r.state === 'open') button({ verb: 'lost.acknowledge', title: 'Acknowledge', style: 'positive' });
  if (r.state !== 'resolved') {
    button({ verb: 'lost.resolve', title: 'Resolve: found', resolution: 'found', style: 'default' });
    button({ verb: 'lost.resolve', title: 'Resolve: replaced', resolution: 'replaced', style: 'default' });
  }
  // Found, but still locked: one click to give it back (asks to confirm, checked like any action).
  if (r.state === 'resolved' && r.resolution === 'found' && stillInLostMode(r))
    button({ verb: 'action.request', title: 'Turn lost mode off', action: 'lostMode.off', style: 'positive' });
  return {
    reportId: r.id,
    deviceId: r.device.id,
    title: `${r.kind === 'stolen' ? 'Stolen' : 'Lost'} device · ${r.id}`,
    subtitle: deviceLabel(r),
    badge: badgeOf(r),
    summary: summaryOf(r, escalationMinutes),
    facts: facts.filter((f): f is [string, string] => !!f[1]).map(([title, value]) => ({ title, value })),
    history: r.history.slice(-8).map((h) => `${at(h.at)} · ${h.text}`),
    buttons,
    footer:
      r.state === 'resolved'
        ? `Type \`report ${r.id}\` to see it again.`
        : 'Open device shows what you may do to it (lost mode, lock, wipe…), each with a confirmation. Type `reports` for every open report.',
  };
}

/** Lost mode went on while the report was open (or was on when it was filed) and was not turned off since. */
function stillInLostMode(r: LostReport): boolean {
  const last = [...r.actions].reverse().find((a) => a.action === 'lostMode.on' || a.action === 'lostMode.off');
  if (last) return last.action === 'lostMode.on';
  return (r.device.status ?? '').toUpperCase() === 'DISABLED';
}

/** One line of `reports`. */
export function reportLine(r: LostReport, now: number): Markdown {
  const who =
    r.state === 'open'
      ? r.escalatedAt !== undefined
        ? 'not acknowledged, on-call paged'
        : 'not acknowledged'
      : `${r.state} by ${r.acknowledgedBy?.name ?? '?'}`;
  const minutes = Math.max(0, Math.round((now - r.createdAt) / 60_000));
  return markup`**${r.id}** · ${deviceLabel(r)} · ${r.reporter.name} · ${who} · ${minutes} min ago`;
}

/**
 * One device in the reporter's picker: two laptops of the same model must be told apart at a
 * glance, so the asset tag, the location and when it was last used come before the serial.
 */
export function choiceTitle(d: InventoryDevice, now: number): string {
  const what = d.model ?? d.name ?? d.platform ?? 'Device';
  const parts = [
    what,
    d.assetId && `asset ${d.assetId}`,
    d.location,
    d.lastSync && `last used ${ago(Date.parse(d.lastSync), now)}`,
    d.serialNumber,
  ].filter(Boolean);
  const state = (d.status ?? '').toUpperCase() === 'DISABLED' ? ' · lost mode already on' : '';
  return `${parts.join(' · ')}${state}`;
}

/** "today", "yesterday", "3 days ago", "5 weeks ago". */
function ago(then: number, now: number): string {
  const days = Math.floor((now - then) / 86_400_000);
  if (!Number.isFinite(days) || days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  return `${Math.round(days / 7)} weeks ago`;
}

export function filedFacts(r: LostReport): Fact[] {
  return [
    { title: 'Report', value: r.id },
    { title: 'Device', value: deviceLabel(r) },
    { title: 'Reported', value: at(r.createdAt) },
    ...(r.lastSeen ? [{ title: 'Last had it', value: r.lastSeen }] : []),
    ...(r.where ? [{ title: 'Where', value: r.where }] : []),
    { title: 'Status', value: badgeOf(r).label },
  ];
}
