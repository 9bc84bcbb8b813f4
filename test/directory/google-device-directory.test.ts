import { ManualClock } from '../../src/clock';
import { DeviceNotFound, InvalidInput, OutcomeUnknown, QuotaExceeded, UpstreamError } from '../../src/errors';
import {
  createDeviceDirectory,
  FULL_SYNC_LISTING,
  GoogleDeviceDirectory,
  RetryOptions,
  SYNC_FIELDS,
} from '../../src/directory';
import { generateFleet } from '../../src/sandbox/fleet';
import { FleetDevice } from '../../src/sandbox/fleet/types';
import { GoogleEmulator, GoogleEmulatorOptions, startGoogleEmulator } from '../../src/sandbox/google';

const NOW = Date.parse('2026-01-05T09:00:00Z');

function fleetOf(size: number, seed: string): FleetDevice[] {
  const fleet = generateFleet({ seed, size, domain: 'school.example', now: NOW });
  // Pin a few devices whose behaviour the tests rely on.
  Object.assign(fleet[0], {
    status: 'ACTIVE',
    osVersion: '130.0.6723.116',
    behaviour: { connectivity: 'online', kiosk: false },
  });
  Object.assign(fleet[1], {
    status: 'ACTIVE',
    osVersion: '112.0.5615.134',
    behaviour: { connectivity: 'online', kiosk: false },
  });
  Object.assign(fleet[2], { status: 'DISABLED', behaviour: { connectivity: 'online', kiosk: false } });
  fleet[0].recentUsers = [
    { email: 'ava.kim@school.example', type: 'USER_TYPE_MANAGED' },
    { email: '', type: 'USER_TYPE_UNMANAGED' },
  ];
  return fleet;
}

interface Harness {
  em: GoogleEmulator;
  dir: GoogleDeviceDirectory;
  clock: ManualClock;
  fleet: FleetDevice[];
  delays: number[];
}

/** The real client over real HTTP; waits are recorded and move the manual clock instead of sleeping. */
async function harness(
  size: number,
  emulator: Partial<GoogleEmulatorOptions> = {},
  retry: RetryOptions = {},
): Promise<Harness> {
  const clock = new ManualClock(NOW);
  const fleet = fleetOf(size, `dir-${size}`);
  const em = await startGoogleEmulator({ clock, devices: fleet, commandStepMs: 1000, ...emulator });
  const delays: number[] = [];
  const dir = createDeviceDirectory({
    customerId: 'my_customer',
    rootUrl: em.rootUrl,
    accessToken: em.accessToken,
    clock,
    retry: {
      maxAttempts: 6,
      baseDelayMs: 1000,
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
        clock.advance(ms);
      },
      ...retry,
    },
  });
  return { em, dir, clock, fleet, delays };
}

