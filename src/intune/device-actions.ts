/**
 * Intune's everyday remote actions on a managedDevice and which devices each one reaches: the one
 * rule the device card (whether to show a button) and the action (whether to send it) both ask.
 * Each platform rule cites the Intune page that lists the platforms it supports; Graph's action
 * names and parameters are from the v1.0 metadata (src/sandbox/graph/graph-intune-reference.json).
 */
import {
  DEVICE_ACTION_NAMES,
  latestActionResult,
  type DeviceActionName,
  type DeviceActionResult,
  type ManagedDevice,
} from './managed-device-types';

/**
 * wipe's parameters (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-wipe):
 * keepEnrollmentData (doWipePersistProvisionedData), keepUserData (doWipePersistUserData),
 * macOsUnlockCode (the six-digit recovery PIN of an MDM wipe of a Mac), persistEsimDataPlan.
 */
export interface WipeOptions {
  keepEnrollmentData?: boolean;
  keepUserData?: boolean;
  macOsUnlockCode?: string;
  persistEsimDataPlan?: boolean;
}

/** enableLostMode's parameters (beta only: https://learn.microsoft.com/graph/api/intune-devices-manageddevice-enablelostmode?view=graph-rest-beta). */
export interface LostModeMessage {
  message: string;
  phoneNumber?: string;
  footer?: string;
}

export type ActionEligibility = { allowed: true } | { allowed: false; message: string };

type Target = Pick<
  ManagedDevice,
  | 'operatingSystem'
  | 'deviceEnrollmentType'
  | 'managementAgent'
  | 'managedDeviceOwnerType'
  | 'managementState'
  | 'isSupervised'
  | 'deviceActionResults'
>;

/** How a device is managed, in the words of Intune's platform lists. */
export type Enrolment =
  | 'windows'
  | 'macos'
  | 'ios-supervised'
  | 'ios'
  | 'android-dedicated'
  | 'android-fully-managed'
  | 'android-corporate-work-profile'
  | 'android-personal-work-profile'
  | 'android-aosp'
  | 'android-device-administrator'
  | 'android-unknown'
  | 'linux'
  | 'other';

const ANDROID_ENTERPRISE: Record<string, Enrolment> = {
  androidenterprisededicateddevice: 'android-dedicated',
  androidenterprisefullymanaged: 'android-fully-managed',
  androidenterprisecorporateworkprofile: 'android-corporate-work-profile',
  androidaospuserlessdeviceenrollment: 'android-aosp',
  androidaospuserowneddeviceenrollment: 'android-aosp',
};

/** Graph's operatingSystem, deviceEnrollmentType (beta members for Android), managementAgent and owner type. */
export function enrolmentOf(d: Omit<Target, 'deviceActionResults' | 'managementState'>): Enrolment {
  const os = (d.operatingSystem ?? '').trim().toLowerCase();
  if (os.startsWith('windows')) return 'windows';
  if (/^mac\s*os|^osx$/.test(os)) return 'macos';
  if (os === 'ios' || os === 'ipados') return d.isSupervised ? 'ios-supervised' : 'ios';
  if (os === 'linux') return 'linux';
  if (os !== 'android') return 'other';
  const enrolment = ANDROID_ENTERPRISE[(d.deviceEnrollmentType ?? '').toLowerCase()];
  const agent = (d.managementAgent ?? '').toLowerCase();
  if (enrolment) return enrolment;
  if (agent === 'intuneaosp') return 'android-aosp';
  if ((d.managedDeviceOwnerType ?? '').toLowerCase() === 'personal') return 'android-personal-work-profile';
  // The Company Portal's legacy agent without an Android Enterprise enrolment is device administrator.
  if (agent === 'mdm' || agent === 'easmdm') return 'android-device-administrator';
  return 'android-unknown';
}

const WORDS: Record<Enrolment, string> = {
  windows: 'Windows',
  macos: 'macOS',
  'ios-supervised': 'supervised iOS/iPadOS',
  ios: 'an iOS/iPadOS device that is not supervised',
  'android-dedicated': 'an Android Enterprise dedicated device',
  'android-fully-managed': 'an Android Enterprise fully managed device',
  'android-corporate-work-profile': 'an Android Enterprise corporate-owned work profile',
  'android-personal-work-profile': 'a personally owned Android work profile',
  'android-aosp': 'an Android (AOSP) device',
  'android-device-administrator': 'an Android device administrator enrolment',
  'android-unknown': 'an Android device whose enrolment Intune does not report',
  linux: 'Linux',
  other: 'this platform',
};

