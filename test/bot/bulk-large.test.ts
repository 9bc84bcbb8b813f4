import { generateFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');

/** 2,000 devices pasted as a column, through the whole chat flow, against the emulator. */
describe('a bulk run of 2,000 devices from chat', () => {
  let google: GoogleEmulator;
  let h: Harness;
  const fleet = generateFleet({ seed: 'bulk-large', size: 2_100, domain: 'example.com', now: START });
  for (const d of fleet) Object.assign(d, { status: 'ACTIVE', behaviour: { connectivity: 'offline', kiosk: false } });

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: fleet, quotaPerMinute: 2400 });
    h = await startHarness(
      { BULK_ROLE_LIMITS: 'Intune Administrator=5000', BULK_APPROVAL_THRESHOLD: '5000' },
      undefined,
      { start: { google, bulk: { runner: { progressIntervalMs: 200 } } } },
    );
  });
  afterAll(async () => {
    await h.stop();
    await google.close();
  });

  it('previews, runs 40 batches of 50 within the quota, and updates the card until every device is done', async () => {
    const targets = fleet.slice(0, 2_000);
    const column = targets.map((d) => d.serialNumber).join('\n');
    const { replies } = await h.send(`bulk lost mode on\n${column}\n\n${targets[0].serialNumber}`, { as: 'alex' });
    const call = replies.find((c) => cardOf(c)) as RecordedCall;
    const preview = cardOf(call);
    expect(cardText(preview)).toContain('Bulk Lost mode: 2,000 devices');
    expect(cardText(preview)).toMatch(/Repeated entries[\s\S]*1 \(ignored\)/);
    const runId = /"runId":"(BR-[A-Z0-9]{6})"/.exec(JSON.stringify(preview))![1];
    google.resetStats();
    await h.invoke('bulk.start', { runId }, { as: 'alex', replyToId: call.id });
    await h.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(`${runId} finished`),
      30_000,
    );
    const stats = google.stats();
    expect(stats.byMethod['customer.devices.chromeos.batchChangeStatus']).toBe(40);
    expect(stats.throttled).toBe(0);
    expect(targets.every((d) => google.readDevice(d.deviceId)?.status === 'DISABLED')).toBe(true);
    expect(fleet.slice(2_000).every((d) => google.readDevice(d.deviceId)?.status === 'ACTIVE')).toBe(true);
    const updates = h.connector
      .updates()
      .filter((c) => c.activityId === call.id)
      .map((c) => cardText(cardOf(c)));
    expect(updates[updates.length - 1]).toContain('finished — 2000 done');
    expect(updates[updates.length - 1]).toContain(`requested by ${PEOPLE.alex.name}`);
  });
});
