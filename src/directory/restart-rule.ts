/**
 * Which of Google's restart rules applies to a ChromeOS device, read from what Google reports about
 * it, for the device card to show and the action to check.
 *
 * - Seed 000 / Microsoft's ChromeOS remote actions page: "Restart is only available for kiosk
 *   devices and managed guest session devices."
 * - Google's REBOOT command (discovery document, CommandType REBOOT) also restarts regular devices
 *   from ChromeOS 113 on (DESIGN.md "Facts about the APIs"; the emulator enforces the same).
 *
 * Google's Directory API has no field that says "kiosk" or "managed guest session": the licence
 * (deviceLicenseType kioskUpgrade) only says a kiosk upgrade was bought. So the device's sessions
 * decide, and these readings are this project's, not Google's (unconfirmed):
 * - in use (activeTimeRanges) with nobody ever signed in (no recentUsers): an auto-launched kiosk app;
 * - every recent session without a managed account (recentUsers of another type): managed guest sessions.
 * A kiosk licence on a device people sign in to is a regular device.
 */
import type { ChromeDevice } from './types';

export const REBOOT_MIN_MILESTONE = 113;

export type RestartRule =
  | { rule: 'kiosk' | 'managed-guest-session'; allowed: true; evidence: string }
  | { rule: 'chromeos-version'; allowed: boolean; milestone: number; minMilestone: number; evidence: string };

type RestartTarget = Pick<
  ChromeDevice,
  'osVersion' | 'deviceLicenseType' | 'recentUsers' | 'sessionsWithoutAccount' | 'lastActiveDate'
>;

/** "120.0.6099.235" → 120; 0 when unknown. */
export function chromeMilestoneOf(osVersion: string | undefined): number {
  return Number.parseInt(osVersion ?? '', 10) || 0;
}

export function restartRule(device: RestartTarget, minMilestone = REBOOT_MIN_MILESTONE): RestartRule {
  const managed = device.recentUsers.length;
  const guests = device.sessionsWithoutAccount ?? 0;
  const kioskLicence = (device.deviceLicenseType ?? '').toLowerCase() === 'kioskupgrade';
  if (managed === 0 && guests === 0 && device.lastActiveDate) {
    return {
      rule: 'kiosk',
      allowed: true,
      evidence: `in use (last on ${device.lastActiveDate}) with nobody signed in${kioskLicence ? ', kiosk licence' : ''}`,
    };
  }
  if (managed === 0 && guests > 0) {
    return { rule: 'managed-guest-session', allowed: true, evidence: `${guests} recent session(s) without an account` };
  }
  const milestone = chromeMilestoneOf(device.osVersion);
  return {
    rule: 'chromeos-version',
    allowed: milestone >= minMilestone,
    milestone,
    minMilestone,
    evidence:
      managed > 0
        ? `people sign in to it${kioskLicence ? ' (the kiosk licence alone does not make it a kiosk)' : ''}; ChromeOS ${milestone || 'unknown'}`
        : `no sign-ins or use reported; ChromeOS ${milestone || 'unknown'}`,
  };
}
