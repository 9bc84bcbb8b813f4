/**
 * The real services' rules as people meet them in chat: Graph permissions, remote lock
 * eligibility, Google's restart rule, retire for good (seed 000), honest "unknown" outcomes and the
 * connection's check-in.
 */
import { ManualClock } from '../../src/clock';
import { milestoneOf, sandboxFleet, type FleetDevice } from '../../src/sandbox/fleet';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText } from '../support/connector';
import { Harness, PEOPLE, PersonKey, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const TRACKING = { pollIntervalMs: 15, maxPollIntervalMs: 40, ceilingMs: 7 * 86_400_000 };
const fleet = sandboxFleet(START);
const intuneFleet = sandboxIntuneFleet(START);
const demoPeople = new Set(Object.values(PEOPLE).map((p) => p.email));
const pool = fleet.filter(
  (d) =>
    d.status === 'ACTIVE' &&
    !d.behaviour.kiosk &&
    milestoneOf(d.osVersion) >= 113 &&
    !d.orgUnitPath.startsWith('/Schools/North') &&
    !demoPeople.has(d.annotatedUser ?? ''),
);

const confirmationIdIn = (card: any): string => /"confirmationId":"([^"]+)"/.exec(JSON.stringify(card))![1];
const requestIdIn = (card: any): string => /(DD-[A-Z0-9]{6})/.exec(cardText(card))![1];

describe('the services’ rules in chat', () => {
  let h: Harness;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: {
        clock,
        actions: { tracking: TRACKING },
        directoryRetry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  const google = () => h.bot.sandbox!.google;
  const take = (): FleetDevice => {
    const d = pool.shift()!;
    google().setBehaviour(d.deviceId, { connectivity: 'online' });
    return d;
  };
  const card = async (text: string, as: PersonKey = 'alex') => {
    const { replies } = await h.send(text, { as });
    const c = cardOf(replies.filter((r) => cardOf(r))[0]);
    expect(validateCard(c)).toEqual([]);
    return c;
  };
  const titles = (c: any): string[] => (c.actions ?? []).map((a: any) => a.title);
  async function confirmText(text: string, as: PersonKey = 'alex') {
    const asked = await card(text, as);
    const res = await h.invoke('action.confirm', { confirmationId: confirmationIdIn(asked) }, { as });
    expect(res.status).toBe(200);
    return res.body.value;
  }

  it('intune setup names every Graph application permission to grant and what it is for', async () => {
    const text = cardText(await card('intune setup'));
    for (const p of [
      'DeviceManagementManagedDevices.Read.All',
      'DeviceManagementManagedDevices.PrivilegedOperations.All',
      'DeviceManagementConfiguration.Read.All',
      'GroupMember.Read.All',
      'User.Read.All',
    ])
      expect(text).toContain(p);
    expect(text).toContain('Grant admin consent');
  });

  it('intune status says Graph answers, every permission is granted, and how many devices synced', async () => {
    const text = cardText(await card('intune status', 'patti'));
    expect(text).toContain('Intune: connected');
    expect(text).not.toContain('missing');
    expect(text).toMatch(/Intune devices synced\s+\d+/);
    expect(cardText(await card('intune status', 'adele'))).toContain('You need "Organization/Read"');
  });

  it('a Windows laptop has no lock button, says why, and a forged lock is refused as Graph would', async () => {
    const windows = intuneFleet.find((d) => /windows/i.test(d.operatingSystem))!;
    const c = await card(`find ${windows.serialNumber}`);
    expect(titles(c)).not.toContain('Remote lock');
    expect(cardText(c)).toMatch(/Remote lock\s+not available: Intune's remote lock works on iOS\/iPadOS, macOS/);
    const forged = await h.invoke('action.request', { action: 'remoteLock', deviceId: windows.id }, { as: 'alex' });
    expect(String(forged.body.value)).toMatch(/Remote lock can't be used on .* iOS\/iPadOS, macOS/);
  });

  it('the device card says which restart rule applies', async () => {
    const d = take();
    expect(cardText(await card(`find ${d.serialNumber}`))).toMatch(
      /Restart\s+regular device: Google restarts it from ChromeOS 113 on/,
    );
  });

  it('retire for good: one confirmation, both steps, each step on the card; the device can no longer re-enrol', async () => {
    const d = take();
    const asked = await card(`retire for good ${d.serialNumber}`);
    expect(cardText(asked)).toContain('deprovisioned (reason: retiring device), then factory reset');
    const res = await h.invoke('action.confirm', { confirmationId: confirmationIdIn(asked) }, { as: 'alex' });
    const status = cardText(res.body.value);
    expect(status).toContain('Step 1, Deprovision: Done');
    expect(status).toContain('Step 2, Factory reset: Sent');
    expect(google().readDevice(d.deviceId)?.status).toBe('DEPROVISIONED');
    const requestId = requestIdIn(res.body.value);
    for (let i = 0; i < 20; i++) {
      clock.advance(5_000);
      await new Promise((r) => setTimeout(r, 60));
    }
    const end = await h.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
    );
    expect(end.body.text).toContain('done');
    // A retired device offers only what is left to do, and nothing that would bring it back.
    expect(titles(await card(`find ${d.serialNumber}`))).toEqual(['Factory reset', 'Refresh']);
  });

  it('a command Google carried out but answered with a 5xx is "unknown — may have been sent", audited so, never re-sent', async () => {
    const d = take();
    const before = google().stats().byMethod['customer.devices.chromeos.issueCommand'] ?? 0;
    google().failAfterApplying(1, { methods: ['customer.devices.chromeos.issueCommand'] });
    const value = await confirmText(`wipe ${d.serialNumber}`);
    const text = cardText(value);
    expect(text).toContain('Unknown');
    expect(text).toContain('may have been sent');
    expect((google().stats().byMethod['customer.devices.chromeos.issueCommand'] ?? 0) - before).toBe(1);
    const audit = cardText(await card(`audit ${d.serialNumber}`));
    expect(audit).toContain('Wipe user profiles** unknown');
    expect(audit).not.toContain('Wipe user profiles** failed');
  });

  it('an action moves the connection’s last check-in, as a sync does', async () => {
    const d = take();
    clock.advance(60 * 60_000);
    const at = new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' ');
    expect(cardText(await card('connector status'))).not.toContain(at);
    await confirmText(`lost mode on ${d.serialNumber}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(cardText(await card('connector status'))).toContain(at);
  });
});

describe('the sandbox started with a Graph permission missing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      SANDBOX_GRAPH_WITHOUT_PERMISSIONS: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('intune status names the missing permission', async () => {
    const { replies } = await h.send('intune status', { as: 'alex' });
    const text = cardText(cardOf(replies[0]));
    expect(text).toContain('1 permission(s) missing');
    expect(text).toMatch(/❌ missing: \*?\*?DeviceManagementManagedDevices\.PrivilegedOperations\.All/);
  });

  it('a remote lock tells the admin which permission to grant, and nothing is locked', async () => {
    const iphone = sandboxIntuneFleet(Date.now()).find((d) => /^iOS$/i.test(d.operatingSystem))!;
    const { replies } = await h.send(`lock ${iphone.serialNumber}`, { as: 'alex' });
    const asked = cardOf(replies[0]);
    const res = await h.invoke('action.confirm', { confirmationId: confirmationIdIn(asked) }, { as: 'alex' });
    const text = cardText(res.body.value);
    expect(text).toContain('DeviceManagementManagedDevices.PrivilegedOperations.All');
    expect(text).not.toContain('Sorry, something went wrong');
  });
});