describe('GoogleDeviceDirectory against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(450);
  });
  afterAll(() => h.em.close());
  beforeEach(() => {
    h.em.resetStats();
    h.delays.length = 0;
  });

  it('maps Google’s device to the bot’s ChromeDevice', async () => {
    const d = await h.dir.get(h.fleet[0].deviceId);
    const g = h.em.readDevice(h.fleet[0].deviceId) as Record<string, string>;
    expect(d).toMatchObject({
      deviceId: g.deviceId,
      serialNumber: g.serialNumber,
      status: 'ACTIVE',
      model: g.model,
      osVersion: '130.0.6723.116',
      orgUnitPath: g.orgUnitPath,
      lastSync: g.lastSync,
      etag: g.etag,
      recentUsers: ['ava.kim@school.example'],
      autoUpdateExpiration: new Date(Number(g.autoUpdateExpiration)).toISOString().slice(0, 10),
    });
    expect(d.autoUpdateExpiration).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('lists a first page without pageToken and follows nextPageToken', async () => {
    const first = await h.dir.listPage({ maxResults: 200 });
    expect(first.devices).toHaveLength(200);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await h.dir.listPage({ maxResults: 200 }, first.nextPageToken);
    const ids = new Set([...first.devices, ...second.devices].map((d) => d.deviceId));
    expect(ids.size).toBe(400);
    expect(h.em.stats().byStatus).toEqual({ 200: 2 });
  });

  it('passes query, org unit and order through', async () => {
    const target = h.fleet[5];
    const page = await h.dir.listPage({ query: `id:${target.serialNumber}` });
    expect(page.devices.map((d) => d.deviceId)).toContain(target.deviceId);
    const north: string[] = [];
    for await (const chunk of h.dir.listAll({
      orgUnitPath: '/Schools/North',
      includeChildOrgunits: true,
      orderBy: 'serialNumber',
      maxResults: 30,
    })) {
      north.push(...chunk.map((d) => d.orgUnitPath));
      expect(chunk.length).toBeLessThanOrEqual(30);
    }
    expect(north.length).toBe(h.fleet.filter((d) => d.orgUnitPath.startsWith('/Schools/North/')).length);
  });

  it('turns 404 into DeviceNotFound', async () => {
    await expect(h.dir.get('missing-device')).rejects.toBeInstanceOf(DeviceNotFound);
    await expect(h.dir.getCommand(h.fleet[0].deviceId, '42')).rejects.toBeInstanceOf(DeviceNotFound);
  });

  it('changes status in batches of at most 50 and reports every device', async () => {
    const active = h.fleet
      .filter((d, i) => i > 10 && d.status === 'ACTIVE')
      .slice(0, 118)
      .map((d) => d.deviceId);
    const ids = [...active, 'missing-1', h.fleet[2].deviceId];
    const results = await h.dir.batchChangeStatus(ids, 'DISABLE');
    expect(h.em.stats().byMethod['customer.devices.chromeos.batchChangeStatus']).toBe(3);
    expect(results.map((r) => r.deviceId)).toEqual(ids);
    expect(results.filter((r) => r.ok)).toHaveLength(118);
    expect(results.find((r) => r.deviceId === 'missing-1')).toMatchObject({ ok: false, error: { code: 5 } });
    expect(results.find((r) => r.deviceId === h.fleet[2].deviceId)).toMatchObject({ ok: false, error: { code: 9 } });
    for (const id of active) expect(h.em.readDevice(id)?.status).toBe('DISABLED');
    const back = await h.dir.batchChangeStatus(active, 'REENABLE');
    expect(back.every((r) => r.ok)).toBe(true);
  });

  it('requires a reason to deprovision before calling Google, and sends it', async () => {
    await expect(h.dir.batchChangeStatus([h.fleet[3].deviceId], 'DEPROVISION')).rejects.toBeInstanceOf(InvalidInput);
    expect(h.em.stats().requests).toBe(0);
    const [r] = await h.dir.batchChangeStatus([h.fleet[3].deviceId], 'DEPROVISION', 'RETIRING_DEVICE');
    expect(r.ok).toBe(true);
    const d = await h.dir.get(h.fleet[3].deviceId);
    expect(d).toMatchObject({ status: 'DEPROVISIONED', deprovisionReason: 'RETIRING_DEVICE' });
  });

  it('issues a command and follows it to EXECUTED_BY_CLIENT', async () => {
    const commandId = await h.dir.issueCommand(h.fleet[0].deviceId, 'REBOOT', { user_session_delay_seconds: 0 });
    expect(commandId).toMatch(/^\d+$/);
    expect((await h.dir.getCommand(h.fleet[0].deviceId, commandId)).state).toBe('PENDING');
    h.clock.advance(3000);
    expect(await h.dir.getCommand(h.fleet[0].deviceId, commandId)).toMatchObject({
      commandId,
      type: 'REBOOT',
      state: 'EXECUTED_BY_CLIENT',
      result: { result: 'SUCCESS', executeTime: expect.any(String) },
    });
  });

  it('reports a refused command as UpstreamError without retrying it', async () => {
    const err = await h.dir.issueCommand(h.fleet[1].deviceId, 'REBOOT').catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 400, reason: 'failedPrecondition' });
    // Said for people: the command by the button's name, no status code or reason word.
    expect(err.userMessage).toMatch(/a restart can only be issued to kiosk and managed guest session devices/);
    expect(err.userMessage).not.toMatch(/400|failedPrecondition|REBOOT/);
    expect(h.em.stats().requests).toBe(1);
    expect(h.delays).toEqual([]);
  });

  it('rides out a quota storm with jittered exponential backoff', async () => {
    h.em.forceErrors(4, 'userRateLimitExceeded');
    const page = await h.dir.listPage({ maxResults: 10 });
    expect(page.devices).toHaveLength(10);
    expect(h.em.stats().byStatus).toEqual({ 200: 1, 403: 4 });
    // random() = 0.5: half of 1 s, 2 s, 4 s, 8 s.
    expect(h.delays).toEqual([500, 1000, 2000, 4000]);
  });

  it('waits out a 429 on a POST (Google refused it before running it) and sends it once', async () => {
    h.em.forceErrors(1, 'rateLimitExceeded');
    const commandId = await h.dir.issueCommand(h.fleet[0].deviceId, 'WIPE_USERS');
    expect(commandId).toMatch(/^\d+$/);
    expect(h.em.stats().byStatus).toEqual({ 200: 1, 429: 1 });
  });

  it('never sends issueCommand again after a 5xx: the outcome is unknown, it may have been sent', async () => {
    h.em.forceErrors(1, 'backendError');
    const err = await h.dir.issueCommand(h.fleet[0].deviceId, 'WIPE_USERS').catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknown);
    expect(err).toMatchObject({ status: undefined, upstreamStatus: 503, outcomeUnknown: true });
    expect(err.userMessage).toContain('may have been sent');
    expect(h.em.stats().byMethod).toEqual({ 'customer.devices.chromeos.issueCommand': 1 });
  });

  it('honours Retry-After', async () => {
    h.em.forceErrors(1, 'rateLimitExceeded', { retryAfterSeconds: 7 });
    await h.dir.get(h.fleet[0].deviceId);
    expect(h.delays).toEqual([7000]);
  });

  it('gives up with QuotaExceeded once the attempts are spent', async () => {
    h.em.forceErrors(6, 'quotaExceeded');
    await expect(h.dir.get(h.fleet[0].deviceId)).rejects.toBeInstanceOf(QuotaExceeded);
    expect(h.em.stats().requests).toBe(6);
    expect(h.delays).toHaveLength(5);
    // The storm is over: the next call goes through.
    await expect(h.dir.get(h.fleet[0].deviceId)).resolves.toMatchObject({ deviceId: h.fleet[0].deviceId });
  });

  it('gives up on a status change after a long outage as "unknown", with a message safe for chat', async () => {
    h.em.forceErrors(6, 'backendError');
    const err = await h.dir.batchChangeStatus([h.fleet[0].deviceId], 'DISABLE').catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknown);
    expect(err).toMatchObject({ status: undefined, upstreamStatus: 503, reason: 'outcomeUnknown' });
    expect(err.userMessage).not.toContain(h.em.accessToken);
    expect(err.userMessage).not.toMatch(/Bearer|at \w+ \(/);
    expect(h.em.readDevice(h.fleet[0].deviceId)?.status).toBe('ACTIVE');
  });
});

