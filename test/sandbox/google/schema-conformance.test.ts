import discovery from '../../../src/sandbox/google/discovery-chromeos.json';
import { ManualClock } from '../../../src/clock';
import { GoogleEmulator, createSchemaValidator, startGoogleEmulator } from '../../../src/sandbox/google';
import { DiscoveryDocument } from '../../../src/sandbox/google/schema-validator';
import { googleHttp } from './http';
import { NOW, PINNED, testFleet } from './fixtures';

const validator = createSchemaValidator(discovery as unknown as DiscoveryDocument);

describe('schema validator', () => {
  it('accepts a conforming device and reports each kind of drift', () => {
    expect(
      validator.validate('ChromeOsDevice', {
        deviceId: 'a',
        autoUpdateExpiration: '1938038400000',
        recentUsers: [{ email: 'x', type: 'y' }],
      }),
    ).toEqual([]);
    expect(validator.validate('ChromeOsDevice', { deviceId: 'a', colour: 'red' })).toEqual([
      'ChromeOsDevice.colour: not in the schema',
    ]);
    expect(validator.validate('ChromeOsDevice', { autoUpdateExpiration: 1938038400000 })[0]).toMatch(
      /expected a string/,
    );
    expect(validator.validate('ChromeOsDevice', { autoUpdateExpiration: '2031-06' })[0]).toMatch(/int64/);
    expect(validator.validate('ChromeOsDevice', { deviceLicenseType: 'gold' })[0]).toMatch(/enum/);
    expect(validator.validate('ChromeOsDevice', { willAutoRenew: 'yes' })[0]).toMatch(/boolean/);
    expect(validator.validate('ChromeOsDevice', { lastSync: 'yesterday' })[0]).toMatch(/RFC 3339/);
    expect(
      validator.validate('ChromeOsDevice', { activeTimeRanges: [{ date: '2026-01-05', activeTime: 1.5 }] })[0],
    ).toMatch(/integer/);
    expect(validator.validate('DirectoryChromeosdevicesCommand', { state: 'DONE' })[0]).toMatch(/enum/);
    expect(
      validator.validate('BatchChangeChromeOsDeviceStatusResponse', {
        changeChromeOsDeviceStatusResults: [{ deviceId: 'a', error: { code: '5' } }],
      })[0],
    ).toMatch(/integer/);
  });
});

describe('every kind of emulator response conforms to Google’s discovery schemas', () => {
  let clock: ManualClock;
  let em: GoogleEmulator;
  let http: ReturnType<typeof googleHttp>;
  const fleet = testFleet(120, 'schema');

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    em = await startGoogleEmulator({ clock, devices: fleet, commandStepMs: 1000, commandTtlMs: 86_400_000 });
    http = googleHttp(em);
  });
  afterAll(() => em.close());

  const conforms = (schema: string, value: unknown) => expect(validator.validate(schema, value)).toEqual([]);

  it.each(['BASIC', 'FULL'])('list with projection %s', async (projection) => {
    const r = await http.list({ projection, maxResults: 120 });
    expect(r.status).toBe(200);
    expect(r.body.chromeosdevices).toHaveLength(120);
    conforms('ChromeOsDevices', r.body);
  });

  it('get of devices in every status', async () => {
    for (const i of [PINNED.online, PINNED.disabled, PINNED.deprovisioned, PINNED.kioskOld]) {
      const r = await http.get(fleet[i].deviceId);
      expect(r.status).toBe(200);
      conforms('ChromeOsDevice', r.body);
    }
  });

  it('batchChangeStatus results, successes and per-device errors', async () => {
    const r = await http.batch({
      deviceIds: [fleet[10].deviceId, 'missing', fleet[PINNED.deprovisioned].deviceId],
      changeChromeOsDeviceStatusAction: 'CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE',
    });
    expect(r.body.changeChromeOsDeviceStatusResults.filter((x: { error?: unknown }) => x.error)).toHaveLength(2);
    conforms('BatchChangeChromeOsDeviceStatusResponse', r.body);
  });

  it('issueCommand and the command in every state', async () => {
    const online = await http.issue(fleet[PINNED.online].deviceId, {
      commandType: 'REBOOT',
      payload: '{"user_session_delay_seconds":10}',
    });
    const offline = await http.issue(fleet[PINNED.offline].deviceId, { commandType: 'WIPE_USERS' });
    const flaky: string[] = [];
    for (let i = 0; i < 8; i++)
      flaky.push((await http.issue(fleet[PINNED.flaky].deviceId, { commandType: 'REBOOT' })).body.commandId);
    conforms('DirectoryChromeosdevicesIssueCommandResponse', online.body);
    const seen = new Set<string>();
    const check = async (deviceIndex: number, commandId: string) => {
      const c = (await http.command(fleet[deviceIndex].deviceId, commandId)).body;
      conforms('DirectoryChromeosdevicesCommand', c);
      seen.add(c.state);
      if (c.commandResult) seen.add(c.commandResult.result);
    };
    for (let t = 0; t < 4; t++) {
      await check(PINNED.online, online.body.commandId);
      clock.advance(1000);
    }
    clock.advance(10 * 60_000);
    for (const id of flaky) await check(PINNED.flaky, id);
    clock.advance(86_400_000);
    await check(PINNED.offline, offline.body.commandId);
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'PENDING',
        'SENT_TO_CLIENT',
        'ACKED_BY_CLIENT',
        'EXECUTED_BY_CLIENT',
        'EXPIRED',
        'SUCCESS',
        'FAILURE',
      ]),
    );
  });
});
