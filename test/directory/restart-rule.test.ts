import { ManualClock } from '../../src/clock';
import { createDeviceDirectory, restartRule } from '../../src/directory';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { startGoogleEmulator } from '../../src/sandbox/google';

const base = { osVersion: '120.0.6099.235', recentUsers: [] as string[] };

describe('restartRule', () => {
  it('reads a kiosk from use with nobody signed in, licence or not', () => {
    expect(restartRule({ ...base, osVersion: '108.0.1', lastActiveDate: '2026-01-04' })).toMatchObject({
      rule: 'kiosk',
      allowed: true,
    });
    expect(
      restartRule({ ...base, osVersion: '108.0.1', deviceLicenseType: 'kioskUpgrade', lastActiveDate: '2026-01-04' }),
    ).toMatchObject({ rule: 'kiosk', evidence: expect.stringContaining('kiosk licence') });
  });

  it('reads managed guest sessions from sessions without an account', () => {
    expect(restartRule({ ...base, osVersion: '100.0', sessionsWithoutAccount: 3 })).toMatchObject({
      rule: 'managed-guest-session',
      allowed: true,
    });
  });

  it('does not take the kiosk licence alone for a kiosk: people sign in, so the version decides', () => {
    const signedIn = {
      ...base,
      deviceLicenseType: 'kioskUpgrade',
      recentUsers: ['a@x.example'],
      lastActiveDate: '2026-01-04',
    };
    expect(restartRule({ ...signedIn, osVersion: '112.0.5615.134' })).toMatchObject({
      rule: 'chromeos-version',
      allowed: false,
      milestone: 112,
      evidence: expect.stringContaining('kiosk licence alone'),
    });
    expect(restartRule({ ...signedIn, osVersion: '113.0.5672.134' })).toMatchObject({ allowed: true });
    expect(restartRule({ ...signedIn, osVersion: '130.0.1' }, 131)).toMatchObject({
      allowed: false,
      minMilestone: 131,
    });
  });

  it("agrees with the emulator's REBOOT rule on every active device of the sandbox fleet", async () => {
    const NOW = Date.parse('2026-01-05T09:00:00Z');
    const fleet = sandboxFleet(NOW);
    const em = await startGoogleEmulator({ clock: new ManualClock(NOW), devices: fleet });
    try {
      const dir = createDeviceDirectory({
        customerId: 'my_customer',
        rootUrl: em.rootUrl,
        accessToken: em.accessToken,
      });
      const rules = { kiosk: 0, 'managed-guest-session': 0, 'chromeos-version': 0 };
      for (const d of fleet.filter((x) => x.status === 'ACTIVE')) {
        const rule = restartRule(await dir.get(d.deviceId));
        rules[rule.rule]++;
        const accepted = await dir.issueCommand(d.deviceId, 'REBOOT').then(
          () => true,
          () => false,
        );
        expect([d.serialNumber, rule.allowed]).toEqual([d.serialNumber, accepted]);
        expect(rule.rule === 'kiosk').toBe(d.behaviour.kiosk);
      }
      expect(rules.kiosk).toBeGreaterThan(0);
      expect(rules['chromeos-version']).toBeGreaterThan(0);
    } finally {
      await em.close();
    }
  });
});
