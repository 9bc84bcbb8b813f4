import { sandboxFleet } from '../../src/sandbox/fleet';
import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../src/sandbox/fleet/intune-fleet';
import type { FleetDevice } from '../../src/sandbox/fleet/types';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import type { GraphEmulator } from '../../src/sandbox/graph';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');

function runIdOf(card: any): string {
  return /"runId":"(BR-[A-Z0-9]{6})"/.exec(JSON.stringify(card))![1];
}

describe('bulk remote lock of Intune devices in chat', () => {
  let google: GoogleEmulator;
  let graph: GraphEmulator;
  let h: Harness;
  const chrome: FleetDevice[] = sandboxFleet(START);
  const intune = sandboxIntuneFleet(START);
  const used = new Set<string>();

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: sandboxFleet(START) });
    h = await startHarness({}, undefined, {
      start: {
        google,
        intuneDevices: intune,
        graphRetry: { sleep: async () => undefined },
        bulk: { runner: { progressIntervalMs: 0 } },
      },
    });
    graph = h.bot.sandbox!.graph;
  });
  afterAll(async () => {
    await h.stop();
    await google.close();
  });
  afterEach(() => {
    graph.intune.approvalRequired = false;
    graph.throttleNext(0);
  });

  const take = (os: string): IntuneFleetDevice => {
    const d = intune.find((x) => !used.has(x.id) && x.operatingSystem === os && x.behaviour.connectivity === 'online');
    if (!d) throw new Error(`no ${os} device left in the sandbox fleet`);
    used.add(d.id);
    return d;
  };

  async function preview(text: string): Promise<{ call: RecordedCall; card: any }> {
    const { replies } = await h.send(text, { as: 'megan' });
    const call = replies.find((c) => cardOf(c)) as RecordedCall;
    const card = cardOf(call);
    expect(validateCard(card)).toEqual([]);
    return { call, card };
  }

  const summaryFor = (runId: string): Promise<RecordedCall> =>
    h.connector.waitFor(
      (c) =>
        c.method === 'POST' &&
        c.conversationId === `personal-${PEOPLE.megan.teamsId}` &&
        typeof c.body?.text === 'string' &&
        c.body.text.includes(runId) &&
        c.body.text.includes('finished'),
      15_000,
    );

  it('previews a mixed list, then locks the iPhone and the Android device once each and leaves the Mac alone', async () => {
    const iphone = take('iOS');
    const android = take('Android');
    const mac = take('macOS');
    const busy = take('iPadOS');
    // A lock from earlier still waits for this iPad: a second one is refused, as for a single lock.
    graph.intune.setBehaviour(busy.id, { connectivity: 'offline' });
    graph.intune.lock(busy.id);
    const chromebook = chrome.find((d) => d.status === 'ACTIVE')!;
    const list = [
      iphone.serialNumber,
      android.serialNumber,
      mac.serialNumber,
      chromebook.serialNumber,
      'NOPE-12345',
      busy.serialNumber,
    ];
    const { call, card } = await preview(`bulk lock ${list.join(', ')}`);
    const t = cardText(card);
    expect(t).toContain('Bulk Remote lock: 2 devices');
    expect(t).toContain('Wrong state (3)');
    expect(t).toContain('Not found (1)');
    expect(t).toContain(
      `${mac.serialNumber} is a Mac: a Mac gets a recovery PIN shown only to the requester: lock Macs one at a time with`,
    );
    expect(t).toContain(`${chromebook.serialNumber} is not an Intune device: wrong kind of device for remote lock`);
    expect(t).toContain(`Intune still has a remote lock of ${busy.serialNumber}`);
    expect(t).toContain('No device has the serial, asset id or device id "NOPE-12345"');
    expect(graph.intune.lockCount(iphone.id)).toBe(0);

    const runId = runIdOf(card);
    // The first lock answers 429 twice: the Graph client waits and sends it again.
    graph.throttleNext(2, 0);
    await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
    const summary = await summaryFor(runId);
    expect(summary.body.text).toContain('2 of 2 done');
    expect(graph.intune.lockCount(iphone.id)).toBe(1);
    expect(graph.intune.lockCount(android.id)).toBe(1);
    expect(graph.intune.lockCount(mac.id)).toBe(0);
    expect(graph.intune.lockCount(busy.id)).toBe(1);
    expect(graph.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(google.readDevice(chromebook.deviceId)?.status).toBe('ACTIVE');
  });

  it('under Multi Admin Approval the devices wait for approval, and the summary says so', async () => {
    graph.intune.approvalRequired = true;
    const list = [take('iOS'), take('Android')];
    const { call, card } = await preview(`bulk lock ${list.map((d) => d.serialNumber).join(' ')}`);
    const runId = runIdOf(card);
    await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
    const summary = await summaryFor(runId);
    expect(summary.body.text).toContain('0 of 2 done, 2 waiting for approval');
    expect(summary.body.text).toContain('second Intune admin');
    for (const d of list) expect(graph.intune.lockCount(d.id)).toBe(0);
    expect(graph.intune.pendingApprovals().length).toBeGreaterThanOrEqual(2);
    const finalCard = cardOf([...h.connector.updates()].reverse().find((c) => c.activityId === call.id));
    expect(validateCard(finalCard)).toEqual([]);
    expect(cardText(finalCard)).toContain('waiting for approval');
    expect(cardText(finalCard)).toContain('Tenant administration › Multi Admin Approval');
  });
});
