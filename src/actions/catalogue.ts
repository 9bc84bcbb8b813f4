/**
 * The device actions the bot offers: what each is called on a button, which permission it needs,
 * whether it can be undone, what to warn about, and which devices it applies to. Pure data and
 * pure functions: the card shows what fits, the actions flow executes it.
 */
import type { RolePermission } from '../access';
import { statusWord } from '../devices';
import { chromeMilestoneOf, REBOOT_MIN_MILESTONE, type RestartRule } from '../directory';
import type { ActionEligibility, DeviceActionName, LockEligibility } from '../intune';
import type { DeviceSource } from '../inventory';

export const ACTION_IDS = [
  'lostMode.on',
  'lostMode.off',
  'reboot',
  'wipeUsers',
  'powerwash',
  'deprovision',
  'retireForGood',
  'remoteLock',
  'intune.sync',
  'intune.restart',
  'intune.retire',
  'intune.wipe',
  'intune.resetPasscode',
  'intune.lostMode.on',
  'intune.lostMode.off',
  'intune.locate',
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
  /** Which of Google's restart rules applies, when the device was read fresh from Google. */
  restart?: RestartRule;
  /** Whether Intune can lock it (seed 003), when the device was read fresh from Graph. */
  lock?: LockEligibility;
  /** Which of Intune's other actions fit it, when the device was read fresh from Graph. */
  intuneActions?: Partial<Record<DeviceActionName, ActionEligibility>>;
}

export interface DeviceAction {
  id: ActionId;
  /** Button text. */
  label: string;
  permission: RolePermission;
  /** Further permissions a composite action needs (each of its steps is checked). */
  alsoNeeds?: readonly RolePermission[];
  /** Loses data or can't be undone from chat: never runs without a confirmation. */
  destructive: boolean;
  /** Harmless and instant (an Intune sync): runs without a confirmation card. */
  runsWithoutConfirmation?: boolean;
  /** Intune actions: Graph's action on managedDevice. */
  graphAction?: DeviceActionName;
  /** What the confirmation must say, in plain words. */
  warnings: string[];
  source: DeviceSource;
  /** Why the action does not apply to the device as it is now; undefined when it does. */
  whyNot(device: ActionTarget): string | undefined;
  fits(device: ActionTarget): boolean;
}

export interface CatalogueOptions {
  /** Lowest ChromeOS milestone on which Google accepts a restart of a regular (non-kiosk) device. */
  rebootMinMilestone?: number;
}

export const DEFAULT_REBOOT_MIN_MILESTONE = REBOOT_MIN_MILESTONE;

/** "120.0.6099.235" → 120; 0 when unknown. */
export const chromeMilestone = chromeMilestoneOf;

export function isKiosk(device: ActionTarget): boolean {
  return (device.deviceLicenseType ?? '').toLowerCase().startsWith('kiosk');
}

const status = (d: ActionTarget) => (d.status ?? '').toUpperCase();
const chrome = (d: ActionTarget) => d.source === 'chrome';
const word = (d: ActionTarget) => statusWord(d.status);
const NOT_CHROME = 'It is not a ChromeOS device.';
// A disabled (lost) device still takes commands: wiping a stolen device is the point of it.
const enrolled = (d: ActionTarget): string | undefined => {
  if (!chrome(d)) return NOT_CHROME;
  return status(d) === 'ACTIVE' || status(d) === 'DISABLED' ? undefined : `Its status is ${word(d)}.`;
};

const LOST_MODE_MESSAGE = 'The device shows the contact message configured in the Google Admin console.';

/** Google's restart rule (seed 000 and the REBOOT command): kiosk, managed guest, or a recent ChromeOS. */
function restartRefusal(d: ActionTarget, minMilestone: number): string | undefined {
  if (!chrome(d)) return NOT_CHROME;
  if (status(d) !== 'ACTIVE') return `Its status is ${word(d)}.`;
  const rule = d.restart;
  if (rule) {
    // Kiosk and managed guest devices restart at any version; the milestone is this deployment's setting.
    if (rule.rule !== 'chromeos-version' || rule.milestone >= minMilestone) return undefined;
    return `Google restarts only kiosk and managed guest session devices, and others on ChromeOS ${minMilestone} or later; this one is a regular device (${rule.evidence}).`;
  }
  // Read from the inventory only: the licence and version are all there is to go on.
  if (isKiosk(d) || d.managedGuest === true || chromeMilestone(d.osVersion) >= minMilestone) return undefined;
  return `Google restarts only kiosk and managed guest session devices, and others on ChromeOS ${minMilestone} or later (it runs ${d.osVersion ?? 'an unknown version'}).`;
}

type Definition = Omit<DeviceAction, 'fits'>;

