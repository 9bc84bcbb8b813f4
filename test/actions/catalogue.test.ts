import {
  ACTION_IDS,
  ActionTarget,
  chromeMilestone,
  createActionCatalogue,
  DEFAULT_REBOOT_MIN_MILESTONE,
  findAction,
  fittingActions,
  isActionId,
} from '../../src/actions/catalogue';
import { isRolePermission } from '../../src/access';

const catalogue = createActionCatalogue();
const ids = (d: ActionTarget, c = catalogue) => fittingActions(c, d).map((a) => a.id);
const chrome = (over: Partial<ActionTarget> = {}): ActionTarget => ({
  source: 'chrome',
  status: 'ACTIVE',
  osVersion: '126.0.6478.222',
  deviceLicenseType: 'education',
  ...over,
});

describe('action catalogue', () => {
  it('has every action once, with a real role permission, a label and warnings', () => {
    expect(catalogue.map((a) => a.id).sort()).toEqual([...ACTION_IDS].sort());
    for (const a of catalogue) {
      expect(isRolePermission(a.permission)).toBe(true);
      expect(a.label.length).toBeGreaterThan(0);
      expect(a.warnings.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['lostMode.on', 'Lost mode', 'Remote tasks/Enable lost mode', false],
    ['lostMode.off', 'Disable lost mode', 'Remote tasks/Disable lost mode', false],
    ['wipeUsers', 'Wipe user profiles', 'Remote tasks/Wipe', true],
    ['powerwash', 'Factory reset', 'Remote tasks/Wipe', true],
    ['reboot', 'Restart', 'Remote tasks/Reboot now', false],
    ['deprovision', 'Deprovision', 'Remote tasks/Retire', true],
    ['retireForGood', 'Retire for good', 'Remote tasks/Retire', true],
    ['remoteLock', 'Remote lock', 'Remote tasks/Remote lock', false],
    ['intune.sync', 'Sync', 'Remote tasks/Sync devices', false],
    ['intune.restart', 'Restart', 'Remote tasks/Reboot now', false],
    ['intune.retire', 'Retire', 'Remote tasks/Retire', true],
    ['intune.wipe', 'Wipe', 'Remote tasks/Wipe', true],
    ['intune.resetPasscode', 'Reset passcode', 'Remote tasks/Reset passcode', false],
    ['intune.lostMode.on', 'Lost mode', 'Remote tasks/Enable lost mode', false],
    ['intune.lostMode.off', 'Disable lost mode', 'Remote tasks/Disable lost mode', false],
    ['intune.locate', 'Locate', 'Remote tasks/Locate device', false],
  ])('%s: "%s", needs %s, destructive %s', (id, label, permission, destructive) => {
    const a = findAction(catalogue, id)!;
    expect(a).toMatchObject({ label, permission, destructive });
  });

  it('Intune actions fit only what Intune said of the device, and never a ChromeOS device', () => {
    const intune = (over: Partial<ActionTarget> = {}): ActionTarget => ({
      source: 'intune',
      status: 'COMPLIANT',
      ...over,
    });
    expect(ids(intune()).filter((id) => id.startsWith('intune.'))).toEqual([]);
    expect(findAction(catalogue, 'intune.wipe')!.whyNot(intune())).toMatch(/could not be reached/);
    const said = intune({
      intuneActions: { syncDevice: { allowed: true }, wipe: { allowed: false, message: 'Not here.' } },
    });
    expect(ids(said)).toEqual(['remoteLock', 'intune.sync']);
    expect(findAction(catalogue, 'intune.wipe')!.whyNot(said)).toBe('Not here.');
    expect(ids(chrome()).some((id) => id.startsWith('intune.'))).toBe(false);
    expect(findAction(catalogue, 'intune.sync')!.runsWithoutConfirmation).toBe(true);
  });

  it('carries the seed warnings', () => {
    const w = (id: string) => findAction(catalogue, id)!.warnings.join(' ');
    expect(w('powerwash')).toMatch(/Unless it was deprovisioned first, the device re-enrols by itself/);
    expect(w('reboot')).toMatch(/not notified and may lose unsaved work/);
    expect(w('deprovision')).toMatch(/can't re-enrol until it is factory reset/);
    expect(w('lostMode.on')).toMatch(/contact message configured in the Google Admin console/);
  });

  it('an active ChromeOS device: lost mode on (not off), restart, both wipes, deprovision; no remote lock', () => {
    expect(ids(chrome())).toEqual(['lostMode.on', 'reboot', 'wipeUsers', 'powerwash', 'deprovision', 'retireForGood']);
  });

  it('a device in lost mode (DISABLED): Disable lost mode, not Lost mode, no restart', () => {
    const got = ids(chrome({ status: 'DISABLED' }));
    expect(got).toContain('lostMode.off');
    expect(got).not.toContain('lostMode.on');
    expect(got).not.toContain('reboot');
  });

  it('a deprovisioned device: only the factory reset that keeps it from re-enrolling (seed 000)', () => {
    expect(ids(chrome({ status: 'DEPROVISIONED' }))).toEqual(['powerwash']);
    expect(ids(chrome({ status: 'deprovisioned' }))).toEqual(['powerwash']);
  });

  it('says why an action does not fit, in words the requester can act on', () => {
    const why = (id: string, d: ActionTarget) => findAction(catalogue, id)!.whyNot(d);
    expect(why('lostMode.on', chrome({ status: 'DISABLED' }))).toBe('Lost mode is already on.');
    expect(why('reboot', chrome({ osVersion: '100.0.1.1' }))).toMatch(/ChromeOS 113 or later/);
    expect(
      why('remoteLock', {
        source: 'intune',
        lock: { allowed: false, reason: 'platform-not-supported', message: 'Not on Windows.' },
      }),
    ).toBe('Not on Windows.');
    expect(why('wipeUsers', chrome())).toBeUndefined();
  });

  it("restart follows the rule Google reports for the device, with this deployment's milestone", () => {
    const kiosk = chrome({
      osVersion: '100.0.1.1',
      restart: { rule: 'kiosk', allowed: true, evidence: 'no sign-ins' },
    });
    expect(ids(kiosk)).toContain('reboot');
    const regular = (milestone: number) =>
      chrome({
        osVersion: `${milestone}.0.1.1`,
        deviceLicenseType: 'kioskUpgrade',
        restart: {
          rule: 'chromeos-version',
          allowed: milestone >= 113,
          milestone,
          minMilestone: 113,
          evidence: 'people sign in',
        },
      });
    // A kiosk licence on a device people sign in to is a regular device.
    expect(ids(regular(100))).not.toContain('reboot');
    expect(ids(regular(120))).toContain('reboot');
    expect(ids(regular(120), createActionCatalogue({ rebootMinMilestone: 130 }))).not.toContain('reboot');
  });

  it('retire for good needs Retire and Wipe, and is never run without a confirmation', () => {
    const a = findAction(catalogue, 'retireForGood')!;
    expect(a.permission).toBe('Remote tasks/Retire');
    expect(a.alsoNeeds).toEqual(['Remote tasks/Wipe']);
    expect(a.destructive).toBe(true);
  });

  it('an unknown or missing status: nothing (Google status is an open string)', () => {
    expect(ids(chrome({ status: 'PRE_PROVISIONED' }))).toEqual([]);
    expect(ids(chrome({ status: undefined }))).toEqual([]);
  });

  it(`restart: regular devices from ChromeOS ${DEFAULT_REBOOT_MIN_MILESTONE}, kiosks and managed guest at any version`, () => {
    expect(ids(chrome({ osVersion: '113.0.5672.134' }))).toContain('reboot');
    expect(ids(chrome({ osVersion: '112.0.5615.134' }))).not.toContain('reboot');
    expect(ids(chrome({ osVersion: undefined }))).not.toContain('reboot');
    expect(ids(chrome({ osVersion: '103.0.5060.132', deviceLicenseType: 'kioskUpgrade' }))).toContain('reboot');
    expect(ids(chrome({ osVersion: '103.0.5060.132', managedGuest: true }))).toContain('reboot');
  });

  it('restart: the minimum milestone is an option', () => {
    const strict = createActionCatalogue({ rebootMinMilestone: 130 });
    expect(ids(chrome({ osVersion: '126.0.6478.222' }), strict)).not.toContain('reboot');
    expect(ids(chrome({ osVersion: '130.0.6723.116' }), strict)).toContain('reboot');
    const lax = createActionCatalogue({ rebootMinMilestone: 100 });
    expect(ids(chrome({ osVersion: '103.0.5060.132' }), lax)).toContain('reboot');
  });

  it('remote lock only for Intune devices, and no ChromeOS action for them', () => {
    expect(ids({ source: 'intune', status: 'managed' })).toEqual(['remoteLock']);
    expect(ids({ source: 'intune' })).toEqual(['remoteLock']);
    expect(ids({ source: 'intune', status: 'retired' })).toEqual([]);
  });

  it('reads milestones and action ids defensively', () => {
    expect(chromeMilestone('120.0.6099.235')).toBe(120);
    expect(chromeMilestone('garbage')).toBe(0);
    expect(isActionId('powerwash')).toBe(true);
    expect(isActionId('rm -rf')).toBe(false);
    expect(isActionId(undefined)).toBe(false);
    expect(findAction(catalogue, 'nope')).toBeUndefined();
  });
});
