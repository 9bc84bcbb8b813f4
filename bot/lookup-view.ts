import type { DeviceAction } from '../src/actions';
import { statusWord, type DeviceView } from '../src/devices';
import type { InventoryDevice, SearchResult } from '../src/inventory';
import type { DeviceCardData, DeviceFact, StatusBadge, DeviceListRow } from './cards';

type Look = Omit<StatusBadge, 'label'>;
const PLAIN: Look = { style: 'emphasis', color: 'Default', note: '' };

const LOOKS: Record<string, Look> = {
  ACTIVE: { style: 'good', color: 'Good', note: '' },
  DISABLED: {
    style: 'attention',
    color: 'Attention',
    note: 'Lost mode is on: the device is disabled and shows the contact message from the Admin console.',
  },
  DEPROVISIONED: {
    ...PLAIN,
    note: "Deprovisioned: Google policies are removed and the device can't re-enrol until it is factory reset.",
  },
  INACTIVE: { style: 'warning', color: 'Default', note: '' },
  RETURN_REQUESTED: { style: 'warning', color: 'Default', note: '' },
  COMPLIANT: { style: 'good', color: 'Good', note: '' },
  NONCOMPLIANT: { style: 'attention', color: 'Attention', note: '' },
  IN_GRACE_PERIOD: { style: 'warning', color: 'Default', note: '' },
  RETIRE_PENDING: { style: 'warning', color: 'Default', note: 'Intune is retiring this device.' },
  WIPE_PENDING: { style: 'warning', color: 'Default', note: 'Intune is wiping this device.' },
};

/** Google's status is an open string: unknown values are shown as they come, neutrally. */
export function statusBadge(status: string | undefined): StatusBadge {
  return { label: statusWord(status), ...(LOOKS[(status ?? '').toUpperCase()] ?? PLAIN) };
}

const UNITS: Array<[string, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "in 2 days", "just now". */
export function relativeTime(iso: string | undefined, now: number): string {
  const at = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(at)) return 'never';
  const diff = now - at;
  const abs = Math.abs(diff);
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `${phrase} ago` : `in ${phrase}`;
    }
  }
  return 'just now';
}

