import { ManualClock } from '../../src/clock';
import {
  deviceActionEligibility,
  enrolmentOf,
  GraphHttpClient,
  GraphManagedDeviceDirectory,
  GraphRequestError,
  latestActionResult,
  locationOf,
  MissingGraphPermission,
  passcodeOf,
  type DeviceActionName,
  type ManagedDevice,
} from '../../src/intune';
import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../src/sandbox/fleet/intune-fleet';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { ACTION_STEP_MS } from '../../src/sandbox/graph/managed-devices';

const START = Date.parse('2026-03-02T10:00:00Z');
const fleet = sandboxIntuneFleet(START);

const device = (over: Partial<ManagedDevice>): ManagedDevice => ({
  id: 'x',
  deviceName: 'x',
  serialNumber: 'S',
  operatingSystem: 'Windows',
  managementState: 'managed',
  managedDeviceOwnerType: 'company',
  deviceActionResults: [],
  ...over,
});
const windows = device({ operatingSystem: 'Windows', deviceEnrollmentType: 'windowsAzureADJoin' });
const mac = device({ operatingSystem: 'macOS', deviceEnrollmentType: 'appleBulkWithUser' });
const supervisedIphone = device({
  operatingSystem: 'iOS',
  isSupervised: true,
  deviceEnrollmentType: 'appleBulkWithUser',
});
const personalIphone = device({
  operatingSystem: 'iOS',
  isSupervised: false,
  deviceEnrollmentType: 'appleUserEnrollment',
  managedDeviceOwnerType: 'personal',
});
const android = (deviceEnrollmentType: string, over: Partial<ManagedDevice> = {}) =>
  device({
    operatingSystem: 'Android',
    deviceEnrollmentType,
    managementAgent: 'googleCloudDevicePolicyController',
    ...over,
  });
const fullyManaged = android('androidEnterpriseFullyManaged');
const dedicated = android('androidEnterpriseDedicatedDevice');
const cope = android('androidEnterpriseCorporateWorkProfile');
const byod = android('userEnrollment', { managedDeviceOwnerType: 'personal' });
const deviceAdmin = android('userEnrollment', { managementAgent: 'mdm' });
const aosp = android('androidAOSPUserlessDeviceEnrollment');
const linux = device({ operatingSystem: 'Linux', deviceEnrollmentType: 'unknown' });

const allowed = (action: DeviceActionName, d: ManagedDevice) => deviceActionEligibility(action, d).allowed;

describe('which Intune devices each action reaches (the platform lists of Intune’s action pages)', () => {
  const platforms: Array<[string, ManagedDevice]> = [
    ['Windows', windows],
    ['macOS', mac],
    ['supervised iOS', supervisedIphone],
    ['personal iOS', personalIphone],
    ['Android fully managed', fullyManaged],
    ['Android dedicated', dedicated],
    ['Android COPE', cope],
    ['Android BYOD work profile', byod],
    ['Android device administrator', deviceAdmin],
    ['Android AOSP', aosp],
    ['Linux', linux],
  ];
  // Columns in the order of `platforms`.
  const MATRIX: Record<DeviceActionName, number[]> = {
    syncDevice: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    rebootNow: [1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0],
    retire: [1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0],
    wipe: [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0],
    resetPasscode: [0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0],
    enableLostMode: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    disableLostMode: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    locateDevice: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0],
  };
  const cases = Object.entries(MATRIX).flatMap(([action, row]) =>
    platforms.map(([name, d], i) => [action as DeviceActionName, name, d, row[i] === 1] as const),
  );

  it.each(cases)('%s on %s: allowed %s', (action, _name, d, expected) => {
    const got = deviceActionEligibility(action, d);
    expect(got.allowed).toBe(expected);
    if (!got.allowed) expect(got.message.length).toBeGreaterThan(15);
  });

  it('says what the platform is and which ones the action works on', () => {
    expect(deviceActionEligibility('rebootNow', personalIphone)).toEqual({
      allowed: false,
      message:
        "Intune's restart works on Windows, macOS, supervised iOS/iPadOS and Android Enterprise dedicated, fully managed or AOSP devices; this is an iOS/iPadOS device that is not supervised.",
    });
    expect(deviceActionEligibility('enableLostMode', windows)).toMatchObject({
      message: expect.stringContaining('supervised iOS/iPadOS devices; this is Windows'),
    });
  });

  it('follows lost mode through deviceActionResults: off → on → locate and disable; a device leaving takes nothing', () => {
    const on = {
      ...supervisedIphone,
      deviceActionResults: [
        { actionName: 'enableLostMode', actionState: 'done' as const, startDateTime: '2026-03-02T10:00:00Z' },
      ],
    };
    expect(allowed('enableLostMode', on)).toBe(false);
    expect(allowed('disableLostMode', on)).toBe(true);
    expect(allowed('locateDevice', on)).toBe(true);
    const offAgain = {
      ...on,
      deviceActionResults: [
        ...on.deviceActionResults,
        { actionName: 'disableLostMode', actionState: 'done' as const, startDateTime: '2026-03-02T11:00:00Z' },
      ],
    };
    expect(allowed('enableLostMode', offAgain)).toBe(true);
    expect(allowed('disableLostMode', offAgain)).toBe(false);
    expect(deviceActionEligibility('syncDevice', { ...windows, managementState: 'wipePending' })).toMatchObject({
      allowed: false,
      message: expect.stringContaining('wipePending'),
    });
  });

  it('the sandbox fleet has a device of every kind the help desk meets', () => {
    const kinds = new Set(fleet.map((d) => enrolmentOf(d)));
    for (const kind of [
      'windows',
      'linux',
      'macos',
      'ios-supervised',
      'ios',
      'android-fully-managed',
      'android-dedicated',
    ])
      expect(kinds).toContain(kind);
  });
});

