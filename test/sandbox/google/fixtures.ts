import { generateFleet } from '../../../src/sandbox/fleet';
import { FleetDevice } from '../../../src/sandbox/fleet/types';

export const NOW = Date.parse('2026-01-05T09:00:00Z');

/** A fresh generated fleet with a few devices pinned to known shapes for the tests. */
export function testFleet(size = 600, seed = 'contract'): FleetDevice[] {
  const fleet = generateFleet({ seed, size, domain: 'school.example', now: NOW });
  const [online, offline, flaky, kioskOld, oldLaptop, disabled, deprovisioned] = fleet;
  Object.assign(online, {
    status: 'ACTIVE',
    osVersion: '130.0.6723.116',
    behaviour: { connectivity: 'online', kiosk: false },
  });
  Object.assign(offline, {
    status: 'ACTIVE',
    osVersion: '130.0.6723.116',
    behaviour: { connectivity: 'offline', kiosk: false },
  });
  Object.assign(flaky, {
    status: 'ACTIVE',
    osVersion: '130.0.6723.116',
    behaviour: { connectivity: 'flaky', kiosk: false },
  });
  Object.assign(kioskOld, {
    status: 'ACTIVE',
    osVersion: '108.0.5359.172',
    deviceLicenseType: 'kioskUpgrade',
    behaviour: { connectivity: 'online', kiosk: true },
  });
  Object.assign(oldLaptop, {
    status: 'ACTIVE',
    osVersion: '112.0.5615.134',
    behaviour: { connectivity: 'online', kiosk: false },
  });
  Object.assign(disabled, { status: 'DISABLED', behaviour: { connectivity: 'online', kiosk: false } });
  Object.assign(deprovisioned, {
    status: 'DEPROVISIONED',
    deprovisionReason: 'DEPROVISION_REASON_RETIRING_DEVICE',
    lastDeprovisionTimestamp: '2025-12-01T10:00:00.000Z',
    behaviour: { connectivity: 'offline', kiosk: false },
  });
  online.recentUsers = [{ email: 'ava.kim@school.example', type: 'USER_TYPE_MANAGED' }];
  return fleet;
}

export const PINNED = {
  online: 0,
  offline: 1,
  flaky: 2,
  kioskOld: 3,
  oldLaptop: 4,
  disabled: 5,
  deprovisioned: 6,
} as const;
