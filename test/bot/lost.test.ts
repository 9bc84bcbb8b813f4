import { ManualClock } from '../../src/clock';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { validateCard } from '../support/card-validator';
import { cardMarkdown, cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, PersonKey, startHarness, TurnOptions } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const MINUTE = 60_000;
const HELPDESK = 'team-it-help-desk';
const ONCALL = 'channel-on-call';
const inChannel = (as: PersonKey, conversationId = HELPDESK): TurnOptions => ({
  as,
  conversationType: 'channel',
  conversationId,
});
const personalOf = (who: PersonKey) => `personal-${PEOPLE[who].teamsId}`;

const fleet = sandboxFleet(START);
const owned = (email: string) => fleet.filter((d) => d.annotatedUser === email && d.status === 'ACTIVE');
const adeles = owned('adelev@example.com');
const megans = owned('meganb@example.com');

const reportIdIn = (card: any): string => {
  const m = /(LR-[A-Z0-9]{4})/.exec(cardText(card));
  if (!m) throw new Error(`no report id in ${cardText(card).slice(0, 300)}`);
  return m[1];
};

describe('lost-device reports through the conversation', () => {
  let h: Harness;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: {
        clock,
        lost: { escalationMs: 15 * MINUTE, checkIntervalMs: 15, selfService: true },
        actions: { tracking: { pollIntervalMs: 15, maxPollIntervalMs: 40, ceilingMs: 86_400_000 } },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Lets background jobs (escalation checks, tracking) run against the moved clock. */
  const settle = (ms = 120) => new Promise((r) => setTimeout(r, ms));
  const postsTo = (conversationId: string, since: number): RecordedCall[] =>
    h.connector.calls.slice(since).filter((c) => c.method === 'POST' && c.conversationId === conversationId);
  const textsTo = (conversationId: string, since: number): string[] =>
    postsTo(conversationId, since).map((c) => String(c.body?.text ?? ''));

  async function file(as: PersonKey, deviceId: string, extra: Record<string, unknown> = {}) {
    const res = await h.invoke(
      'lost.file',
      { deviceId, kind: 'lost', lastSeen: 'yesterday around 5 pm', where: 'the 8:15 train', ...extra },
      { as },
    );
    expect(res.status).toBe(200);
    return res;
  }

  let reportId = '';

  it('lists only the reporter’s own devices, whatever they call it', async () => {
    expect(adeles.length).toBeGreaterThanOrEqual(2);
    const { replies } = await h.send('I lost my chromebook', { as: 'adele' });
    const card = cardOf(replies[0]);
    expect(validateCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('Which device did you lose?');
    for (const d of adeles) expect(text).toContain(d.serialNumber);
    for (const d of megans) expect(text).not.toContain(d.serialNumber);
    // Two of the same model are told apart by asset tag, location and last use.
    const titles = (JSON.stringify(card).match(/"title":"[^"]*· [A-Z0-9]{6,}[^"]*"/g) ?? []).join('\n');
    for (const d of adeles.filter((x) => x.annotatedAssetId)) expect(titles).toContain(`asset ${d.annotatedAssetId}`);
    for (const d of adeles.filter((x) => x.annotatedLocation)) expect(titles).toContain(d.annotatedLocation);
    expect(titles).toMatch(/last used (today|yesterday|\d+ days ago)/);
    // "chromebook": her Chromebooks are listed first.
    const choices = JSON.stringify(card).match(/"value":"[^"]+"/g) ?? [];
    expect(choices.slice(0, adeles.length).sort()).toEqual(adeles.map((d) => `"value":"${d.deviceId}"`).sort());
    expect(JSON.stringify(card)).toContain('"verb":"lost.file"');

    // Other phrasings reach the same card; "lost mode on …" stays an action.
    expect(cardText(cardOf((await h.send('my laptop was stolen', { as: 'adele' })).replies[0]))).toContain(
      'Which device was stolen?',
    );
    expect(cardText(cardOf((await h.send('report lost', { as: 'adele' })).replies[0]))).toContain(
      'Which device did you lose?',
    );
    expect(
      cardText(cardOf((await h.send(`lost mode on ${adeles[0].serialNumber}`, { as: 'megan' })).replies[0])),
    ).not.toContain('Which device');
  });

  it('only an admin registers the help desk and on-call channels, from inside them', async () => {
    const denied = await h.send('set helpdesk channel', inChannel('adele'));
    expect(cardText(cardOf(denied.replies[0]))).toContain('Organization/Update');

    const personal = await h.send('set helpdesk channel', { as: 'alex' });
    expect(cardText(cardOf(personal.replies[0]))).toContain('Type this in the help desk channel');

    // Teams names the team, and every channel but General (whose id is the team's).
    const ok = await h.send('set helpdesk channel', {
      ...inChannel('alex'),
      channelData: { team: { id: HELPDESK, name: 'IT' }, channel: { id: HELPDESK } },
    });
    expect(cardText(cardOf(ok.replies[0]))).toContain('This is now the help desk channel');
    const oncall = await h.send('set on-call channel', {
      ...inChannel('alex', ONCALL),
      channelData: { team: { id: HELPDESK, name: 'IT' }, channel: { id: ONCALL, name: 'On-call pages' } },
    });
    expect(cardText(cardOf(oncall.replies[0]))).toContain('This is now the on-call channel');

    const shown = cardText(cardOf((await h.send('show settings', { as: 'megan' })).replies[0]));
    expect(shown).toContain('Lynne Robbins');
    expect(shown).toContain('after 15 min');
    expect(shown).toContain('alexw@example.com');
    expect(shown).toContain('IT › General');
    expect(shown).toContain('IT › On-call pages');
    expect(shown).not.toContain(HELPDESK);
    expect(shown).not.toContain(ONCALL);
  });

  it('files a report, tells the reporter what happens next and posts the card to the help desk', async () => {
    const since = h.connector.calls.length;
    const res = await file('adele', adeles[0].deviceId);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const filed = res.body.value;
    expect(validateCard(filed)).toEqual([]);
    reportId = reportIdIn(filed);
    const text = cardText(filed);
    expect(text).toContain(`Reported: ${reportId}`);
    expect(text).toContain('What happens next');
    expect(text).toContain('within 15 minutes, the on-call responder is paged');
    // Self-service is on: the reporter may lock her own device, through the actions flow.
    expect(JSON.stringify(filed)).toContain('"verb":"action.request"');
    expect(JSON.stringify(filed)).toContain('"action":"lostMode.on"');

    const posted = postsTo(HELPDESK, since);
    expect(posted).toHaveLength(1);
    const card = cardOf(posted[0]);
    expect(validateCard(card)).toEqual([]);
    const desk = cardText(card);
    expect(desk).toContain(`Lost device · ${reportId}`);
    expect(desk).toContain(adeles[0].serialNumber);
    expect(desk).toContain('Adele Vance');
    expect(desk).toContain('the 8:15 train');
    for (const b of ['Acknowledge', 'Resolve: found', 'Resolve: replaced', 'Open device']) expect(desk).toContain(b);
  });

  it('what a reporter types is text on every card: no link, emphasis, mention or template reaches the help desk', async () => {
    const hostile = '[click](https://evil.example) **urgent** <at>Megan Bowen</at> ${$root.reportId} _x_ `y`';
    const since = h.connector.calls.length;
    const res = await file('adele', adeles[adeles.length - 1].deviceId, { where: hostile, lastSeen: `- ${hostile}` });
    const desk = cardOf(postsTo(HELPDESK, since)[0]);
    for (const card of [res.body.value, desk]) {
      // Shown as typed…
      expect(cardText(card)).toContain(hostile);
      // …because nothing of it is live Markdown.
      const sent = cardMarkdown(card);
      expect(sent).not.toMatch(/(^|[^\\])\[click/);
      expect(sent).not.toMatch(/(^|[^\\])\*\*urgent/);
      expect(sent).not.toMatch(/(^|[^\\])<at>/);
      expect(sent).not.toMatch(/(^|[^\\])_x/);
      expect(sent).toContain('${$root.reportId}');
    }
    await h.invoke('lost.resolve', { reportId: reportIdIn(desk), resolution: 'found' }, inChannel('megan'));
  });

  it('refuses a report of someone else’s device, telling no more than for a missing one, and audits it', async () => {
    const since = h.connector.calls.length;
    const res = await file('adele', megans[0].deviceId);
    expect(cardText(res.body.value)).toContain("I can't find that device among the devices assigned to you.");
    expect(postsTo(HELPDESK, since)).toHaveLength(0);
    expect(h.logs.lines.some((l) => l.msg === 'permission denied' && l.action === 'lost.report')).toBe(true);
    const audit = cardText(cardOf((await h.send(`audit ${megans[0].serialNumber}`, { as: 'alex' })).replies[0]));
    expect(audit).toMatch(/\*\*Access\*\* denied/);
  });

  it('a duplicate report of the same device is refused with the open report’s id; someone else’s is merged', async () => {
    const since = h.connector.calls.length;
    const again = await file('adele', adeles[0].deviceId);
    const text = cardText(again.body.value);
    expect(text).toContain(`You already reported this device: ${reportId}`);
    expect(text).toContain('I did not file a second one');
    expect(postsTo(HELPDESK, since)).toHaveLength(0);

    // The help desk files for the same device on Adele's behalf: added to her report, not a second one.
    const merged = await file('megan', adeles[0].deviceId, { where: 'reception found her bag' });
    expect(cardText(merged.body.value)).toContain(`Added to open report ${reportId}`);
    const update = h.connector.updates(HELPDESK).at(-1);
    expect(cardText(cardOf(update))).toContain('Also reported by');
  });

  it('pages the on-call person from the roster when nobody acknowledges in time', async () => {
    const since = h.connector.calls.length;
    clock.advance(14 * MINUTE);
    await settle();
    expect(postsTo(ONCALL, since)).toHaveLength(0);

    clock.advance(2 * MINUTE);
    const page = await h.connector.waitFor((c) => c.method === 'POST' && c.conversationId === ONCALL, 3000, since);
    expect(page.body.text).toContain('<at>Lynne Robbins</at>');
    expect(page.body.text).toContain(reportId);
    expect(page.body.entities).toEqual([
      expect.objectContaining({ type: 'mention', mentioned: { id: PEOPLE.lynne.teamsId, name: 'Lynne Robbins' } }),
    ]);
    expect(cardText(cardOf(page))).toContain('on-call (Lynne Robbins) was paged');
    await h.connector.waitFor(
      (c) =>
        c.method === 'POST' &&
        c.conversationId === personalOf('adele') &&
        /paged the on-call responder \(Lynne Robbins\)/.test(c.body?.text ?? ''),
      3000,
      since,
    );
    // Once only, however long it stays unacknowledged.
    clock.advance(30 * MINUTE);
    await settle();
    expect(postsTo(ONCALL, since)).toHaveLength(1);
  });

  it('only the help desk acknowledges; the reporter hears who picked it up', async () => {
    const refused = await h.invoke('lost.acknowledge', { reportId }, inChannel('patti', ONCALL));
    expect(refused.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(refused.body.value).toContain('Lost reports/Manage');

    const byReporter = await h.invoke('lost.acknowledge', { reportId }, { as: 'adele' });
    expect(byReporter.body.value).toContain('Lost reports/Manage');

    const since = h.connector.calls.length;
    const ack = await h.invoke('lost.acknowledge', { reportId }, inChannel('lynne', ONCALL));
    const card = ack.body.value;
    expect(validateCard(card)).toEqual([]);
    expect(cardText(card)).toContain('Acknowledged');
    expect(cardText(card)).toContain('Lynne Robbins is on it');
    expect(cardText(card)).not.toContain('"Acknowledge"');
    expect(JSON.stringify(card)).not.toContain('lost.acknowledge');
    // Both posted cards are brought up to date for everyone.
    expect(h.connector.updates(HELPDESK).slice(-1)[0]).toBeDefined();
    expect(textsTo(personalOf('adele'), since).filter((t) => t.includes('picked up'))).toEqual([
      expect.stringContaining(`Lynne Robbins from the help desk has picked up your report ${reportId}`),
    ]);
    // Whoever was merged into the report hears it too, where they reported it.
    expect(textsTo(personalOf('megan'), since).filter((t) => t.includes('picked up'))).toHaveLength(1);

    // A second click changes nothing and tells nobody again.
    const before = h.connector.calls.length;
    await h.invoke('lost.acknowledge', { reportId }, inChannel('megan'));
    expect(textsTo(personalOf('adele'), before).filter((t) => t.includes('picked up'))).toEqual([]);
  });

  it('an end user can’t act on someone else’s device, even with self-service on', async () => {
    const res = await h.invoke(
      'action.request',
      { action: 'lostMode.on', deviceId: megans[0].deviceId },
      { as: 'adele' },
    );
    expect(res.status).toBe(200);
    const said = res.replies.map((c) => cardText(cardOf(c))).join('\n');
    expect(said).toContain("I can't find that device among the devices assigned to you.");
    expect(JSON.stringify(res.replies)).not.toContain('confirmationId');
    // Self-service covers putting her own device in lost mode, never taking it out.
    const off = await h.invoke(
      'action.request',
      { action: 'lostMode.off', deviceId: adeles[0].deviceId },
      { as: 'adele' },
    );
    expect(off.body.value).toContain('You need "Remote tasks/Disable lost mode"');
    expect(JSON.stringify(off.replies)).not.toContain('confirmationId');
  });

  it('self-service: the reporter locks her own device through the confirmation, and the help desk is told', async () => {
    h.bot.sandbox!.google.setBehaviour(adeles[0].deviceId, { connectivity: 'online' });
    const since = h.connector.calls.length;
    const req = await h.invoke(
      'action.request',
      { action: 'lostMode.on', deviceId: adeles[0].deviceId },
      { as: 'adele' },
    );
    const confirm = req.replies.map(cardOf).find((c) => c && JSON.stringify(c).includes('confirmationId'));
    expect(confirm).toBeDefined();
    const confirmationId = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(confirm))![1];
    const done = await h.invoke('action.confirm', { confirmationId }, { as: 'adele' });
    expect(done.status).toBe(200);
    const told = await h.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === HELPDESK && /self-service/.test(c.body?.text ?? ''),
      5000,
      since,
    );
    expect(told.body.text).toContain('Adele Vance');
    expect(told.body.text).toContain(reportId);
    const card = cardText(cardOf(h.connector.updates(HELPDESK).at(-1)));
    expect(card).toContain('self-service');
    // The help desk still owns it: a self-service lock does not make it actioned.
    expect(card).toContain('Acknowledged');
  });

  it('Open device gives the clicker their own device card; resolving closes the report and frees the device', async () => {
    const open = await h.invoke('device.open', { deviceId: adeles[0].deviceId }, inChannel('megan'));
    expect(cardText(open.body.value)).toContain(adeles[0].serialNumber);
    expect(JSON.stringify(open.body.value)).toContain('"verb":"action.request"');

    const since = h.connector.calls.length;
    const res = await h.invoke('lost.resolve', { reportId, resolution: 'replaced' }, inChannel('megan'));
    expect(cardText(res.body.value)).toContain('Resolved: replaced');
    expect(JSON.stringify(res.body.value)).not.toContain('lost.resolve');
    expect(textsTo(personalOf('adele'), since).filter((t) => t.includes(reportId))).toEqual([
      expect.stringContaining(`Your report ${reportId} is closed`),
    ]);

    const list = cardText(cardOf((await h.send('reports', { as: 'megan' })).replies[0]));
    expect(list).not.toContain(reportId);
    // A new loss of the same device is a new report.
    const again = await file('adele', adeles[0].deviceId);
    expect(cardText(again.body.value)).toMatch(/Reported: LR-/);
    expect(reportIdIn(again.body.value)).not.toBe(reportId);
  });

  it('a report acknowledged in time never pages on-call; `reports` is for the help desk only', async () => {
    const since = h.connector.calls.length;
    const res = await file('adele', adeles[1].deviceId);
    const id = reportIdIn(res.body.value);
    await h.invoke('lost.acknowledge', { reportId: id }, inChannel('megan'));
    clock.advance(20 * MINUTE);
    await settle();
    expect(postsTo(ONCALL, since).filter((c) => String(c.body?.text ?? '').includes(id))).toHaveLength(0);

    // The other test's unacknowledged report may page on-call (and tell Adele) during this turn.
    const answer = (await h.send('reports', { as: 'megan' })).replies.find(
      (c) => c.conversationId === personalOf('megan'),
    );
    const list = cardText(cardOf(answer));
    expect(list).toContain(id);
    expect(list).toContain('acknowledged by Megan Bowen');
    const denied = cardText(cardOf((await h.send('reports', { as: 'adele' })).replies[0]));
    expect(denied).toContain('Lost reports/Manage');

    // The reporter can look at her own report; someone else learns nothing.
    expect(cardText(cardOf((await h.send(`report ${id}`, { as: 'adele' })).replies[0]))).toContain(
      `Lost device · ${id}`,
    );
    expect(cardText(cardOf((await h.send(`report ${id}`, { as: 'patti' })).replies[0]))).toContain(`No report ${id}`);

    // Each report on the list is a click away, and the list stays.
    expect(JSON.stringify(cardOf(answer))).toContain(`"verb":"lost.show","data":{"reportId":"${id}"}`);
    const shown = await h.invoke('lost.show', { reportId: id }, { as: 'megan' });
    expect(cardText(shown.body.value)).toContain('Open lost-device reports');
    const posted = shown.replies.map((c) => cardOf(c)).find((c) => c && cardText(c).includes(`Lost device · ${id}`));
    expect(JSON.stringify(posted)).toContain('"verb":"lost.resolve"');
    const stranger = await h.invoke('lost.show', { reportId: id }, { as: 'patti' });
    expect(JSON.stringify(stranger.replies)).not.toContain(`Lost device · ${id}`);

    // Open device from the report: the device card comes as a new message, the report card keeps its buttons.
    const opened = await h.invoke(
      'lost.openDevice',
      { reportId: id, deviceId: adeles[1].deviceId },
      inChannel('megan'),
    );
    expect(cardText(opened.body.value)).toContain(`Lost device · ${id}`);
    expect(JSON.stringify(opened.body.value)).toContain('"verb":"lost.resolve"');
    const deviceCard = opened.replies
      .map((c) => cardOf(c))
      .find((c) => c && cardText(c).includes(adeles[1].serialNumber) && !cardText(c).includes('Lost device ·'));
    expect(deviceCard).toBeDefined();
  });
});

describe('lost-device reports without self-service, filed before a help desk channel exists', () => {
  let h: Harness;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    h = await startHarness({ LOST_SELF_SERVICE: 'false', ONCALL_ESCALATION_MINUTES: '5' }, undefined, {
      start: { clock, lost: { checkIntervalMs: 15 } },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('offers no lock to the reporter, refuses it if forged, and posts the report once a channel is set', async () => {
    const res = await h.invoke('lost.file', { deviceId: adeles[0].deviceId }, { as: 'adele' });
    const filed = res.body.value;
    const id = reportIdIn(filed);
    expect(cardText(filed)).toContain('No help desk channel is set up yet');
    expect(JSON.stringify(filed)).not.toContain('action.request');

    const forged = await h.invoke(
      'action.request',
      { action: 'lostMode.on', deviceId: adeles[0].deviceId },
      { as: 'adele' },
    );
    expect(forged.replies.map((c) => cardText(cardOf(c))).join('\n')).toContain('Remote tasks/Enable lost mode');

    const since = h.connector.calls.length;
    await h.send('set helpdesk channel', { as: 'alex', conversationType: 'channel', conversationId: HELPDESK });
    const posted = h.connector.sent(HELPDESK).slice(-1)[0];
    expect(h.connector.calls.indexOf(posted)).toBeGreaterThanOrEqual(since);
    expect(cardText(cardOf(posted))).toContain(`Lost device · ${id}`);
    expect(cardText(cardOf(posted))).toContain('after 5 min');

    // No on-call channel: the page goes to the help desk channel.
    clock.advance(6 * 60_000);
    const page = await h.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === HELPDESK && /<at>Lynne Robbins<\/at>/.test(c.body?.text ?? ''),
      3000,
      since,
    );
    expect(page.body.text).toContain(id);
  });
});
