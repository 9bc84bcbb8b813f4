/**
 * The device actions the bot offers: what each is called on a button, which permission it needs,
 * whether it can be undone, what to warn about, and which devices it applies to. Pure data and
 * pure functions: the card shows what fits, the actions flow executes it.
 */
import type { RolePermission } from '../access';
import type { DeviceSource } from '../inventory';

export const ACTION_IDS = [
  'lostMode.on',
  'lostMode.off',
  'reboot',
  'wipeUsers',
  'powerwash',
  'deprovision',
  'remoteLock',
] as const;
export type ActionId = (typeof ACTION_IDS)[number];

/** What an action needs to know about a device to decide whether it applies. */
export interface ActionTarget {
  source: DeviceSource;
  /** Google's device status (ACTIVE, DISABLED, DEPROVISIONED, …); open-ended. */
  status?: string;
  /** ChromeOS version, e.g. "120.0.6099.235". */
  osVersion?: string;
  /** Google's deviceLicenseType, e.g. kioskUpgrade, enterprise. */
  deviceLicenseType?: string;
  /** Runs managed guest sessions (Google does not report this on the device; callers may know it). */
  managedGuest?: boolean;
}

export interface DeviceAction {
  id: ActionId;
  /** Button text. */
  label: string;
  permission: RolePermission;
  /** Loses data or can't be undone from chat: never runs without a confirmation. */
  destructive: boolean;
  /** What the confirmation must say, in plain words. */
  warnings: string[];
  source: DeviceSource;
  fits(device: ActionTarget): boolean;
}

export interface CatalogueOptions {
  /** Lowest ChromeOS milestone on which Google accepts a restart of a regular (non-kiosk) device. */
  rebootMinMilestone?: number;
}

export const DEFAULT_REBOOT_MIN_MILESTONE = 113;

/** "120.0.6099.235" → 120; 0 when unknown. */
export function chromeMilestone(osVersion: string | undefined): number {
  return Number.parseInt(osVersion ?? '', 10) || 0;
}

export function isKiosk(device: ActionTarget): boolean {
  return (device.deviceLicenseType ?? '').toLowerCase().startsWith('kiosk');
}

const status = (d: ActionTarget) => (d.status ?? '').toUpperCase();
const chrome = (d: ActionTarget) => d.source === 'chrome';
// A disabled (lost) device still takes commands: wiping a stolen device is the point of it.
const enrolled = (d: ActionTarget) => chrome(d) && (status(d) === 'ACTIVE' || status(d) === 'DISABLED');

const LOST_MODE_MESSAGE = 'The device shows the contact message configured in the Google Admin console.';

export function createActionCatalogue(options: CatalogueOptions = {}): readonly DeviceAction[] {
  const minMilestone = options.rebootMinMilestone ?? DEFAULT_REBOOT_MIN_MILESTONE;
  return [
    {
      id: 'lostMode.on',
      label: 'Lost mode',
      permission: 'Remote tasks/Enable lost mode',
      destructive: false,
      warnings: [LOST_MODE_MESSAGE, 'Nobody can use the device until lost mode is turned off.'],
      source: 'chrome',
      fits: (d) => chrome(d) && status(d) === 'ACTIVE',
    },
    {
      id: 'lostMode.off',
      label: 'Disable lost mode',
      permission: 'Remote tasks/Disable lost mode',
      destructive: false,
      warnings: ['The device can be used again by whoever holds it.'],
      source: 'chrome',
      fits: (d) => chrome(d) && status(d) === 'DISABLED',
    },
    {
      id: 'reboot',
      label: 'Restart',
      permission: 'Remote tasks/Reboot now',
      destructive: false,
      warnings: ['Users are not notified and may lose unsaved work.'],
      source: 'chrome',
      // Google accepts REBOOT only from kiosk and managed guest devices, or regular ones on a recent ChromeOS.
      fits: (d) =>
        chrome(d) &&
        status(d) === 'ACTIVE' &&
        (isKiosk(d) || d.managedGuest === true || chromeMilestone(d.osVersion) >= minMilestone),
    },
    {
      id: 'wipeUsers',
      label: 'Wipe user profiles',
      permission: 'Remote tasks/Wipe',
      destructive: true,
      warnings: ['Every user profile and its local data is removed from the device; device policies stay.'],
      source: 'chrome',
      fits: enrolled,
    },
    {
      id: 'powerwash',
      label: 'Factory reset',
      permission: 'Remote tasks/Wipe',
      destructive: true,
      warnings: [
        'Everything on the device is erased (powerwash).',
        'Unless it was deprovisioned first, the device re-enrols by itself after the reset.',
      ],
      source: 'chrome',
      fits: enrolled,
    },
    {
      id: 'deprovision',
      label: 'Deprovision',
      permission: 'Remote tasks/Retire',
      destructive: true,
      warnings: [
        'Google policies are removed; the device stays listed as Deprovisioned.',
        "The device can't re-enrol until it is factory reset.",
      ],
      source: 'chrome',
      fits: enrolled,
    },
    {
      id: 'remoteLock',
      label: 'Remote lock',
      permission: 'Remote tasks/Remote lock',
      destructive: false,
      warnings: ['A device without a passcode only has its screen turned off.'],
      source: 'intune',
      fits: (d) => d.source === 'intune' && !['RETIRED', 'WIPED', 'DELETED'].includes(status(d)),
    },
  ];
}

export function isActionId(value: unknown): value is ActionId {
  return typeof value === 'string' && (ACTION_IDS as readonly string[]).includes(value);
}

export function findAction(catalogue: readonly DeviceAction[], id: string): DeviceAction | undefined {
  return catalogue.find((a) => a.id === id);
}

/** The actions that apply to the device's current state, in catalogue order. */
export function fittingActions(catalogue: readonly DeviceAction[], device: ActionTarget): DeviceAction[] {
  return catalogue.filter((a) => a.fits(device));
}