describe('GoogleDeviceDirectory limits', () => {
  it('stops retrying when the total time budget is spent', async () => {
    const h = await harness(20, {}, { maxTotalMs: 5000 });
    try {
      h.em.forceErrors(6, 'backendError');
      await expect(h.dir.get(h.fleet[0].deviceId)).rejects.toBeInstanceOf(UpstreamError);
      // 500 + 1000 + 2000 fit in 5 s; the 4 s wait would not.
      expect(h.delays).toEqual([500, 1000, 2000]);
    } finally {
      await h.em.close();
    }
  });

  it('does not retry an authentication failure', async () => {
    const h = await harness(20);
    try {
      const wrong = createDeviceDirectory({
        customerId: 'my_customer',
        rootUrl: h.em.rootUrl,
        accessToken: 'wrong',
        retry: { sleep: async () => undefined },
      });
      const err = await wrong.get(h.fleet[0].deviceId).catch((e) => e);
      expect(err).toMatchObject({ status: 401 });
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err.userMessage).not.toContain('wrong');
      expect(h.em.stats().requests).toBe(1);
    } finally {
      await h.em.close();
    }
  });

  it('works within an enforced per-minute quota, waiting for the window to slide', async () => {
    // Full jitter at its top (random → 1): 1 + 2 + 4 + 8 + 16 + 32 s of waits outlast the 60 s window.
    const h = await harness(1000, { quotaPerMinute: 2 }, { maxAttempts: 8, random: () => 0.999 });
    try {
      let count = 0;
      for await (const chunk of h.dir.listAll({ maxResults: 200 })) count += chunk.length;
      expect(count).toBe(1000);
      expect(h.em.stats().byStatus['200']).toBe(5);
      expect(h.em.stats().throttled).toBeGreaterThan(0);
      // Never more than two admitted requests in any minute of the clock.
      expect(h.clock.now() - NOW).toBeGreaterThanOrEqual(2 * 60_000);
    } finally {
      await h.em.close();
    }
  });

  it('lists the fleet for a full sync in ascending serial order, each device once', async () => {
    const h = await harness(1_000);
    try {
      const serials: string[] = [];
      for await (const chunk of h.dir.listAll(FULL_SYNC_LISTING)) serials.push(...chunk.map((d) => d.serialNumber));
      expect(serials).toHaveLength(1_000);
      expect(new Set(serials).size).toBe(1_000);
      // The inventory's indexes are sorted by lower-cased serial: new devices go in at their end.
      const keys = serials.map((s) => s.toLowerCase());
      expect(keys).toEqual([...keys].sort());
      expect(h.em.stats().byMethod).toEqual({ 'chromeosdevices.list': 5 });
    } finally {
      await h.em.close();
    }
  });

  it('lists 10,000 devices page by page, each once, in 50 requests', async () => {
    const h = await harness(10_000);
    try {
      const seen = new Set<string>();
      let pages = 0;
      for await (const chunk of h.dir.listAll()) {
        pages++;
        expect(chunk.length).toBeLessThanOrEqual(200);
        for (const d of chunk) seen.add(d.deviceId);
      }
      expect(seen.size).toBe(10_000);
      expect(pages).toBe(50);
      expect(h.em.stats().byMethod).toEqual({ 'chromeosdevices.list': 50 });
    } finally {
      await h.em.close();
    }
  });

  it('lists only devices synced since a time, newest first, in as few requests as they fill', async () => {
    const h = await harness(10_000);
    try {
      const since = new Date(NOW + 60_000).toISOString();
      // 250 devices check in after `since`: two pages of 200, the second cut short.
      const changed = h.fleet.slice(100, 350);
      changed.forEach((d, i) => h.em.updateDevice(d.deviceId, { lastSync: new Date(NOW + 120_000 + i).toISOString() }));
      h.em.resetStats();
      const seen: string[] = [];
      for await (const chunk of h.dir.listChangedSince(since, { fields: SYNC_FIELDS })) {
        for (const d of chunk) seen.push(d.deviceId);
      }
      expect([...seen].sort()).toEqual(changed.map((d) => d.deviceId).sort());
      expect(seen[0]).toBe(changed[249].deviceId);
      expect(h.em.stats().byMethod).toEqual({ 'chromeosdevices.list': 2 });
      // Nothing newer: one request, nothing listed.
      h.em.resetStats();
      const none = [];
      for await (const chunk of h.dir.listChangedSince(new Date(NOW + 3_600_000).toISOString())) none.push(...chunk);
      expect(none).toEqual([]);
      expect(h.em.stats().requests).toBe(1);
    } finally {
      await h.em.close();
    }
  });

  it('refuses a changed-devices listing whose fields leave out lastSync', async () => {
    const h = await harness(10);
    try {
      const listing = h.dir.listChangedSince(new Date(NOW).toISOString(), { fields: 'chromeosdevices(deviceId)' });
      await expect(listing[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(InvalidInput);
      expect(h.em.stats().requests).toBe(0);
    } finally {
      await h.em.close();
    }
  });

  it('refuses to start without credentials, and explains a bad key file', () => {
    expect(() => createDeviceDirectory({ customerId: 'my_customer' })).toThrow(/GOOGLE_SERVICE_ACCOUNT_KEY_FILE/);
    expect(() =>
      createDeviceDirectory({
        customerId: 'my_customer',
        serviceAccountKeyFile: '/keys/sa.json',
        subject: 'admin@school.example',
        readKeyFile: () => '{"type":"x"}',
      }),
    ).toThrow(/client_email/);
    const dir = createDeviceDirectory({
      customerId: 'my_customer',
      serviceAccountKeyFile: '/keys/sa.json',
      subject: 'admin@school.example',
      readKeyFile: () =>
        JSON.stringify({
          client_email: 'desk@project.iam.gserviceaccount.com',
          private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n',
        }),
    });
    expect(dir.account).toBe('admin@school.example');
  });
});