interface PlatformRule {
  /** Where Microsoft lists the platforms. */
  source: string;
  supported: readonly Enrolment[];
  /** The platforms in Intune's words, for the refusal. */
  says: string;
}

const ANDROID_CORPORATE: Enrolment[] = ['android-dedicated', 'android-fully-managed', 'android-corporate-work-profile'];

/** Per action, the platforms Intune's documentation lists (anything else is refused). */
export const PLATFORM_RULES: Record<DeviceActionName, PlatformRule> = {
  // "Android, iOS/iPadOS, macOS, Windows" — Linux is not listed.
  syncDevice: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/sync',
    supported: [
      'windows',
      'macos',
      'ios',
      'ios-supervised',
      ...ANDROID_CORPORATE,
      'android-personal-work-profile',
      'android-aosp',
      'android-device-administrator',
      'android-unknown',
    ],
    says: 'Android, iOS/iPadOS, macOS and Windows',
  },
  // Android Enterprise dedicated, fully managed, AOSP; iOS/iPadOS in supervised mode; macOS; Windows.
  rebootNow: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/restart',
    supported: ['windows', 'macos', 'ios-supervised', 'android-dedicated', 'android-fully-managed', 'android-aosp'],
    says: 'Windows, macOS, supervised iOS/iPadOS and Android Enterprise dedicated, fully managed or AOSP devices',
  },
  // Android device administrator, Android Enterprise personally owned work profile, iOS/iPadOS, macOS, Windows.
  retire: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/retire',
    supported: [
      'windows',
      'macos',
      'ios',
      'ios-supervised',
      'android-personal-work-profile',
      'android-device-administrator',
    ],
    says: 'Windows, macOS, iOS/iPadOS, personally owned Android work profiles and Android device administrator (corporate-owned Android is wiped instead)',
  },
  // Android Enterprise fully managed, dedicated, corporate-owned work profile, AOSP; iOS/iPadOS; macOS; Windows.
  wipe: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/wipe',
    supported: ['windows', 'macos', 'ios', 'ios-supervised', ...ANDROID_CORPORATE, 'android-aosp'],
    says: 'Windows, macOS, iOS/iPadOS and corporate-owned Android Enterprise or AOSP devices (a personal work profile is retired instead)',
  },
  // Android Enterprise dedicated, fully managed, corporate-owned work profile, personally owned work profile, AOSP.
  resetPasscode: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/reset-passcode',
    supported: [...ANDROID_CORPORATE, 'android-personal-work-profile', 'android-aosp'],
    says: 'Android Enterprise and AOSP devices',
  },
  // "iOS/iPadOS in Supervised Mode" (and ChromeOS, through Google); not Windows, macOS or Android.
  enableLostMode: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/lost-mode',
    supported: ['ios-supervised'],
    says: 'supervised iOS/iPadOS devices',
  },
  disableLostMode: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/lost-mode',
    supported: ['ios-supervised'],
    says: 'supervised iOS/iPadOS devices',
  },
  // Android Enterprise dedicated, fully managed, corporate-owned work profile; supervised iOS/iPadOS (in lost mode); Windows.
  locateDevice: {
    source: 'https://learn.microsoft.com/intune/device-management/actions/locate',
    supported: ['windows', 'ios-supervised', ...ANDROID_CORPORATE],
    says: 'Windows, supervised iOS/iPadOS in lost mode and corporate-owned Android Enterprise devices',
  },
};

/** What each action is called in a refusal. */
const ACTION_WORDS: Record<DeviceActionName, string> = {
  syncDevice: 'sync',
  rebootNow: 'restart',
  retire: 'retire',
  wipe: 'wipe',
  resetPasscode: 'reset passcode',
  enableLostMode: 'lost mode',
  disableLostMode: 'lost mode',
  locateDevice: 'locate device',
};

