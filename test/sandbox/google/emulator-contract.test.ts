import { ManualClock } from '../../../src/clock';
import { FleetDevice } from '../../../src/sandbox/fleet/types';
import { GoogleEmulator, startGoogleEmulator } from '../../../src/sandbox/google';
import { googleHttp, listEverything } from './http';
import { NOW, PINNED, testFleet } from './fixtures';

describe('Google Directory emulator: HTTP contract', () => {
  let clock: ManualClock;
  let fleet: FleetDevice[];
  let em: GoogleEmulator;
  let http: ReturnType<typeof googleHttp>;
  // Expectations are computed from a second, untouched copy of the same seeded fleet.
  let reference: FleetDevice[];

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    fleet = testFleet();
    reference = testFleet();
    em = await startGoogleEmulator({ clock, devices: fleet });
    http = googleHttp(em);
  });
  afterAll(() => em.close());

  const ids = (devices: { deviceId: string }[]) => devices.map((d) => d.deviceId);
  const sortedIds = (devices: { deviceId: string }[]) => ids(devices).sort();

  describe('authentication and customer', () => {
    it('answers 401 without a bearer token, in Google’s error shape', async () => {
      const r = await http.list({}, null);
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({
        code: 401,
        status: 'UNAUTHENTICATED',
        errors: [{ reason: 'required', domain: 'global' }],
      });
      expect(typeof r.body.error.message).toBe('string');
    });

    it('answers 401 authError for a wrong token', async () => {
      const r = await http.list({}, 'not-the-token');
      expect(r.status).toBe(401);
      expect(r.body.error.errors[0].reason).toBe('authError');
    });

    it('accepts my_customer and its own customer id, not another', async () => {
      expect((await http.send('GET', `${http.devicesPath('my_customer')}?maxResults=1`)).status).toBe(200);
      expect((await http.send('GET', `${http.devicesPath(em.customerId)}?maxResults=1`)).status).toBe(200);
      const other = await http.send('GET', `${http.devicesPath('C0other')}?maxResults=1`);
      expect(other.status).toBe(403);
      expect(other.body.error.errors[0].reason).toBe('forbidden');
    });
  });

  describe('chromeosdevices.list paging and order', () => {
    it('pages through every device once, 100 per page by default', async () => {
      const first = await http.list();
      expect(first.body.kind).toBe('admin#directory#chromeosdevices');
      expect(first.body.chromeosdevices).toHaveLength(100);
      expect(first.body.nextPageToken).toEqual(expect.any(String));
      const all = await listEverything(http, { maxResults: 70 });
      expect(all).toHaveLength(reference.length);
      expect(new Set(ids(all)).size).toBe(reference.length);
      expect(sortedIds(all)).toEqual(sortedIds(reference));
    });

    it('has no nextPageToken on the last page', async () => {
      const r = await http.list({ maxResults: 200, query: `id:${reference[10].serialNumber}` });
      expect(r.body.chromeosdevices.map((d: FleetDevice) => d.deviceId)).toContain(reference[10].deviceId);
      expect(r.body.nextPageToken).toBeUndefined();
    });

    it.each([
      ['serialNumber', 'ASCENDING'],
      ['serialNumber', 'DESCENDING'],
      ['lastSync', 'ASCENDING'],
      ['annotatedUser', 'DESCENDING'],
    ] as const)('orders by %s %s across pages', async (orderBy, sortOrder) => {
      const all = await listEverything(http, { maxResults: 45, orderBy, sortOrder });
      expect(all).toHaveLength(reference.length);
      const values = all.map((d) => String(d[orderBy] ?? ''));
      const expected = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (sortOrder === 'DESCENDING') expected.reverse();
      expect(values).toEqual(expected);
      expect(new Set(ids(all)).size).toBe(reference.length);
    });

    it.each([[201], [500], [0], ['abc']])('rejects maxResults=%s with 400 invalid', async (maxResults) => {
      const r = await http.list({ maxResults });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 400, errors: [{ reason: 'invalid' }] });
    });

    it('accepts maxResults=200', async () => {
      const r = await http.list({ maxResults: 200 });
      expect(r.status).toBe(200);
      expect(r.body.chromeosdevices).toHaveLength(200);
    });

    it('rejects a page token that does not belong to the query', async () => {
      const first = await http.list({ maxResults: 10 });
      const r = await http.list({ maxResults: 10, orderBy: 'serialNumber', pageToken: first.body.nextPageToken });
      expect(r.status).toBe(400);
      expect((await http.list({ pageToken: 'garbage' })).status).toBe(400);
      // The first page must omit pageToken rather than send it empty.
      expect((await http.list({ pageToken: '' })).status).toBe(400);
    });
  });

  describe('query operators', () => {
    const has = (v: string | undefined, q: string) => (v ?? '').toLowerCase().includes(q.toLowerCase());

    it('id: finds partial serials from three characters', async () => {
      const serial = reference[42].serialNumber;
      const part = serial.slice(2, 6).toLowerCase();
      const found = await listEverything(http, { query: `id:${part}`, maxResults: 200 });
      expect(sortedIds(found)).toEqual(sortedIds(reference.filter((d) => has(d.serialNumber, part))));
      expect(ids(found)).toContain(reference[42].deviceId);
      // Two characters are not a partial search.
      const two = await http.list({ query: `id:${serial.slice(0, 2)}` });
      expect(two.body.chromeosdevices ?? []).toHaveLength(0);
    });

    it('asset_id:, user:, location: and plain words', async () => {
      const d = reference.find((x) => x.annotatedAssetId && x.annotatedUser && x.annotatedLocation) as FleetDevice;
      const asset = await listEverything(http, { query: `asset_id:${d.annotatedAssetId}` });
      expect(sortedIds(asset)).toEqual(
        sortedIds(reference.filter((x) => has(x.annotatedAssetId, d.annotatedAssetId as string))),
      );
      const user = await listEverything(http, { query: `user:${d.annotatedUser}` });
      expect(sortedIds(user)).toEqual(
        sortedIds(reference.filter((x) => has(x.annotatedUser, d.annotatedUser as string))),
      );
      expect(user.length).toBeGreaterThan(0);
      const where = (d.annotatedLocation as string).split(' ')[0];
      const loc = await listEverything(http, { query: `location:"${d.annotatedLocation}"` });
      expect(sortedIds(loc)).toEqual(
        sortedIds(reference.filter((x) => has(x.annotatedLocation, d.annotatedLocation as string))),
      );
      const word = await listEverything(http, { query: where, maxResults: 200 });
      expect(word.length).toBeGreaterThanOrEqual(loc.length);
      const combined = await listEverything(http, { query: `user:${d.annotatedUser} id:${d.serialNumber}` });
      expect(ids(combined)).toEqual([d.deviceId]);
    });

    it('status: provisioned, disabled, deprovisioned, managed', async () => {
      const count = (pred: (s: string) => boolean) => reference.filter((x) => pred(x.status)).length;
      expect(await listEverything(http, { query: 'status:disabled', maxResults: 200 })).toHaveLength(
        count((s) => s === 'DISABLED'),
      );
      expect(await listEverything(http, { query: 'status:deprovisioned', maxResults: 200 })).toHaveLength(
        count((s) => s === 'DEPROVISIONED'),
      );
      expect(await listEverything(http, { query: 'status:provisioned', maxResults: 200 })).toHaveLength(
        count((s) => s === 'ACTIVE'),
      );
      expect(await listEverything(http, { query: 'status:managed', maxResults: 200 })).toHaveLength(
        count((s) => s !== 'DEPROVISIONED'),
      );
    });

    it('sync: a day, a range, before and after a day (UTC), ordered by lastSync', async () => {
      const day = (d: FleetDevice) => d.lastSync.slice(0, 10);
      const target = day(reference[7]);
      const synced = (pred: (day: string) => boolean) => sortedIds(reference.filter((d) => pred(day(d))));
      expect(sortedIds(await listEverything(http, { query: `sync:${target}`, maxResults: 200 }))).toEqual(
        synced((d) => d === target),
      );
      expect(sortedIds(await listEverything(http, { query: `sync:${target}..`, maxResults: 200 }))).toEqual(
        synced((d) => d >= target),
      );
      expect(sortedIds(await listEverything(http, { query: `sync:..${target}`, maxResults: 200 }))).toEqual(
        synced((d) => d <= target),
      );
      expect(
        sortedIds(await listEverything(http, { query: `sync:2025-12-01..${target} status:managed`, maxResults: 200 })),
      ).toEqual(
        sortedIds(reference.filter((d) => day(d) >= '2025-12-01' && day(d) <= target && d.status !== 'DEPROVISIONED')),
      );
      const newest = await http.list({ query: `sync:${target}..`, orderBy: 'lastSync', sortOrder: 'DESCENDING' });
      const times = newest.body.chromeosdevices.map((d: { lastSync: string }) => d.lastSync);
      expect(times).toEqual([...times].sort().reverse());
    });

    it('sees a device changed or removed through the control handle', async () => {
      // An emulator of its own: the other tests read the untouched fleet.
      const own = await startGoogleEmulator({ clock, devices: testFleet() });
      try {
        const ownHttp = googleHttp(own);
        const [changed, gone] = [reference[20], reference[21]];
        const today = new Date(NOW).toISOString().slice(0, 10);
        own.updateDevice(changed.deviceId, { lastSync: new Date(NOW).toISOString(), annotatedUser: 'new.owner' });
        expect(ids(await listEverything(ownHttp, { query: `sync:${today} user:new.owner` }))).toEqual([
          changed.deviceId,
        ]);
        own.removeDevice(gone.deviceId);
        expect(own.readDevice(gone.deviceId)).toBeUndefined();
        expect(ids(await listEverything(ownHttp, { query: `id:${gone.serialNumber}` }))).toEqual([]);
        expect(own.deviceCount()).toBe(reference.length - 1);
      } finally {
        await own.close();
      }
    });

    it('rejects a sync: value that is not a day or a range of days with 400', async () => {
      for (const bad of ['sync:yesterday', 'sync:2026-13-01', 'sync:2026-01-05T10:00:00..', 'sync:..']) {
        const r = await http.list({ query: bad });
        expect(r.status).toBe(400);
        expect(r.body.error.errors[0].reason).toBe('invalid');
      }
    });

    it('rejects an unknown operator with 400', async () => {
      const r = await http.list({ query: 'colour:blue' });
      expect(r.status).toBe(400);
      expect(r.body.error.errors[0].reason).toBe('invalid');
    });

    it('filters by org unit, with or without children', async () => {
      const exact = await listEverything(http, { orgUnitPath: '/Schools/North/Students', maxResults: 200 });
      expect(sortedIds(exact)).toEqual(sortedIds(reference.filter((d) => d.orgUnitPath === '/Schools/North/Students')));
      const tree = await listEverything(http, {
        orgUnitPath: 'Schools/North',
        includeChildOrgunits: true,
        maxResults: 200,
      });
      expect(sortedIds(tree)).toEqual(sortedIds(reference.filter((d) => d.orgUnitPath.startsWith('/Schools/North/'))));
      expect(tree.length).toBeGreaterThan(exact.length);
      expect((await http.list({ includeChildOrgunits: true })).status).toBe(400);
    });

    it('refuses a path that names no org unit with 400 INVALID_OU_ID, as Google did for a stray space', async () => {
      for (const orgUnitPath of ['/Schools/Nowhere', '/Schools/North ']) {
        const r = await http.list({ orgUnitPath });
        expect(r.status).toBe(400);
        expect(r.body.error.errors[0].reason).toBe('invalid');
        expect(r.body.error.message).toBe('Invalid Input: INVALID_OU_ID');
      }
      // The root and a unit that only holds other units exist.
      expect((await http.list({ orgUnitPath: '/' })).status).toBe(200);
      expect((await http.list({ orgUnitPath: '/Schools', includeChildOrgunits: true })).status).toBe(200);
    });

    it('knows a unit declared empty, and one a device moved into', async () => {
      const own = await startGoogleEmulator({ clock, devices: testFleet(), orgUnits: ['/Schools/West/Students'] });
      try {
        const ownHttp = googleHttp(own);
        const empty = await ownHttp.list({ orgUnitPath: '/Schools/West/Students' });
        expect(empty.status).toBe(200);
        expect(empty.body.chromeosdevices).toEqual([]);
        expect((await ownHttp.list({ orgUnitPath: '/Labs' })).status).toBe(400);
        own.updateDevice(reference[3].deviceId, { orgUnitPath: '/Labs/Robotics' });
        expect(ids(await listEverything(ownHttp, { orgUnitPath: '/Labs', includeChildOrgunits: true }))).toEqual([
          reference[3].deviceId,
        ]);
      } finally {
        await own.close();
      }
    });
  });

  describe('projection and get', () => {
    it('BASIC leaves out recent users; FULL has them', async () => {
      const target = reference[PINNED.online];
      const basic = await http.list({ projection: 'BASIC', query: `id:${target.serialNumber}` });
      expect(basic.body.chromeosdevices[0]).not.toHaveProperty('recentUsers');
      const full = await http.get(target.deviceId, 'FULL');
      expect(full.status).toBe(200);
      expect(full.body).toMatchObject({
        kind: 'admin#directory#chromeosdevice',
        deviceId: target.deviceId,
        serialNumber: target.serialNumber,
      });
      expect(full.body.recentUsers).toEqual([{ type: 'USER_TYPE_MANAGED', email: 'ava.kim@school.example' }]);
    });

    it('answers 404 notFound for an unknown device', async () => {
      const r = await http.get('no-such-device');
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: 404, errors: [{ reason: 'notFound' }], status: 'NOT_FOUND' });
    });
  });

  describe('batchChangeStatus', () => {
    const DISABLE = 'CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE';
    const REENABLE = 'CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE';
    const DEPROVISION = 'CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DEPROVISION';

    it('refuses more than 50 ids and an empty list', async () => {
      const ids51 = reference.slice(100, 151).map((d) => d.deviceId);
      const r = await http.batch({ deviceIds: ids51, changeChromeOsDeviceStatusAction: DISABLE });
      expect(r.status).toBe(400);
      expect(r.body.error.errors[0].reason).toBe('invalid');
      expect((await http.batch({ deviceIds: [], changeChromeOsDeviceStatusAction: DISABLE })).status).toBe(400);
      // Nothing was changed by the refused request.
      expect(em.readDevice(ids51[0])?.status).toBe(reference[100].status);
    });

    it('requires a reason to deprovision and rejects one otherwise', async () => {
      const id = reference[PINNED.online].deviceId;
      expect((await http.batch({ deviceIds: [id], changeChromeOsDeviceStatusAction: DEPROVISION })).status).toBe(400);
      expect(
        (
          await http.batch({
            deviceIds: [id],
            changeChromeOsDeviceStatusAction: DISABLE,
            deprovisionReason: 'DEPROVISION_REASON_RETIRING_DEVICE',
          })
        ).status,
      ).toBe(400);
      expect(em.readDevice(id)?.status).toBe('ACTIVE');
    });

    it('reports per-device errors inside an HTTP 200 and changes the others', async () => {
      const active = reference
        .filter((d) => d.status === 'ACTIVE')
        .slice(20, 23)
        .map((d) => d.deviceId);
      const alreadyDisabled = reference[PINNED.disabled].deviceId;
      const r = await http.batch({
        deviceIds: [...active, 'missing-device', alreadyDisabled],
        changeChromeOsDeviceStatusAction: DISABLE,
      });
      expect(r.status).toBe(200);
      const results = r.body.changeChromeOsDeviceStatusResults;
      expect(results).toHaveLength(5);
      for (const id of active) {
        expect(results).toContainEqual({ deviceId: id, response: {} });
        expect(em.readDevice(id)?.status).toBe('DISABLED');
      }
      expect(results.find((x: { deviceId: string }) => x.deviceId === 'missing-device').error).toMatchObject({
        code: 5,
        message: expect.any(String),
      });
      expect(results.find((x: { deviceId: string }) => x.deviceId === alreadyDisabled).error.code).toBe(9);

      const back = await http.batch({ deviceIds: active, changeChromeOsDeviceStatusAction: REENABLE });
      expect(back.body.changeChromeOsDeviceStatusResults.every((x: { response?: object }) => x.response)).toBe(true);
      for (const id of active) expect(em.readDevice(id)?.status).toBe('ACTIVE');
    });

    it('deprovisions with reason and time; a deprovisioned device cannot be disabled or re-enabled', async () => {
      const id = reference.filter((d) => d.status === 'ACTIVE')[30].deviceId;
      clock.advance(1000);
      const r = await http.batch({
        deviceIds: [id],
        changeChromeOsDeviceStatusAction: DEPROVISION,
        deprovisionReason: 'DEPROVISION_REASON_SAME_MODEL_REPLACEMENT',
      });
      expect(r.body.changeChromeOsDeviceStatusResults).toEqual([{ deviceId: id, response: {} }]);
      const d = (await http.get(id)).body;
      expect(d).toMatchObject({
        status: 'DEPROVISIONED',
        deprovisionReason: 'DEPROVISION_REASON_SAME_MODEL_REPLACEMENT',
        lastDeprovisionTimestamp: new Date(clock.now()).toISOString(),
      });
      for (const action of [DISABLE, REENABLE]) {
        const again = await http.batch({ deviceIds: [id], changeChromeOsDeviceStatusAction: action });
        expect(again.status).toBe(200);
        expect(again.body.changeChromeOsDeviceStatusResults[0].error.code).toBe(9);
      }
      expect(em.readDevice(id)?.status).toBe('DEPROVISIONED');
    });
  });

  describe('legacy chromeosdevices.action', () => {
    it('disables and re-enables, refuses illegal transitions with 412', async () => {
      const id = reference.filter((d) => d.status === 'ACTIVE')[40].deviceId;
      expect((await http.action(id, { action: 'disable' })).status).toBe(204);
      expect(em.readDevice(id)?.status).toBe('DISABLED');
      const twice = await http.action(id, { action: 'disable' });
      expect(twice.status).toBe(412);
      expect(twice.body.error.errors[0].reason).toBe('conditionNotMet');
      expect((await http.action(id, { action: 'reenable' })).status).toBe(204);
      expect((await http.action(id, { action: 'deprovision' })).status).toBe(400);
      expect((await http.action(id, { action: 'deprovision', deprovisionReason: 'retiring_device' })).status).toBe(204);
      expect(em.readDevice(id)).toMatchObject({
        status: 'DEPROVISIONED',
        deprovisionReason: 'DEPROVISION_REASON_RETIRING_DEVICE',
      });
      expect((await http.action('missing', { action: 'disable' })).status).toBe(404);
    });
  });

  describe('issueCommand validation', () => {
    it('returns a commandId for a valid command', async () => {
      const r = await http.issue(reference[PINNED.online].deviceId, {
        commandType: 'REBOOT',
        payload: JSON.stringify({ user_session_delay_seconds: 300 }),
      });
      expect(r.status).toBe(200);
      expect(r.body.commandId).toMatch(/^\d+$/);
    });

    it.each([
      [{ commandType: 'REBOOT', payload: JSON.stringify({ user_session_delay_seconds: 301 }) }],
      [{ commandType: 'REBOOT', payload: JSON.stringify({ user_session_delay_seconds: '5' }) }],
      [{ commandType: 'REBOOT', payload: 'not json' }],
      [{ commandType: 'REBOOT', payload: { user_session_delay_seconds: 5 } }],
      [{ commandType: 'SELF_DESTRUCT' }],
      [{}],
    ])('rejects %j with 400', async (body) => {
      const r = await http.issue(reference[PINNED.online].deviceId, body);
      expect(r.status).toBe(400);
    });

    it('refuses REBOOT on a regular device before ChromeOS 113, accepts it on an old kiosk', async () => {
      const old = await http.issue(reference[PINNED.oldLaptop].deviceId, { commandType: 'REBOOT' });
      expect(old.status).toBe(400);
      expect(old.body.error.errors[0].reason).toBe('failedPrecondition');
      expect((await http.issue(reference[PINNED.kioskOld].deviceId, { commandType: 'REBOOT' })).status).toBe(200);
      expect(
        (await http.issue(reference[PINNED.oldLaptop].deviceId, { commandType: 'TAKE_A_SCREENSHOT' })).status,
      ).toBe(400);
    });

    it('refuses commands to a deprovisioned device and answers 404 for unknown ones', async () => {
      const r = await http.issue(reference[PINNED.deprovisioned].deviceId, { commandType: 'WIPE_USERS' });
      expect(r.status).toBe(400);
      expect((await http.issue('missing', { commandType: 'WIPE_USERS' })).status).toBe(404);
      expect((await http.command(reference[PINNED.online].deviceId, '123')).status).toBe(404);
    });
  });
});

