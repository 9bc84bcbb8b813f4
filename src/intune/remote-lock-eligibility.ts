/**
 * Which Intune devices a remote lock may be sent to: the one rule the device card (whether to show
 * the button) and the action (whether to send) both ask.
 *
 * Seed 003 and Microsoft's remote lock page (https://learn.microsoft.com/intune/intune-service/remote-actions/device-remote-lock,
 * "Platform requirements"): Android Enterprise corporate-owned dedicated (COSU), fully managed
 * (COBO) and corporate-owned work profile (COPE), Android Open Source Project (AOSP),
 * iOS/iPadOS and macOS. Windows, Linux, personally owned work profiles and device administrator
 * enrolments are not listed, so they are refused here.
 */
import type { ManagedDevice } from './managed-device-types';

export type LockEligibility = { allowed: true } | { allowed: false; reason: LockRefusal; message: string };

export type LockRefusal =
  | 'platform-not-supported'
  | 'personal-work-profile'
  | 'device-administrator'
  | 'enrolment-unknown'
  | 'leaving-management';

type LockTarget = Pick<
  ManagedDevice,
  'operatingSystem' | 'deviceEnrollmentType' | 'managementAgent' | 'managedDeviceOwnerType' | 'managementState'
>;

/** Graph's deviceEnrollmentType members (beta) for the Android enrolments Intune can lock. */
const LOCKABLE_ANDROID_ENROLMENTS = new Set(
  [
    'androidEnterpriseDedicatedDevice',
    'androidEnterpriseFullyManaged',
    'androidEnterpriseCorporateWorkProfile',
    'androidAOSPUserlessDeviceEnrollment',
    'androidAOSPUserOwnedDeviceEnrollment',
  ].map((e) => e.toLowerCase()),
);

/**
 * managementState values of a device Intune is retiring, wiping or deleting (reference
 * enums.managementState): it runs no further action, so a lock would stay pending for ever.
 */
const LEAVING_STATES = new Set(
  ['retirePending', 'retireIssued', 'wipePending', 'wipeIssued', 'deletePending'].map((s) => s.toLowerCase()),
);

const refuse = (reason: LockRefusal, message: string): LockEligibility => ({ allowed: false, reason, message });

export function remoteLockEligibility(device: LockTarget): LockEligibility {
  const state = (device.managementState ?? 'managed').toLowerCase();
  if (LEAVING_STATES.has(state))
    return refuse(
      'leaving-management',
      `Intune is retiring or wiping this device (${device.managementState}); it takes no remote lock now.`,
    );
  const os = (device.operatingSystem ?? '').trim().toLowerCase();
  if (os === 'ios' || os === 'ipados' || /^mac\s*os|^osx$/.test(os)) return { allowed: true };
  if (os !== 'android')
    return refuse(
      'platform-not-supported',
      `Intune's remote lock works on iOS/iPadOS, macOS and corporate Android only, not on ${device.operatingSystem || 'this platform'}.`,
    );
  return androidEligibility(device);
}

function androidEligibility(device: LockTarget): LockEligibility {
  const enrolment = (device.deviceEnrollmentType ?? '').toLowerCase();
  const agent = (device.managementAgent ?? '').toLowerCase();
  if (LOCKABLE_ANDROID_ENROLMENTS.has(enrolment) || agent === 'intuneaosp') return { allowed: true };
  if ((device.managedDeviceOwnerType ?? '').toLowerCase() === 'personal')
    return refuse(
      'personal-work-profile',
      "This is a personally owned Android work profile: Intune's remote lock does not reach it.",
    );
  // The Company Portal's legacy agent without an Android Enterprise enrolment is device administrator.
  if (agent === 'mdm' || agent === 'easmdm')
    return refuse(
      'device-administrator',
      "This Android device uses device administrator: Intune can't lock it remotely.",
    );
  return refuse(
    'enrolment-unknown',
    "Intune does not say how this Android device is enrolled, so it can't be told whether a remote lock would reach it.",
  );
}