describe('Intune device actions through the real client against the Graph emulator', () => {
  let graph: GraphEmulator;
  let devices: GraphManagedDeviceDirectory;
  const clock = new ManualClock(START);
  const used = new Set<string>();
  const take = (match: (d: IntuneFleetDevice) => boolean) => {
    const d = fleet.find((x) => !used.has(x.id) && x.managementState === 'managed' && match(x));
    if (!d) throw new Error('no such device left');
    used.add(d.id);
    return d;
  };
  const online = (os: string) => (d: IntuneFleetDevice) =>
    d.operatingSystem === os && d.behaviour.connectivity === 'online';
  const resultOf = async (id: string, action: string) => latestActionResult(await devices.get(id), action);
  const justification = { justification: 'test' };

  beforeAll(async () => {
    graph = await startGraphEmulator({ managedDevices: fleet, clock });
    devices = new GraphManagedDeviceDirectory(
      new GraphHttpClient({ auth: { kind: 'fixed-token', token: graph.fixedToken }, baseUrl: graph.baseUrl, clock }),
    );
  });
  afterAll(() => graph.close());

  it('syncs a Windows laptop: pending → active → done on the clock, and lastSyncDateTime moves', async () => {
    const d = take(online('Windows'));
    expect(await devices.deviceAction(d.id, 'syncDevice', undefined, justification)).toEqual({ kind: 'sent' });
    expect(await resultOf(d.id, 'syncDevice')).toMatchObject({ actionName: 'syncDevice', actionState: 'pending' });
    clock.advance(ACTION_STEP_MS);
    expect(await resultOf(d.id, 'syncDevice')).toMatchObject({ actionState: 'active' });
    clock.advance(ACTION_STEP_MS);
    expect(await resultOf(d.id, 'syncDevice')).toMatchObject({ actionState: 'done' });
    expect(Date.parse((await devices.get(d.id)).lastSyncDateTime!)).toBeGreaterThan(Date.parse(d.lastSyncDateTime));
    expect(graph.requests.find((r) => r.path.endsWith('/syncDevice'))).toMatchObject({ method: 'POST', status: 204 });
  });

  it('wipes with the options in the body, marks the device wipePending, then wipeIssued', async () => {
    const d = take(online('Windows'));
    await devices.deviceAction(d.id, 'wipe', { keepEnrollmentData: false, keepUserData: true }, justification);
    expect(graph.intune.actionsOn(d.id).pop()?.body).toEqual({ keepEnrollmentData: false, keepUserData: true });
    expect((await devices.get(d.id)).managementState).toBe('wipePending');
    clock.advance(2 * ACTION_STEP_MS);
    expect((await devices.get(d.id)).managementState).toBe('wipeIssued');
  });

  it('refuses what Graph refuses: unknown or mistyped parameters, a Mac wipe without its PIN, enableLostMode under v1.0', async () => {
    const w = take(online('Windows'));
    const m = take(online('macOS'));
    const phone = take((d) => online('iOS')(d) && d.isSupervised);
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: GraphRequestError) => `${e.status} ${e.message}`,
      );
    expect(await refusal(devices.deviceAction(w.id, 'wipe', { wipeEverything: true }, justification))).toMatch(
      /^400 .*'wipeEverything'.*not a valid parameter for the operation 'wipe'/,
    );
    expect(await refusal(devices.deviceAction(w.id, 'wipe', { keepUserData: 'yes' }, justification))).toMatch(
      /^400 .*Edm.Boolean/,
    );
    expect(await refusal(devices.deviceAction(w.id, 'syncDevice', { now: true }, justification))).toMatch(/^400/);
    expect(await refusal(devices.deviceAction(m.id, 'wipe', {}, justification))).toMatch(/^400 .*macOsUnlockCode/);
    expect(await refusal(devices.deviceAction(m.id, 'wipe', { macOsUnlockCode: '12ab' }, justification))).toMatch(
      /six-digit/,
    );
    expect(await refusal(devices.deviceAction(phone.id, 'enableLostMode', { message: '' }, justification))).toMatch(
      /message or a phone number/,
    );
    // The client sends enableLostMode to beta; v1.0 has no such segment.
    const v1 = await fetch(`${graph.baseUrl}/deviceManagement/managedDevices/${phone.id}/enableLostMode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${graph.fixedToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x' }),
    });
    expect(v1.status).toBe(400);
    expect(graph.intune.actionsOn(w.id)).toEqual([]);
    expect(graph.intune.actionsOn(m.id)).toEqual([]);
  });

  it('accepts an action the platform can’t take and reports it notSupported', async () => {
    const linux = fleet.find((d) => d.operatingSystem === 'Linux')!;
    expect(await devices.deviceAction(linux.id, 'rebootNow', undefined, justification)).toEqual({ kind: 'sent' });
    expect(await resultOf(linux.id, 'rebootNow')).toMatchObject({ actionState: 'notSupported' });
  });

  it('lost mode on a supervised iPhone, then locate with a location, then off', async () => {
    const phone = take((d) => online('iOS')(d) && d.isSupervised);
    await devices.deviceAction(
      phone.id,
      'enableLostMode',
      { message: 'Call us', phoneNumber: '+1 555 0100' },
      justification,
    );
    expect(graph.requests.some((r) => r.path.endsWith('/enableLostMode') && r.status === 204)).toBe(true);
    clock.advance(2 * ACTION_STEP_MS);
    expect(await resultOf(phone.id, 'enableLostMode')).toMatchObject({ actionState: 'done' });
    await devices.deviceAction(phone.id, 'locateDevice', undefined, justification);
    clock.advance(2 * ACTION_STEP_MS);
    const located = await resultOf(phone.id, 'locateDevice');
    expect(located).toMatchObject({ actionState: 'done' });
    expect(locationOf(located)).toMatchObject({ latitude: expect.any(Number), longitude: expect.any(Number) });
    await devices.deviceAction(phone.id, 'disableLostMode', undefined, justification);
    clock.advance(2 * ACTION_STEP_MS);
    expect(deviceActionEligibility('enableLostMode', await devices.get(phone.id)).allowed).toBe(true);
  });

  it('reset passcode reports the new passcode on resetPasscodeActionResult; a failing device fails', async () => {
    const kiosk = fleet.find((d) => d.deviceEnrollmentType === 'androidEnterpriseDedicatedDevice')!;
    await devices.deviceAction(kiosk.id, 'resetPasscode', undefined, justification);
    const result = await resultOf(kiosk.id, 'resetPasscode');
    expect(passcodeOf(result)).toMatch(/^\d{6}$/);
    const failing = take((d) => d.operatingSystem === 'Windows' && d.behaviour.connectivity === 'failing');
    await devices.deviceAction(failing.id, 'rebootNow', undefined, justification);
    clock.advance(2 * ACTION_STEP_MS);
    expect(await resultOf(failing.id, 'rebootNow')).toMatchObject({ actionState: 'failed' });
  });

  it('Multi Admin Approval for wipe: filed with the justification, sent once approved with the same parameters', async () => {
    const d = take(online('Windows'));
    graph.intune.approvalActions.add('wipe');
    try {
      const filed = await devices.deviceAction(d.id, 'wipe', { keepUserData: false }, { justification: 'lost laptop' });
      expect(filed).toMatchObject({ kind: 'approval', approval: { status: 'needsApproval' } });
      const code = (filed as { approval: { id: string } }).approval.id;
      expect(graph.intune.actionsOn(d.id)).toEqual([]);
      expect((await devices.approval(code)).requestJustification).toBe('lost laptop');
      graph.intune.decide(code, 'approved', 'alexw@example.com');
      await devices.resubmitDeviceAction(d.id, 'wipe', { keepUserData: false }, code);
      expect(graph.intune.actionsOn(d.id).map((a) => a.name)).toEqual(['wipe']);
      expect((await devices.approval(code)).status).toBe('completed');
    } finally {
      graph.intune.approvalActions.clear();
    }
  });

  it('an app without DeviceManagementManagedDevices.PrivilegedOperations.All is told which permission to grant', async () => {
    const bare = await startGraphEmulator({
      managedDevices: fleet,
      clock,
      withoutPermissions: ['DeviceManagementManagedDevices.PrivilegedOperations.All'],
    });
    try {
      const client = new GraphManagedDeviceDirectory(
        new GraphHttpClient({ auth: { kind: 'fixed-token', token: bare.fixedToken }, baseUrl: bare.baseUrl, clock }),
      );
      const error = await client.deviceAction(fleet[0].id, 'retire', undefined, justification).catch((e) => e);
      expect(error).toBeInstanceOf(MissingGraphPermission);
      expect((error as MissingGraphPermission).permission).toBe(
        'DeviceManagementManagedDevices.PrivilegedOperations.All',
      );
    } finally {
      await bare.close();
    }
  });
});