describe('Google Directory emulator: quota, faults, counters', () => {
  let clock: ManualClock;
  let em: GoogleEmulator;
  let http: ReturnType<typeof googleHttp>;

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    em = await startGoogleEmulator({ clock, devices: testFleet(50, 'quota'), quotaPerMinute: 5 });
    http = googleHttp(em);
  });
  afterAll(() => em.close());

  it('enforces the per-minute quota with 403 userRateLimitExceeded on a sliding window', async () => {
    em.resetStats();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await http.list({ maxResults: 1 })).status);
      clock.advance(10_000);
    }
    const over = await http.list({ maxResults: 1 });
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({
      code: 403,
      errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }],
    });
    // 60 s after the first request one slot is free again, and only one.
    clock.advance(10_000);
    expect((await http.list({ maxResults: 1 })).status).toBe(200);
    expect((await http.list({ maxResults: 1 })).status).toBe(403);
    expect(em.stats().throttled).toBe(2);
    clock.advance(120_000);
  });

  it('forces the next responses to an error, with Retry-After when asked', async () => {
    em.setQuotaPerMinute(undefined);
    em.forceErrors(1, 'backendError');
    em.forceErrors(1, 'rateLimitExceeded', { retryAfterSeconds: 7 });
    const a = await http.list({ maxResults: 1 });
    const b = await http.list({ maxResults: 1 });
    const c = await http.list({ maxResults: 1 });
    expect(a.status).toBe(503);
    expect(a.body.error.errors[0].reason).toBe('backendError');
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBe('7');
    expect(c.status).toBe(200);
  });

  it('counts requests per method and status', async () => {
    em.resetStats();
    await http.list({ maxResults: 1 });
    await http.get('missing');
    await http.get('missing');
    const s = em.stats();
    expect(s.requests).toBe(3);
    expect(s.byMethod).toEqual({ 'chromeosdevices.list': 1, 'chromeosdevices.get': 2 });
    expect(s.byStatus).toEqual({ 200: 1, 404: 2 });
  });

  it('injects seeded random faults: the same seed gives the same faults', async () => {
    const run = async () => {
      const e = await startGoogleEmulator({ devices: testFleet(10, 'faults'), faultRate: 0.4, seed: 'f1' });
      const h = googleHttp(e);
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await h.list({ maxResults: 1 })).status);
      await e.close();
      return out;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(first.filter((s) => s === 503 || s === 429).length).toBeGreaterThan(3);
  });
});