function define(d: Definition): DeviceAction {
  return { ...d, fits: (device) => d.whyNot(device) === undefined };
}

/** Lost mode, as Google's disable and reenable commands. */
const LOST_MODE_ACTIONS: readonly DeviceAction[] = [
  define({
    id: 'lostMode.on',
    label: 'Lost mode',
    permission: 'Remote tasks/Enable lost mode',
    destructive: false,
    warnings: [LOST_MODE_MESSAGE, 'Nobody can use the device until lost mode is turned off.'],
    source: 'chrome',
    whyNot: (d) =>
      !chrome(d)
        ? NOT_CHROME
        : status(d) === 'DISABLED'
          ? 'Lost mode is already on.'
          : status(d) === 'ACTIVE'
            ? undefined
            : `Its status is ${word(d)}.`,
  }),
  define({
    id: 'lostMode.off',
    label: 'Disable lost mode',
    permission: 'Remote tasks/Disable lost mode',
    destructive: false,
    warnings: ['The device can be used again by whoever holds it.'],
    source: 'chrome',
    whyNot: (d) =>
      !chrome(d)
        ? NOT_CHROME
        : status(d) === 'DISABLED'
          ? undefined
          : `Lost mode is not on (its status is ${word(d)}).`,
  }),
];

/** Restart: which devices Google restarts depends on this deployment's milestone setting. */
function restartAction(minMilestone: number): DeviceAction {
  return define({
    id: 'reboot',
    label: 'Restart',
    permission: 'Remote tasks/Reboot now',
    destructive: false,
    warnings: ['Users are not notified and may lose unsaved work.'],
    source: 'chrome',
    whyNot: (d) => restartRefusal(d, minMilestone),
  });
}

/** Wipes, deprovisioning and retiring: the destructive ChromeOS actions. */
const CHROME_WIPES: readonly DeviceAction[] = [
  define({
    id: 'wipeUsers',
    label: 'Wipe user profiles',
    permission: 'Remote tasks/Wipe',
    destructive: true,
    warnings: ['Every user profile and its local data is removed from the device; device policies stay.'],
    source: 'chrome',
    whyNot: enrolled,
  }),
  define({
    id: 'powerwash',
    label: 'Factory reset',
    permission: 'Remote tasks/Wipe',
    destructive: true,
    warnings: [
      'Everything on the device is erased (powerwash).',
      'Unless it was deprovisioned first, the device re-enrols by itself after the reset.',
    ],
    source: 'chrome',
    // Seed 000: a device that must not re-enrol is deprovisioned first, then factory reset.
    whyNot: (d) => (chrome(d) && status(d) === 'DEPROVISIONED' ? undefined : enrolled(d)),
  }),
  define({
    id: 'deprovision',
    label: 'Deprovision',
    permission: 'Remote tasks/Retire',
    destructive: true,
    warnings: [
      'Google policies are removed; the device stays listed as Deprovisioned.',
      "The device can't re-enrol until it is factory reset.",
    ],
    source: 'chrome',
    whyNot: enrolled,
  }),
  define({
    id: 'retireForGood',
    label: 'Retire for good',
    permission: 'Remote tasks/Retire',
    alsoNeeds: ['Remote tasks/Wipe'],
    destructive: true,
    warnings: [
      'Two steps: the device is deprovisioned (reason: retiring device), then factory reset.',
      'Everything on it is erased, and it does not re-enrol by itself: it leaves your fleet for good.',
    ],
    source: 'chrome',
    whyNot: enrolled,
  }),
];

const REMOTE_LOCK: DeviceAction = define({
  id: 'remoteLock',
  label: 'Remote lock',
  permission: 'Remote tasks/Remote lock',
  destructive: false,
  warnings: ['A device without a passcode only has its screen turned off.'],
  source: 'intune',
  whyNot: (d) => {
    if (d.source !== 'intune') return 'It is not an Intune device.';
    if (['RETIRED', 'WIPED', 'DELETED'].includes(status(d))) return `Its status is ${word(d)}.`;
    return d.lock && !d.lock.allowed ? d.lock.message : undefined;
  },
});

export function createActionCatalogue(options: CatalogueOptions = {}): readonly DeviceAction[] {
  const minMilestone = options.rebootMinMilestone ?? DEFAULT_REBOOT_MIN_MILESTONE;
  return [...LOST_MODE_ACTIONS, restartAction(minMilestone), ...CHROME_WIPES, REMOTE_LOCK, ...INTUNE_ACTIONS];
}

