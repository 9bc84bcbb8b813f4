import discovery from '../../../src/sandbox/google/discovery-chromeos.json';
import { ManualClock } from '../../../src/clock';
import { SYNC_FIELDS } from '../../../src/directory';
import { startGoogleEmulator, type GoogleEmulator } from '../../../src/sandbox/google';
import { parseFields, selectFields } from '../../../src/sandbox/google/partial-response';
import { NOW, testFleet } from './fixtures';
import { googleHttp } from './http';

describe("Google's partial responses (fields=)", () => {
  it("parses Google's selector syntax: lists, a/b paths, a(b,c) sub-selections and *", () => {
    const doc = {
      kind: 'k',
      nextPageToken: 't',
      chromeosdevices: [{ deviceId: '1', serialNumber: 'S', recentUsers: [{ email: 'e', type: 'T' }], model: 'm' }],
    };
    expect(selectFields(doc, parseFields('nextPageToken,chromeosdevices(deviceId,serialNumber)'))).toEqual({
      nextPageToken: 't',
      chromeosdevices: [{ deviceId: '1', serialNumber: 'S' }],
    });
    expect(selectFields(doc, parseFields('chromeosdevices/recentUsers/email'))).toEqual({
      chromeosdevices: [{ recentUsers: [{ email: 'e' }] }],
    });
    expect(selectFields(doc, parseFields('chromeosdevices(*)'))).toEqual({ chromeosdevices: doc.chromeosdevices });
    for (const bad of ['', 'a(b', 'a,,b', 'a)b', 'a/'])
      expect(() => parseFields(bad)).toThrow(/Invalid field selection/);
  });
});

describe('the emulator against the discovery document', () => {
  let em: GoogleEmulator;
  const fleet = testFleet(400, 'fidelity');
  beforeAll(async () => {
    em = await startGoogleEmulator({ clock: new ManualClock(NOW), devices: fleet, commandStepMs: 1000 });
  });
  afterAll(() => em.close());

  it("carries in FULL the reports Google's ChromeOsDevice schema lists, and leaves them out of BASIC", async () => {
    const http = googleHttp(em);
    const active = fleet.find((d) => d.status === 'ACTIVE')!;
    const full = (await http.get(active.deviceId, 'FULL')).body;
    const basic = (await http.get(active.deviceId, 'BASIC')).body;
    const reports = [
      'cpuStatusReports',
      'diskVolumeReports',
      'systemRamFreeReports',
      'recentUsers',
      'activeTimeRanges',
      'deviceFiles',
      'cpuInfo',
      'lastKnownNetwork',
      'tpmVersionInfo',
      'osUpdateStatus',
    ];
    const schema = Object.keys(discovery.schemas.ChromeOsDevice.properties);
    for (const r of reports) {
      expect(schema).toContain(r);
      expect(full).toHaveProperty(r);
      if (r !== 'recentUsers' && r !== 'activeTimeRanges') expect(basic).not.toHaveProperty(r);
    }
    // Nothing the schema does not know.
    expect(Object.keys(full).filter((k) => !schema.includes(k))).toEqual([]);
  });

  it('honours fields= on list and get, and refuses a malformed selector', async () => {
    const http = googleHttp(em);
    const page = (await http.list({ maxResults: 50, fields: 'nextPageToken,chromeosdevices(deviceId,serialNumber)' }))
      .body;
    expect(Object.keys(page).sort()).toEqual(['chromeosdevices', 'nextPageToken']);
    expect(page.chromeosdevices.every((d: object) => Object.keys(d).sort().join() === 'deviceId,serialNumber')).toBe(
      true,
    );
    const one = (await http.send('GET', `${http.devicesPath()}/${fleet[0].deviceId}?fields=status`)).body;
    expect(one).toEqual({ status: expect.any(String) });
    const bad = await http.list({ fields: 'chromeosdevices(deviceId' });
    expect(bad.status).toBe(400);
  });

  it('sends far fewer bytes per page for a sync with fields than with FULL', async () => {
    const http = googleHttp(em);
    const bytes = async (params: Record<string, string | number>) =>
      Buffer.byteLength(JSON.stringify((await http.list({ maxResults: 200, ...params })).body));
    const full = await bytes({ projection: 'FULL' });
    const partial = await bytes({ projection: 'FULL', fields: SYNC_FIELDS });
    // The sandbox fleet measured 606 kB FULL, 174 kB BASIC, 87 kB with the sync's fields per 200-device page (docs/fidelity.md).
    expect(partial).toBeLessThan(full / 3);
  });
});

describe('deprovision, then factory reset (seed 000)', () => {
  it('accepts REMOTE_POWERWASH for a deprovisioned device, runs it, and the device does not re-enrol', async () => {
    const clock = new ManualClock(NOW);
    const fleet = testFleet(20, 'retire');
    const d = fleet[0];
    const em = await startGoogleEmulator({ clock, devices: fleet, commandStepMs: 1000 });
    try {
      const http = googleHttp(em);
      const enrolledAt = d.lastEnrollmentTime;
      const batch = await http.batch({
        deviceIds: [d.deviceId],
        changeChromeOsDeviceStatusAction: 'CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DEPROVISION',
        deprovisionReason: 'DEPROVISION_REASON_RETIRING_DEVICE',
      });
      expect(batch.body.changeChromeOsDeviceStatusResults[0]).toEqual({ deviceId: d.deviceId, response: {} });
      // Other commands are still refused for a deprovisioned device.
      expect((await http.issue(d.deviceId, { commandType: 'REBOOT' })).status).toBe(400);
      const issued = await http.issue(d.deviceId, { commandType: 'REMOTE_POWERWASH' });
      expect(issued.status).toBe(200);
      clock.advance(10_000);
      const cmd = (await http.command(d.deviceId, issued.body.commandId)).body;
      expect(cmd).toMatchObject({ state: 'EXECUTED_BY_CLIENT', commandResult: { result: 'SUCCESS' } });
      const after = (await http.get(d.deviceId)).body;
      expect(after.status).toBe('DEPROVISIONED');
      expect(after.lastEnrollmentTime).toBe(enrolledAt);
      expect(after.recentUsers ?? []).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