function humanise(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "2024-05-01 13:45 UTC": exact, and the same for everyone whatever their time zone. */
export function utcTime(iso: string | undefined): string {
  const at = iso ? new Date(iso) : undefined;
  if (!at || Number.isNaN(at.getTime())) return '';
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function licence(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const names: Record<string, string> = {
    kioskUpgrade: 'Kiosk upgrade (annual)',
    enterprise: 'Chrome Enterprise (perpetual, bundled)',
    enterpriseUpgrade: 'Chrome Enterprise Upgrade (annual)',
    education: 'Chrome Education (perpetual, bundled)',
    educationUpgrade: 'Chrome Education Upgrade (perpetual)',
    deviceLicenseTypeUnspecified: 'Unknown',
  };
  return names[type] ?? type;
}

function autoUpdate(date: string | undefined, now: number): string | undefined {
  if (!date) return undefined;
  const expired = Date.parse(date) < now;
  return expired ? `${date} (expired: no more ChromeOS updates)` : date;
}

type FactRow = [string, string | undefined];

/** Ending a device's life is rare: those buttons sit in the card's … menu, so the everyday ones fit. */
// Teams shows six buttons; Intune's admin center also keeps these in its overflow menu.
const RARELY_USED = new Set<string>([
  'deprovision',
  'retireForGood',
  'intune.retire',
  'intune.wipe',
  'intune.resetPasscode',
  'intune.locate',
]);

function intuneFacts(device: DeviceView, when: (iso?: string) => string | undefined): FactRow[] {
  const compliance = device.intune?.compliance;
  const user = device.intune?.userDisplayName;
  return [
    ['Serial', device.serialNumber],
    ['Device name', device.intune?.deviceName],
    ['OS version', device.osVersion ? `${device.platform ?? ''} ${device.osVersion}`.trim() : device.platform],
    ['Compliance', compliance ? humanise(compliance.replace(/([a-z])([A-Z])/g, '$1_$2')) : undefined],
    ['User', user && device.annotatedUser ? `${user} (${device.annotatedUser})` : device.annotatedUser],
    ['Last check-in', when(device.lastSync) ?? 'never'],
    ['Ownership', device.intune?.ownership ? humanise(device.intune.ownership) : undefined],
    ['Enrolled', device.intune?.enrolled ? utcTime(device.intune.enrolled) : undefined],
    [
      'Supervised',
      device.intune?.supervised === undefined || !/^i(os|pados)$/i.test(device.platform ?? '')
        ? undefined
        : device.intune.supervised
          ? 'yes'
          : 'no (no lost mode, restart or locate)',
    ],
    // Seed 003: say why there is no lock button, rather than leave people looking for it.
    ['Remote lock', device.lock && !device.lock.allowed ? `not available: ${device.lock.message}` : undefined],
  ];
}

/** Which of Google's restart rules applies, so nobody wonders why Restart is there or not. */
function restartFact(device: DeviceView): string | undefined {
  const rule = device.restart;
  if (!rule) return undefined;
  if (rule.rule === 'kiosk') return `kiosk device: Google restarts it at any version (${rule.evidence})`;
  if (rule.rule === 'managed-guest-session')
    return `managed guest sessions: Google restarts it at any version (${rule.evidence})`;
  if (rule.rule !== 'chromeos-version') return undefined;
  return `regular device: Google restarts it from ChromeOS ${rule.minMilestone} on (${rule.evidence})`;
}

function chromeFacts(device: DeviceView, now: number, when: (iso?: string) => string | undefined): FactRow[] {
  const others = device.recentUsers;
  return [
    ['Serial', device.serialNumber],
    // The badge shows the status; only the reason for a deprovision needs a line of its own.
    ['Deprovision reason', device.deprovisionReason ? humanise(device.deprovisionReason) : undefined],
    ['OS version', device.osVersion ? `${device.platform ?? ''} ${device.osVersion}`.trim() : undefined],
    ['Last sync', when(device.lastSync) ?? 'never'],
    ['User', device.annotatedUser],
    [
      'Recent users',
      others.length
        ? others.slice(0, 5).join(', ') + (others.length > 5 ? ` and ${others.length - 5} more` : '')
        : undefined,
    ],
    ['Org unit', device.orgUnitPath],
    ['Asset ID', device.assetId],
    ['Location', device.location],
    ['Auto-update expiration', autoUpdate(device.autoUpdateExpiration, now)],
    ['Licence', licence(device.deviceLicenseType)],
    ['Restart', restartFact(device)],
    ['Notes', device.notes],
  ];
}

function readNote(device: DeviceView, now: number): string {
  const console = device.source === 'intune' ? 'Intune' : 'Google Admin';
  if (device.fresh) return `Read from ${console} at ${utcTime(new Date(now).toISOString())}.`;
  const sync = device.source === 'intune' ? 'From the last Intune sync' : 'From the last inventory sync';
  if (device.staleBecause) return `${sync}: ${device.staleBecause}`;
  // Not read fresh and no reason given: a card built from the inventory on purpose (a list, the
  // compose box), not a failed read.
  return `${sync}. Refresh reads the current state from ${console}.`;
}

export function deviceCardData(device: DeviceView, actions: DeviceAction[], now: number): DeviceCardData {
  const when = (iso: string | undefined) => (iso ? `${relativeTime(iso, now)} (${utcTime(iso)})` : undefined);
  const facts = device.source === 'intune' ? intuneFacts(device, when) : chromeFacts(device, now, when);
  const shown: DeviceFact[] = facts
    .filter((f): f is [string, string] => !!f[1])
    .map(([title, value]) => ({ title, value }));
  const console = device.source === 'intune' ? 'Intune' : 'Google Admin';
  return {
    deviceId: device.id,
    title: device.model ?? device.serialNumber,
    subtitle: [device.platform, console].filter(Boolean).join(' · '),
    status: statusBadge(device.status),
    facts: shown,
    buttons: actions.map((a) => ({
      action: a.id,
      title: a.label,
      style: a.destructive ? 'destructive' : 'default',
      mode: RARELY_USED.has(a.id) ? 'secondary' : 'primary',
    })),
    readNote: readNote(device, now),
  };
}

export function listRow(d: InventoryDevice): DeviceListRow {
  return {
    deviceId: d.id,
    serial: d.serialNumber,
    model: d.model ?? d.name ?? d.platform ?? 'Unknown model',
    user: d.users[0] ?? 'no user',
    status: statusWord(d.status),
  };
}

/** "287", or "more than 200" where the inventory stopped counting. */
export function matchCount(result: Pick<SearchResult, 'total' | 'more'>): string {
  return result.more ? `more than ${result.total.toLocaleString('en')}` : String(result.total);
}

/** "287 devices match", "More than 200 devices match". */
export function devicesMatch(result: Pick<SearchResult, 'total' | 'more'>): string {
  const count = matchCount(result);
  return `${count.charAt(0).toUpperCase()}${count.slice(1)} devices match`;
}
