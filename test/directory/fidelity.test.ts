import { ManualClock } from '../../src/clock';
import { createDeviceDirectory, INVALID_PAGE_TOKEN_RETRIES, SYNC_FIELDS } from '../../src/directory';
import { nextPacificMidnight } from '../../src/directory/upstream-errors';
import { DailyLimitExceeded, isOutcomeUnknown, OutcomeUnknown } from '../../src/errors';
import { generateFleet } from '../../src/sandbox/fleet';
import { startGoogleEmulator, type GoogleEmulator } from '../../src/sandbox/google';

const NOW = Date.parse('2026-01-05T09:00:00Z');

describe("Google's behaviour the client must survive without doubling or misreporting an action", () => {
  let em: GoogleEmulator;
  const clock = new ManualClock(NOW);
  const delays: number[] = [];
  const fleet = generateFleet({ seed: 'fidelity', size: 450, domain: 'school.example', now: NOW });
  for (const d of fleet.slice(0, 5))
    Object.assign(d, { status: 'ACTIVE', behaviour: { connectivity: 'online', kiosk: false } });
  const dir = () =>
    createDeviceDirectory({
      customerId: 'my_customer',
      rootUrl: em.rootUrl,
      accessToken: em.accessToken,
      clock,
      retry: { maxAttempts: 6, baseDelayMs: 100, random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
    });

  beforeAll(async () => {
    em = await startGoogleEmulator({ clock, devices: fleet, commandStepMs: 1000 });
  });
  afterAll(() => em.close());
  beforeEach(() => {
    em.resetStats();
    delays.length = 0;
  });

  it('issueCommand applied, then 5xx: one command on the device, reported unknown, never failed', async () => {
    const id = fleet[0].deviceId;
    em.failAfterApplying(1, { methods: ['customer.devices.chromeos.issueCommand'] });
    const err = await dir()
      .issueCommand(id, 'WIPE_USERS')
      .catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknown);
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(em.stats().byMethod['customer.devices.chromeos.issueCommand']).toBe(1);
    // The emulator did run it: exactly one command was issued (its id is the next one minus one).
    const next = await dir().issueCommand(fleet[1].deviceId, 'WIPE_USERS');
    await expect(dir().getCommand(id, String(Number(next) - 1))).resolves.toMatchObject({ type: 'WIPE_USERS' });
    await expect(dir().getCommand(id, String(Number(next) - 2))).rejects.toThrow();
  });

  it('batchChangeStatus applied, then 5xx: retried, and "already in that state" counts as done', async () => {
    const id = fleet[2].deviceId;
    em.failAfterApplying(1, { methods: ['customer.devices.chromeos.batchChangeStatus'] });
    const results = await dir().batchChangeStatus([id], 'DISABLE');
    expect(results).toEqual([{ deviceId: id, ok: true }]);
    expect(em.readDevice(id)?.status).toBe('DISABLED');
    expect(em.stats().byMethod['customer.devices.chromeos.batchChangeStatus']).toBe(2);
  });

  it('a status change refused for a device in another state is still a failure', async () => {
    const id = fleet[3].deviceId;
    await dir().batchChangeStatus([id], 'DISABLE');
    em.failAfterApplying(1, { methods: ['customer.devices.chromeos.batchChangeStatus'] });
    // REENABLE of a disabled device: applied, 5xx, the repeat finds it ACTIVE: done.
    expect(await dir().batchChangeStatus([id], 'REENABLE')).toEqual([{ deviceId: id, ok: true }]);
    // Without any fault, "already enabled" stays Google's refusal.
    expect((await dir().batchChangeStatus([id], 'REENABLE'))[0]).toMatchObject({ ok: false });
  });

  it('retries a valid page token Google answered "Invalid Input" for, a few times, and completes the sync', async () => {
    em.failPageTokens(INVALID_PAGE_TOKEN_RETRIES);
    const ids: string[] = [];
    for await (const page of dir().listAll({ maxResults: 200 })) ids.push(...page.map((d) => d.deviceId));
    expect(new Set(ids).size).toBe(fleet.length);
    expect(em.stats().byStatus['400']).toBe(INVALID_PAGE_TOKEN_RETRIES);
  });

  it('gives up after those few retries', async () => {
    em.failPageTokens(INVALID_PAGE_TOKEN_RETRIES + 1);
    const pages = async () => {
      for await (const page of dir().listAll({ maxResults: 200 })) void page;
    };
    await expect(pages()).rejects.toMatchObject({ status: 400 });
    em.failPageTokens(0);
    expect(em.stats().byStatus['400']).toBe(INVALID_PAGE_TOKEN_RETRIES + 1);
  });

  it('does not retry dailyLimitExceeded, and says when to try again', async () => {
    em.forceErrors(2, 'dailyLimitExceeded');
    const err = await dir()
      .get(fleet[0].deviceId)
      .catch((e) => e);
    expect(err).toBeInstanceOf(DailyLimitExceeded);
    expect(em.stats().requests).toBe(1);
    expect(delays).toEqual([]);
    expect(err.retryAt.toISOString()).toBe('2026-01-06T08:00:00.000Z');
    expect(err.userMessage).toContain('2026-01-06 08:00 UTC');
    em.forceErrors(0, 'dailyLimitExceeded');
    await dir()
      .get(fleet[0].deviceId)
      .catch(() => undefined);
  });

  it('knows when daily quotas reset, summer time too', () => {
    expect(nextPacificMidnight(Date.parse('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T07:00:00.000Z');
    expect(nextPacificMidnight(Date.parse('2026-01-05T07:59:00Z')).toISOString()).toBe('2026-01-05T08:00:00.000Z');
  });

  it('asks only for the fields a sync keeps, and the emulator answers with just those', async () => {
    const full = await dir().listPage({ maxResults: 200 });
    const partial = await dir().listPage({ maxResults: 200, fields: SYNC_FIELDS });
    expect(partial.nextPageToken).toBe(full.nextPageToken);
    expect(partial.devices.map((d) => d.serialNumber)).toEqual(full.devices.map((d) => d.serialNumber));
    expect(partial.devices[0].etag).toBeUndefined();
    expect(full.devices[0].etag).toBeDefined();
  });
});
