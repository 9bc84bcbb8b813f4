import { ManualClock } from '../../src/clock';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import { ACTION_STEP_MS } from '../../src/sandbox/graph/managed-devices';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const MINUTE = 60_000;

/** A lost iPhone managed by Intune: the reporter and the help desk get Intune's fitting actions. */
describe('lost-device reports about an Intune device', () => {
  const fleet = sandboxIntuneFleet(START);
  const iphone = fleet.find((d) => d.userPrincipalName === 'adelev@example.com' && d.operatingSystem === 'iOS')!;
  const clock = new ManualClock(START);
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: {
        clock,
        intuneDevices: fleet,
        lost: { escalationMs: 15 * MINUTE, checkIntervalMs: 15, selfService: true },
        actions: { tracking: { pollIntervalMs: 15, maxPollIntervalMs: 40, ceilingMs: 86_400_000 } },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('the reporter may put her supervised iPhone in lost mode at once; the help desk opens it with lost mode, lock and wipe', async () => {
    expect(iphone.isSupervised).toBe(true);
    const filed = await h.invoke(
      'lost.file',
      { deviceId: iphone.id, kind: 'lost', lastSeen: 'this morning', where: 'the bus' },
      { as: 'adele' },
    );
    const card = filed.body.value;
    expect(validateCard(card)).toEqual([]);
    const reportId = /(LR-[A-Z0-9]{4})/.exec(cardText(card))![1];
    expect(JSON.stringify(card)).toContain('"action":"intune.lostMode.on"');
    expect(cardText(card)).toContain('Put it in lost mode now');

    // The help desk's Open device: Intune's actions for a lost iPhone, nothing it can't take.
    const open = await h.invoke('device.open', { deviceId: iphone.id }, { as: 'megan' });
    const device = open.body.value;
    const titles = (device.actions as any[]).map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['Remote lock', 'Lost mode', 'Wipe']));
    expect(titles).not.toContain('Reset passcode');

    // The reporter turns lost mode on herself; the report records it once Intune says it is done.
    const asked = await h.invoke(
      'action.request',
      { action: 'intune.lostMode.on', deviceId: iphone.id },
      { as: 'adele' },
    );
    const confirmCard = asked.replies
      .map((c) => cardOf(c))
      .find((c) => c && JSON.stringify(c).includes('confirmationId'));
    const confirmationId = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(confirmCard))![1];
    await h.invoke('action.confirm', { confirmationId }, { as: 'adele' });
    for (let i = 0; i < 4; i++) {
      clock.advance(ACTION_STEP_MS);
      await new Promise((r) => setTimeout(r, 60));
    }
    await h.connector.waitFor((c) => typeof c.body?.text === 'string' && c.body.text.includes('Lost mode on'), 5000);
    const report = await h.send(`report ${reportId}`, { as: 'megan' });
    expect(cardText(cardOf(report.replies[0]))).toMatch(/Lost mode \(DD-[A-Z0-9]{6}, self-service\)/);
  });
});
