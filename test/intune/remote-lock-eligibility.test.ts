import { ManualClock } from '../../src/clock';
import {
  GraphHttpClient,
  GraphManagedDeviceDirectory,
  latestActionResult,
  remoteLockEligibility,
} from '../../src/intune';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import reference from '../../src/sandbox/graph/graph-intune-reference.json';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { LOCK_STEP_MS } from '../../src/sandbox/graph/managed-devices';

const START = Date.parse('2026-03-02T10:00:00Z');

describe('remoteLockEligibility (seed 003)', () => {
  const device = (fields: Record<string, string>) => ({
    operatingSystem: 'Android',
    managementState: 'managed',
    ...fields,
  });

  it.each([
    ['iOS', {}],
    ['iPadOS', {}],
    ['macOS', {}],
    ['Android', { deviceEnrollmentType: 'androidEnterpriseDedicatedDevice' }],
    ['Android', { deviceEnrollmentType: 'androidEnterpriseFullyManaged' }],
    ['Android', { deviceEnrollmentType: 'androidEnterpriseCorporateWorkProfile' }],
    ['Android', { deviceEnrollmentType: 'androidAOSPUserlessDeviceEnrollment' }],
    ['Android', { deviceEnrollmentType: 'androidAOSPUserOwnedDeviceEnrollment' }],
    ['Android', { managementAgent: 'intuneAosp' }],
  ])('allows %s %j', (os, extra) => {
    expect(remoteLockEligibility(device({ operatingSystem: os, ...extra }))).toEqual({ allowed: true });
  });

  it.each([
    [{ operatingSystem: 'Windows' }, 'platform-not-supported'],
    [{ operatingSystem: 'Linux' }, 'platform-not-supported'],
    [
      { managedDeviceOwnerType: 'personal', managementAgent: 'googleCloudDevicePolicyController' },
      'personal-work-profile',
    ],
    [
      { managedDeviceOwnerType: 'company', managementAgent: 'mdm', deviceEnrollmentType: 'userEnrollment' },
      'device-administrator',
    ],
    [{}, 'enrolment-unknown'],
    [{ operatingSystem: 'iOS', managementState: 'retirePending' }, 'leaving-management'],
    [{ operatingSystem: 'macOS', managementState: 'wipePending' }, 'leaving-management'],
    [{ deviceEnrollmentType: 'androidEnterpriseFullyManaged', managementState: 'deletePending' }, 'leaving-management'],
  ])('refuses %j (%s) with a reason to show', (fields, reason) => {
    const verdict = remoteLockEligibility(device(fields));
    expect(verdict).toMatchObject({ allowed: false, reason });
    if (!verdict.allowed) expect(verdict.message.length).toBeGreaterThan(20);
  });

  it('uses enrolment types and management states Graph really has', () => {
    const enrolments = [
      ...reference.enums.deviceEnrollmentType,
      ...reference.enumsBetaExtraMembers.deviceEnrollmentType,
    ];
    for (const e of [
      'androidEnterpriseDedicatedDevice',
      'androidEnterpriseFullyManaged',
      'androidEnterpriseCorporateWorkProfile',
      'androidAOSPUserlessDeviceEnrollment',
      'androidAOSPUserOwnedDeviceEnrollment',
    ])
      expect(enrolments).toContain(e);
    for (const s of ['retirePending', 'retireIssued', 'wipePending', 'wipeIssued', 'deletePending'])
      expect(reference.enums.managementState).toContain(s);
  });
});

describe('the emulator when a lock is sent to a device that cannot take it', () => {
  let graph: GraphEmulator;
  let devices: GraphManagedDeviceDirectory;
  const clock = new ManualClock(START);
  const fleet = sandboxIntuneFleet(START);

  beforeAll(async () => {
    graph = await startGraphEmulator({ managedDevices: fleet, clock });
    devices = new GraphManagedDeviceDirectory(
      new GraphHttpClient({ auth: { kind: 'fixed-token', token: graph.fixedToken }, baseUrl: graph.baseUrl, clock }),
    );
  });
  afterAll(() => graph.close());

  it('has Windows (six laptops) and Linux devices and one of each refused Android kind, all refused by the rule', async () => {
    const refused = (await devices.search({ operatingSystem: 'Windows' }))
      .concat(await devices.search({ operatingSystem: 'Linux' }))
      .concat((await devices.search({ operatingSystem: 'Android' })).filter((d) => !remoteLockEligibility(d).allowed));
    expect(refused.map((d) => (remoteLockEligibility(d) as { reason: string }).reason).sort()).toEqual([
      'device-administrator',
      'personal-work-profile',
      ...Array(7).fill('platform-not-supported'),
    ]);
    // Every generated phone, tablet and Mac is lockable.
    const lockable = fleet.filter(
      (d) =>
        ['iOS', 'iPadOS', 'macOS'].includes(d.operatingSystem) ||
        d.deviceEnrollmentType.startsWith('androidEnterprise'),
    );
    expect(lockable.filter((d) => d.managementState === 'managed').every((d) => remoteLockEligibility(d).allowed)).toBe(
      true,
    );
  });

  it('reports notSupported for a Windows device (unconfirmed Graph behaviour), pending for one being retired', async () => {
    const windows = fleet.find((d) => d.operatingSystem === 'Windows')!;
    const retiring = fleet.find((d) => d.managementState === 'retirePending')!;
    await devices.remoteLock(windows.id, { justification: 'x' });
    await devices.remoteLock(retiring.id, { justification: 'x' });
    clock.advance(10 * LOCK_STEP_MS);
    expect(latestActionResult(await devices.get(windows.id), 'remoteLock')?.actionState).toBe('notSupported');
    expect(latestActionResult(await devices.get(retiring.id), 'remoteLock')?.actionState).toBe('pending');
    expect(reference.enums.actionState).toContain('notSupported');
  });
});
