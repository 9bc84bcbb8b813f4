import { sandboxFleet } from '../../src/sandbox/fleet';
import { cardOf, cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';

const HELPDESK = 'team-it-help-desk';
const fleet = sandboxFleet(Date.now());
const adeles = fleet.filter((d) => d.annotatedUser === 'adelev@example.com' && d.status === 'ACTIVE');

/** A reporter who finds their device closes the report themselves; the help desk card follows. */
describe('the reporter closes their own report', () => {
  let h: Harness;
  let stillOpen = '';
  beforeAll(async () => {
    h = await startHarness();
    await h.send('set helpdesk channel', { as: 'alex', conversationType: 'channel', conversationId: HELPDESK });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** The card among the replies (the reporter may also get the report's own update message). */
  const say = async (text: string, as: 'adele' | 'megan') =>
    cardText((await h.send(text, { as })).replies.map(cardOf).find(Boolean));

  const file = async (deviceId: string) => {
    const res = await h.invoke(
      'lost.file',
      { deviceId, kind: 'lost', lastSeen: 'this morning', where: 'the library' },
      { as: 'adele' },
    );
    return /(LR-[A-Z0-9]{4})/.exec(cardText(res.body.value))![1];
  };

  it.each(['I found it', 'found!', 'Found'])(
    'tells someone without an open report that there is nothing to close ("%s")',
    async (words) => {
      const text = await say(words, 'megan');
      expect(text).toContain('You have no open lost-device report.');
    },
  );

  it('closes the one open report on "I found it", updates the help desk card and audits it', async () => {
    const id = await file(adeles[0].deviceId);
    const helpdeskCard = h.connector.sent(HELPDESK).find((c) => cardText(cardOf(c)).includes(id))!;
    expect(helpdeskCard).toBeDefined();

    const reply = await say('I found it!', 'adele');
    expect(reply).toContain(id);
    expect(reply).toMatch(/Resolved \(found\) by Adele Vance/);
    const update = await h.connector.waitFor(
      (c) => c.method === 'PUT' && c.activityId === helpdeskCard.id && /Resolved \(found\)/.test(cardText(cardOf(c))),
    );
    expect(cardText(cardOf(update))).toContain(id);
    const trail = (
      await h.bot.audit.latest({ tenantId: '00000000-0000-0000-0000-0000000000001', targetId: adeles[0].deviceId })
    ).map((r) => `${r.action} ${r.outcome} ${r.actor.upn}`);
    expect(trail).toContain('lost.resolve succeeded adelev@example.com');
  });

  it('asks which one when there are several, and takes the id', async () => {
    const first = await file(adeles[1].deviceId);
    const second = await file(adeles[2].deviceId);
    stillOpen = second;
    const ask = await say('found it', 'adele');
    expect(ask).toContain('Which one?');
    expect(ask).toContain(first);
    expect(ask).toContain(second);
    const done = await say(`found ${first}`, 'adele');
    expect(done).toMatch(/Resolved \(found\)/);
    expect(done).toContain(first);
  });

  it('never lets someone else close a report', async () => {
    // The report the test before left open.
    const text = await say(`found ${stillOpen}`, 'megan');
    expect(text).toContain(`You have no open lost-device report ${stillOpen}.`);
    const seen = await say(`report ${stillOpen}`, 'adele');
    expect(seen).toContain(stillOpen);
    expect(seen).not.toContain('Resolved');
  });

  it('found while in lost mode: the closed report offers "Turn lost mode off", through the usual confirmation', async () => {
    const device = adeles[2];
    h.bot.sandbox!.google.setBehaviour(device.deviceId, { connectivity: 'online' });
    // The help desk locks it while the report is open.
    const asked = await h.invoke(
      'action.request',
      { action: 'lostMode.on', deviceId: device.deviceId },
      { as: 'megan' },
    );
    const confirmationId = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(asked.replies.map(cardOf)))![1];
    const confirmed = await h.invoke('action.confirm', { confirmationId }, { as: 'megan' });
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(cardText(confirmed.body.value))![1];
    // The report records the action once it is done.
    await h.connector.waitFor(
      (c) =>
        c.method === 'PUT' && cardText(cardOf(c)).includes(`(${requestId}`) && cardText(cardOf(c)).includes(stillOpen),
      15_000,
    );
    expect(h.bot.sandbox!.google.readDevice(device.deviceId)?.status).toBe('DISABLED');

    const found = (await h.send(`found ${stillOpen}`, { as: 'adele' })).replies.map(cardOf).find(Boolean);
    expect(cardText(found)).toMatch(/Resolved \(found\)/);
    const offer = JSON.stringify(found);
    expect(offer).toContain('"title":"Turn lost mode off"');
    expect(offer).toContain(`"action":"lostMode.off","deviceId":"${device.deviceId}"`);

    // The button asks, like every action: Adele without self-service is refused, Megan confirms.
    const refused = await h.invoke(
      'action.request',
      { action: 'lostMode.off', deviceId: device.deviceId },
      { as: 'adele' },
    );
    expect(JSON.stringify(refused.replies.map(cardOf))).not.toContain('confirmationId');
    const off = await h.invoke(
      'action.request',
      { action: 'lostMode.off', deviceId: device.deviceId },
      { as: 'megan' },
    );
    const offId = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(off.replies.map(cardOf)))![1];
    await h.invoke('action.confirm', { confirmationId: offId }, { as: 'megan' });
    // Turning lost mode off is a status change: Google applies it as it answers.
    expect(h.bot.sandbox!.google.readDevice(device.deviceId)?.status).toBe('ACTIVE');
  });

  it('a report found without lost mode offers nothing to undo', async () => {
    const id = await file(adeles[1].deviceId);
    const found = (await h.send(`found ${id}`, { as: 'adele' })).replies.map(cardOf).find(Boolean);
    expect(JSON.stringify(found)).not.toContain('Turn lost mode off');
  });
});
