import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../src/sandbox/fleet/intune-fleet';
import type { GraphEmulator } from '../../src/sandbox/graph';
import { SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { MemoryTenantSettingsStore } from '../../src/store/tenant-settings';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const CHANNEL = '19:helpdesk-bulk-intune@thread.tacv2';

const runIdOf = (card: any): string => /"runId":"(BR-[A-Z0-9]{6})"/.exec(JSON.stringify(card))![1];
const buttons = (card: any): string[] => (card.actions ?? []).map((a: any) => a.verb);

describe('bulk Intune actions in chat: same preview, limits and second-person approval', () => {
  const fleet = sandboxIntuneFleet(START);
  const settings = new MemoryTenantSettingsStore();
  let h: Harness;
  let graph: GraphEmulator;

  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: { intuneDevices: fleet, tenantSettings: settings, bulk: { runner: { progressIntervalMs: 0 } } },
    });
    graph = h.bot.sandbox!.graph;
    await settings.update(SANDBOX_TENANT_ID, {
      helpdeskChannel: {
        conversationReference: {
          serviceUrl: h.connector.url,
          channelId: 'msteams',
          conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: SANDBOX_TENANT_ID } as any,
          bot: { id: '28:device-desk', name: 'Device Desk' },
        },
        name: 'IT Help Desk › General',
        setBy: PEOPLE.alex.upn,
        setAt: new Date().toISOString(),
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  const windows = (connectivity = 'online'): IntuneFleetDevice[] =>
    fleet.filter((d) => d.operatingSystem === 'Windows' && d.behaviour.connectivity === connectivity);

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

  it('bulk sync of Windows laptops and an iPhone runs at once; a Linux laptop is left out with the reason', async () => {
    const [a, b] = windows();
    const phone = fleet.find((d) => d.operatingSystem === 'iOS' && d.behaviour.connectivity === 'online')!;
    const linux = fleet.find((d) => d.operatingSystem === 'Linux')!;
    const { call, card } = await preview(`bulk sync ${[a, b, phone, linux].map((d) => d.serialNumber).join(', ')}`);
    const text = cardText(card);
    expect(text).toContain('Bulk Sync: 3 devices');
    expect(text).toContain(`${linux.serialNumber}: Intune's sync works on Android, iOS/iPadOS, macOS and Windows`);
    expect(buttons(card)).toContain('bulk.start');
    const runId = runIdOf(card);
    await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
    expect((await summaryFor(runId)).body.text).toContain('3 of 3 done');
    for (const d of [a, b, phone]) expect(graph.intune.actionsOn(d.id).map((x) => x.name)).toEqual(['syncDevice']);
    expect(graph.intune.actionsOn(linux.id)).toEqual([]);
  });

  it('bulk wipe of Windows laptops always needs a second person; approved, each is wiped once with Intune’s defaults', async () => {
    const laptops = windows().slice(2, 4);
    const mac = fleet.find((d) => d.operatingSystem === 'macOS' && d.behaviour.connectivity === 'online')!;
    const { call, card } = await preview(`bulk wipe ${[...laptops, mac].map((d) => d.serialNumber).join(' ')}`);
    const text = cardText(card);
    expect(text).toContain('Bulk Wipe: 2 devices');
    expect(text).toContain('A wipe in bulk always needs a second person.');
    expect(text).toContain(`${mac.serialNumber} is a Mac`);
    expect(buttons(card)).toEqual(['bulk.askApproval', 'bulk.cancel']);
    const runId = runIdOf(card);
    const start = await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
    expect(JSON.stringify(start.body)).toMatch(/approval/i);
    await h.invoke('bulk.askApproval', { runId }, { as: 'megan', replyToId: call.id });
    const request = await h.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === CHANNEL && cardText(cardOf(c)).includes(runId),
    );
    const inChannel = { conversationId: CHANNEL, conversationType: 'channel' as const, replyToId: request.id };
    const own = await h.invoke('bulk.approve', { runId }, { as: 'megan', ...inChannel });
    expect(own.replies.some((c) => cardText(cardOf(c)).includes('someone else holding the same permission'))).toBe(
      true,
    );
    for (const d of laptops) expect(graph.intune.actionsOn(d.id)).toEqual([]);
    await h.invoke('bulk.approve', { runId }, { as: 'lynne', ...inChannel });
    expect((await summaryFor(runId)).body.text).toContain('2 of 2 done');
    for (const d of laptops) {
      const sent = graph.intune.actionsOn(d.id);
      expect(sent.map((x) => [x.name, x.body])).toEqual([['wipe', { keepEnrollmentData: false, keepUserData: false }]]);
    }
    expect(graph.intune.actionsOn(mac.id)).toEqual([]);
  });

  it('bulk retire of Intune devices needs no reason and always a second person', async () => {
    const phones = fleet.filter((d) => d.operatingSystem === 'iPadOS');
    const { card } = await preview(`bulk retire ${phones.map((d) => d.serialNumber).join(' ')}`);
    expect(cardText(card)).toContain(`Bulk Retire: ${phones.length} device`);
    expect(cardText(card)).toContain('A retire in bulk always needs a second person.');
  });

  it('reset passcode and locate run one device at a time', async () => {
    const { card } = await preview(`bulk reset passcode ${windows()[0].serialNumber}`);
    expect(cardText(card)).toContain('runs on one device at a time');
  });
});