/** An Intune action fits a device Intune says it fits; read from the inventory only, nothing is known. */
function intuneRefusal(d: ActionTarget, action: DeviceActionName): string | undefined {
  if (d.source !== 'intune') return 'It is not an Intune device.';
  if (['RETIRED', 'WIPED', 'DELETED'].includes(status(d))) return `Its status is ${word(d)}.`;
  const eligibility = d.intuneActions?.[action];
  if (!eligibility) return 'Intune could not be reached to check what this device supports. Try again in a moment.';
  return eligibility.allowed ? undefined : eligibility.message;
}

function intune(d: Omit<Definition, 'source' | 'whyNot'> & { graphAction: DeviceActionName }): DeviceAction {
  return define({ ...d, source: 'intune', whyNot: (device) => intuneRefusal(device, d.graphAction) });
}

/**
 * Intune's everyday actions through Graph, each with Intune's own permission name (the
 * "Custom role that includes" line of each action's page under
 * https://learn.microsoft.com/intune/device-management/actions) and platform rule (src/intune/device-actions.ts).
 */
const INTUNE_ACTIONS: readonly DeviceAction[] = [
  intune({
    id: 'intune.sync',
    label: 'Sync',
    permission: 'Remote tasks/Sync devices',
    destructive: false,
    runsWithoutConfirmation: true,
    graphAction: 'syncDevice',
    warnings: ['An online device checks in at once; an offline one when it next connects.'],
  }),
  intune({
    id: 'intune.restart',
    label: 'Restart',
    permission: 'Remote tasks/Reboot now',
    destructive: false,
    graphAction: 'rebootNow',
    warnings: ['The device restarts within about five minutes; its user may not be warned and may lose unsaved work.'],
  }),
  intune({
    id: 'intune.retire',
    label: 'Retire',
    permission: 'Remote tasks/Retire',
    destructive: true,
    graphAction: 'retire',
    warnings: [
      'Company apps, data, email, Wi-Fi, VPN and certificate profiles are removed and Intune stops managing the device; personal data stays.',
      'It leaves Intune at its next check-in. Enrolling it again is up to its user.',
    ],
  }),
  intune({
    id: 'intune.wipe',
    label: 'Wipe',
    permission: 'Remote tasks/Wipe',
    destructive: true,
    graphAction: 'wipe',
    warnings: [
      'The device is reset to factory settings: apps, data and settings are erased, unless an option below keeps some.',
      "This can't be undone.",
    ],
  }),
  intune({
    id: 'intune.resetPasscode',
    label: 'Reset passcode',
    permission: 'Remote tasks/Reset passcode',
    destructive: false,
    graphAction: 'resetPasscode',
    warnings: [
      'The old passcode stops working. Only you will see the new one; give it to the user after checking who they are.',
      'It fails unless a passcode policy applies to the device.',
    ],
  }),
  intune({
    id: 'intune.lostMode.on',
    label: 'Lost mode',
    permission: 'Remote tasks/Enable lost mode',
    destructive: false,
    graphAction: 'enableLostMode',
    warnings: ['The device is locked and shows your message and phone number until lost mode is turned off.'],
  }),
  intune({
    id: 'intune.lostMode.off',
    label: 'Disable lost mode',
    permission: 'Remote tasks/Disable lost mode',
    destructive: false,
    graphAction: 'disableLostMode',
    warnings: ['The device can be used again by whoever holds it.'],
  }),
  intune({
    id: 'intune.locate',
    label: 'Locate',
    permission: 'Remote tasks/Locate device',
    destructive: false,
    graphAction: 'locateDevice',
    warnings: ["The device's location is shown to this conversation; Intune keeps it 24 hours."],
  }),
];

/** The Intune action a typed ChromeOS command stands for, when the device turns out to be in Intune. */
const INTUNE_COUNTERPART: Partial<Record<ActionId, ActionId>> = {
  reboot: 'intune.restart',
  wipeUsers: 'intune.wipe',
  powerwash: 'intune.wipe',
  deprovision: 'intune.retire',
  'lostMode.on': 'intune.lostMode.on',
  'lostMode.off': 'intune.lostMode.off',
};

/** Graph's action behind an Intune catalogue action. */
export function graphActionOf(id: ActionId): DeviceActionName | undefined {
  return INTUNE_ACTIONS.find((a) => a.id === id)?.graphAction;
}

/**
 * Intune actions that run in bulk. Reset passcode and locate answer with something for the
 * requester's eyes (a passcode, a place), which a bulk summary is no place for.
 */
export const BULK_INTUNE_ACTIONS: readonly ActionId[] = [
  'intune.sync',
  'intune.restart',
  'intune.retire',
  'intune.wipe',
  'intune.lostMode.on',
  'intune.lostMode.off',
];

/** `restart 5CG…` names the action by its words; the device's source says which one it is. */
export function actionForSource(id: ActionId, source: DeviceSource): ActionId {
  return source === 'intune' ? (INTUNE_COUNTERPART[id] ?? id) : id;
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