/**
 * managementState values of a device Intune is retiring, wiping or deleting (reference
 * enums.managementState). "Retire, Wipe and Delete take precedence over all other actions … the
 * system ignores all other pending actions" (https://learn.microsoft.com/intune/device-management/actions).
 */
const LEAVING = new Set(
  ['retirePending', 'retireIssued', 'wipePending', 'wipeIssued', 'deletePending'].map((s) => s.toLowerCase()),
);

/** Lost mode is on when the latest lost-mode action Intune reports is an enable that did not fail. */
export function lostModeOn(d: Pick<ManagedDevice, 'deviceActionResults'>): boolean {
  const on = latestActionResult(d as ManagedDevice, 'enableLostMode');
  const off = latestActionResult(d as ManagedDevice, 'disableLostMode');
  const live = (r: DeviceActionResult | undefined) => !!r && ['pending', 'active', 'done'].includes(r.actionState);
  if (!live(on)) return false;
  return !live(off) || Date.parse(on?.startDateTime ?? '') > Date.parse(off?.startDateTime ?? '');
}

/** Whether the action exists for the device's platform and enrolment at all (Intune's platform lists). */
export function platformSupports(
  action: DeviceActionName,
  d: Omit<Target, 'deviceActionResults' | 'managementState'>,
): boolean {
  return PLATFORM_RULES[action].supported.includes(enrolmentOf(d));
}

/** Whether Intune can run the action on the device as it is now, and if not, why in plain words. */
export function deviceActionEligibility(action: DeviceActionName, d: Target): ActionEligibility {
  const state = (d.managementState ?? 'managed').toLowerCase();
  if (LEAVING.has(state))
    return {
      allowed: false,
      message: `Intune is already retiring or wiping this device (${d.managementState}); it takes no other action now.`,
    };
  const rule = PLATFORM_RULES[action];
  const enrolment = enrolmentOf(d);
  if (!rule.supported.includes(enrolment))
    return {
      allowed: false,
      message: `Intune's ${ACTION_WORDS[action]} works on ${rule.says}; this is ${WORDS[enrolment]}.`,
    };
  if (action === 'enableLostMode' && lostModeOn(d)) return { allowed: false, message: 'Lost mode is already on.' };
  if (action === 'disableLostMode' && !lostModeOn(d)) return { allowed: false, message: 'Lost mode is not on.' };
  // Apple answers a location request only in lost mode (Intune's locate page, iOS prerequisites).
  if (action === 'locateDevice' && enrolment === 'ios-supervised' && !lostModeOn(d))
    return { allowed: false, message: 'An iPhone or iPad can be located only in lost mode: turn lost mode on first.' };
  return { allowed: true };
}

/** Every action's eligibility at once, for the device card. */
export function deviceActionsEligibility(d: Target): Record<DeviceActionName, ActionEligibility> {
  return Object.fromEntries(DEVICE_ACTION_NAMES.map((a) => [a, deviceActionEligibility(a, d)])) as Record<
    DeviceActionName,
    ActionEligibility
  >;
}

/** The new passcode of a reset (resetPasscodeActionResult.passcode), when Intune reports it. */
export function passcodeOf(result: DeviceActionResult | undefined): string | undefined {
  const raw = result as unknown as Record<string, unknown> | undefined;
  const value = raw?.passcode;
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : undefined;
}

export interface DeviceLocation {
  latitude: number;
  longitude: number;
  horizontalAccuracy?: number;
  lastCollectedDateTime?: string;
}

/** Where a locate found the device (locateDeviceActionResult.deviceLocation, a deviceGeoLocation). */
export function locationOf(result: DeviceActionResult | undefined): DeviceLocation | undefined {
  const raw = (result as unknown as Record<string, unknown> | undefined)?.deviceLocation as
    Record<string, unknown> | undefined;
  if (!raw || typeof raw.latitude !== 'number' || typeof raw.longitude !== 'number') return undefined;
  return {
    latitude: raw.latitude,
    longitude: raw.longitude,
    horizontalAccuracy: typeof raw.horizontalAccuracy === 'number' ? raw.horizontalAccuracy : undefined,
    lastCollectedDateTime: typeof raw.lastCollectedDateTime === 'string' ? raw.lastCollectedDateTime : undefined,
  };
}
