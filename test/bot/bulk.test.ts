import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { milestoneOf, sandboxFleet } from '../../src/sandbox/fleet';
import type { FleetDevice } from '../../src/sandbox/fleet/types';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { MemoryTenantSettingsStore } from '../../src/store/tenant-settings';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { validateCard } from '../support/card-validator';
import { Harness, PEOPLE, PersonKey, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const people = new Set(Object.values(PEOPLE).map((p) => p.email));

function runIdOf(card: any): string {
  return /"runId":"(BR-[A-Z0-9]{6})"/.exec(JSON.stringify(card))![1];
}

function buttons(card: any): string[] {
  return ((card?.actions ?? []) as any[]).map((a) => a.verb);
}

describe('bulk actions in chat', () => {
  let google: GoogleEmulator;
  let h: Harness;
  let fleet: FleetDevice[];
  const settings = new MemoryTenantSettingsStore();
  let files: http.Server;
  let filesUrl = '';
  let csvBody = '';

  beforeAll(async () => {
    fleet = sandboxFleet(START);
    google = await startGoogleEmulator({ devices: sandboxFleet(START) });
    files = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(csvBody);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/devices.csv`;
    h = await startHarness(
      { BULK_MAX_DEVICES: '6', BULK_APPROVAL_THRESHOLD: '4', BULK_ROLE_LIMITS: 'Intune Administrator=50' },
      undefined,
      {
        start: { google, tenantSettings: settings, bulk: { runner: { progressIntervalMs: 0 } } },
      },
    );
  });
  afterAll(async () => {
    await h.stop();
    await google.close();
    files.closeAllConnections();
    await new Promise<void>((r) => files.close(() => r()));
  });

  /** ACTIVE devices nobody of the demo owns, not yet used by an earlier test. */
  let used = 0;
  function active(n: number, where?: (d: FleetDevice) => boolean): FleetDevice[] {
    const list = fleet
      .filter((d) => d.status === 'ACTIVE' && !people.has(d.annotatedUser ?? '') && (!where || where(d)))
      .slice(used, used + n);
    used += n;
    return list;
  }

  async function preview(text: string, as: PersonKey = 'megan'): Promise<{ call: RecordedCall; card: any }> {
    const { replies } = await h.send(text, { as });
    const call = replies.find((c) => cardOf(c)) as RecordedCall;
    const card = cardOf(call);
    expect(validateCard(card)).toEqual([]);
    return { call, card };
  }

  async function summaryFor(runId: string, conversationId: string): Promise<RecordedCall> {
    return h.connector.waitFor(
      (c) =>
        c.method === 'POST' &&
        c.conversationId === conversationId &&
        typeof c.body?.text === 'string' &&
        c.body.text.includes(runId) &&
        c.body.text.includes('finished'),
      15_000,
    );
  }

  it('previews mixed good and bad entries with counts, acts only on the good ones, reports every device and a CSV', async () => {
    const good = active(3);
    const deprovisioned = fleet.find((d) => d.status === 'DEPROVISIONED')!;
    const text = [
      'bulk lost mode on',
      good[0].serialNumber,
      '',
      good[1].serialNumber.toLowerCase(),
      'NOPE-12345',
      deprovisioned.serialNumber,
      good[0].serialNumber,
      good[2].annotatedAssetId ?? good[2].serialNumber,
      good[2].serialNumber,
    ].join('\n');
    const { call, card } = await preview(text);
    const t = cardText(card);
    expect(t).toContain('Bulk Lost mode: 3 devices');
    expect(t).toMatch(/Not found[\s\S]*1/);
    expect(t).toContain('No device has the serial, asset id or device id "NOPE-12345"');
    expect(t).toContain(`${deprovisioned.serialNumber} is Deprovisioned`);
    expect(t).toContain('Repeated entries');
    expect(t).toContain('Blank entries');
    expect(t).toContain('Nothing has been sent to any device yet;');
    expect(buttons(card)).toEqual(['bulk.start', 'bulk.cancel']);
    // Nothing happened before Start.
    expect(google.readDevice(good[0].deviceId)?.status).toBe('ACTIVE');

    const runId = runIdOf(card);
    // Someone else can't start it.
    const other = await h.invoke('bulk.start', { runId }, { as: 'lynne', replyToId: call.id });
    expect(buttons(other.body.value)).toEqual([]);
    expect(google.readDevice(good[0].deviceId)?.status).toBe('ACTIVE');

    const started = await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
    expect(cardText(started.body.value)).toMatch(/Bulk Lost mode: (queued|running)/);
    const summary = await summaryFor(runId, `personal-${PEOPLE.megan.teamsId}`);
    expect(summary.body.text).toContain('3 of 3 done');
    expect(summary.body.text).toContain(`<at>${PEOPLE.megan.name}</at>`);
    for (const d of good) expect(google.readDevice(d.deviceId)?.status).toBe('DISABLED');
    expect(google.readDevice(deprovisioned.deviceId)?.status).toBe('DEPROVISIONED');
    // The card in the chat ends as the summary, in place, with a bar and a CSV download.
    const finalCard = cardOf([...h.connector.updates()].reverse().find((c) => c.activityId === call.id));
    expect(validateCard(finalCard)).toEqual([]);
    expect(cardText(finalCard)).toContain('finished — 3 done');
    expect(cardText(finalCard)).toContain('█');
    const download = (finalCard.actions as any[]).find((a) => a.type === 'Action.OpenUrl');
    expect(download.title).toBe('Download results (CSV)');
    const res = await fetch(download.url);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const content = await res.text();
    for (const d of good) expect(content).toContain(`${d.serialNumber},${d.deviceId}`);
    expect(content).toContain('NOPE-12345,not-found');
    expect(content).toContain(',wrong-state,');
    // Without the card's token there is nothing to download.
    expect((await fetch(download.url.replace(/token=[^&]+/, 'token=guess'))).status).toBe(404);
    expect((await fetch(download.url.replace(runId, 'BR-ZZZZZZ'))).status).toBe(404);
    // `bulk status` shows where it stands.
    const status = await preview(`bulk status ${runId}`);
    expect(cardText(status.card)).toContain('finished — 3 done');
    const notMine = await preview(`bulk status ${runId}`, 'adele');
    expect(cardText(notMine.card)).toContain(`No bulk run ${runId}`);
    // A second click does nothing more.
    const again = await h.invoke('bulk.start', { runId }, { as: 'megan', replyToId: call.id });
    expect(cardText(again.body.value)).toContain('already');
  });

  it('"bulk status" without an id asks for one and says where to find it', async () => {
    const text = cardText((await preview('bulk status')).card);
    expect(text).toContain('Which bulk run?');
    expect(text).toContain('preview and progress cards');
  });

  it('an org unit with nothing the requester can act on says so, and nothing will run', async () => {
    const text = cardText((await preview('bulk lost mode on ou:/Schools/South', 'isaiah')).card);
    expect(text).toContain('Nothing in ou:/Schools/South or below can be acted on: nothing will run.');
  });

  it('an org unit Google Admin does not have is a typo, said as one, with how to write the path', async () => {
    const typo = cardText((await preview('bulk lost mode on ou:/Schools/Nrth')).card);
    expect(typo).toContain('Google Admin has no org unit with that path');
    expect(typo).toContain('ou:/Schools/North');
    expect(typo).not.toContain('INVALID_OU_ID');
  });

  it('a reader scoped to the North schools cannot follow a run on South devices', async () => {
    // Only previewed, never run: taken aside from the devices other tests act on.
    const south = fleet.filter((d) => d.status === 'ACTIVE' && d.orgUnitPath.startsWith('/Schools/South')).slice(-2);
    const { card } = await preview(`bulk lost mode on ${south.map((d) => d.serialNumber).join(' ')}`);
    const runId = runIdOf(card);
    expect(cardText((await preview(`bulk status ${runId}`, 'isaiah')).card)).toContain(`No bulk run ${runId}`);
    expect(cardText((await preview(`bulk status ${runId}`, 'patti')).card)).not.toContain(`No bulk run`);
    await h.invoke('bulk.cancel', { runId }, { as: 'megan' });
  });

  it('a restart by org unit is checked with the device card’s rule: old regular devices are left out, old kiosks kept', async () => {
    // As Google has them now: other tests change some devices' state.
    const under = (path: string) =>
      fleet.filter((d) => google.readDevice(d.deviceId)?.status === 'ACTIVE' && d.orgUnitPath.startsWith(path));
    const oldRegular = under('/Staff/IT').filter((d) => milestoneOf(d.osVersion) < 113 && !d.behaviour.kiosk);
    expect(oldRegular.length).toBeGreaterThan(0);
    const { card } = await preview('bulk restart ou:/Staff/IT', 'alex');
    const text = cardText(card);
    expect(text).toContain(`Bulk Restart: ${under('/Staff/IT').length - oldRegular.length} device`);
    for (const d of oldRegular) expect(text).toContain(d.serialNumber);
    expect(text).toMatch(
      /Google restarts only kiosk and managed guest session devices, and others on ChromeOS 113 or later/,
    );
    await h.invoke('bulk.cancel', { runId: runIdOf(card) }, { as: 'alex' });

    const oldKiosks = under('/Kiosks/Library').filter((d) => milestoneOf(d.osVersion) < 113 && d.behaviour.kiosk);
    expect(oldKiosks.length).toBeGreaterThan(0);
    const kiosks = await preview('bulk restart ou:/Kiosks/Library', 'alex');
    expect(cardText(kiosks.card)).toContain(`Bulk Restart: ${under('/Kiosks/Library').length} device`);
    await h.invoke('bulk.cancel', { runId: runIdOf(kiosks.card) }, { as: 'alex' });
  });

  it('says what is outside a scoped role, and refuses above the per-role limit', async () => {
    const north = active(1, (d) => d.orgUnitPath.startsWith('/Schools/North'));
    const south = active(1, (d) => d.orgUnitPath.startsWith('/Schools/South'));
    const { card } = await preview(`bulk lost mode on ${north[0].serialNumber}, ${south[0].serialNumber}`, 'isaiah');
    const t = cardText(card);
    expect(t).toContain('Bulk Lost mode: 1 device');
    expect(t).toContain('Outside your scope');
    expect(t).toContain(south[0].serialNumber);

    const many = active(7);
    const over = await preview(`bulk lost mode on ${many.map((d) => d.serialNumber).join(' ')}`);
    expect(cardText(over.card)).toContain('Over your limit: you may act on at most 6 devices');
    expect(buttons(over.card)).toEqual(['bulk.cancel']);
    const forced = await h.invoke('bulk.start', { runId: runIdOf(over.card) }, { as: 'megan' });
    expect(cardText(forced.body.value)).toContain('at most 6 devices');
    expect(many.every((d) => google.readDevice(d.deviceId)?.status === 'ACTIVE')).toBe(true);
    // Alex's role has its own, higher limit.
    const admin = await preview(`bulk lost mode on ${many.map((d) => d.serialNumber).join(' ')}`, 'alex');
    expect(cardText(admin.card)).not.toContain('Over your limit');
  });

  it('above the threshold, a second person holding the permission approves in the help desk channel', async () => {
    const devices = active(5);
    const { call, card } = await preview(`bulk lost mode on ${devices.map((d) => d.serialNumber).join(',')}`);
    expect(buttons(card)).toEqual(['bulk.askApproval', 'bulk.cancel']);
    const runId = runIdOf(card);

    // No help desk channel yet: the requester is told to have an admin set one.
    const noChannel = await h.invoke('bulk.askApproval', { runId }, { as: 'megan', replyToId: call.id });
    expect(noChannel.replies.some((c) => cardText(cardOf(c)).includes('set helpdesk channel'))).toBe(true);

    const channelId = '19:helpdesk@thread.tacv2';
    await settings.update(SANDBOX_TENANT_ID, {
      helpdeskChannel: {
        conversationReference: {
          serviceUrl: h.connector.url,
          channelId: 'msteams',
          conversation: {
            id: channelId,
            conversationType: 'channel',
            isGroup: true,
            tenantId: SANDBOX_TENANT_ID,
          } as any,
          bot: { id: '28:device-desk', name: 'Device Desk' },
        },
        name: 'IT Help Desk › General',
        setBy: PEOPLE.alex.upn,
        setAt: new Date().toISOString(),
      },
    });
    const asked = await h.invoke('bulk.askApproval', { runId }, { as: 'megan', replyToId: call.id });
    expect(cardText(asked.body.value)).toContain('Waiting for approval');
    const request = await h.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === channelId && cardText(cardOf(c)).includes(runId),
    );
    const approvalCard = cardOf(request);
    expect(validateCard(approvalCard)).toEqual([]);
    expect(cardText(approvalCard)).toContain('Approval needed: Lost mode on 5 devices');
    expect(buttons(approvalCard)).toEqual(['bulk.approve', 'bulk.reject']);

    const inChannel = { conversationId: channelId, conversationType: 'channel' as const, replyToId: request.id };
    const own = await h.invoke('bulk.approve', { runId }, { as: 'megan', ...inChannel });
    expect(own.replies.some((c) => cardText(cardOf(c)).includes('someone else holding the same permission'))).toBe(
      true,
    );
    const endUser = await h.invoke('bulk.approve', { runId }, { as: 'adele', ...inChannel });
    expect(endUser.replies.some((c) => cardText(cardOf(c)).includes("can't approve"))).toBe(true);
    expect(devices.every((d) => google.readDevice(d.deviceId)?.status === 'ACTIVE')).toBe(true);

    const approved = await h.invoke('bulk.approve', { runId }, { as: 'lynne', ...inChannel });
    expect(cardText(approved.body.value)).toContain(`Approved by ${PEOPLE.lynne.name}`);
    expect(buttons(approved.body.value)).toEqual([]);
    const summary = await summaryFor(runId, `personal-${PEOPLE.megan.teamsId}`);
    expect(summary.body.text).toContain('5 of 5 done');
    expect(devices.every((d) => google.readDevice(d.deviceId)?.status === 'DISABLED')).toBe(true);
    // Approving twice does nothing.
    const twice = await h.invoke('bulk.approve', { runId }, { as: 'alex', ...inChannel });
    expect(twice.replies.some((c) => cardText(cardOf(c)).includes('already'))).toBe(true);
  });

  it('a factory reset always needs approval, however few devices', async () => {
    const [d] = active(1);
    const { card } = await preview(`bulk factory reset ${d.serialNumber}`);
    expect(cardText(card)).toContain('A factory reset in bulk always needs a second person.');
    expect(buttons(card)).toEqual(['bulk.askApproval', 'bulk.cancel']);
    const started = await h.invoke('bulk.start', { runId: runIdOf(card) }, { as: 'megan' });
    expect(cardText(started.body.value)).toContain('Ask for approval instead');
  });

  it('reads the list from a CSV file sent to the bot', async () => {
    const devices = active(3);
    csvBody = `Student,Serial Number\nAva,${devices[0].serialNumber}\nLiam,\nMia,${devices[1].serialNumber}\nNoah,${devices[2].serialNumber}\n`;
    const person = PEOPLE.megan;
    const activity = {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: '28:device-desk', name: 'Device Desk' },
      conversation: { id: `personal-${person.teamsId}`, conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
      channelData: { tenant: { id: SANDBOX_TENANT_ID } },
      text: 'bulk lost mode on',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          name: 'devices.csv',
          content: { downloadUrl: filesUrl, uniqueId: 'x', fileType: 'csv' },
        },
      ],
    };
    const before = h.connector.calls.length;
    await h.post(activity);
    const call = h.connector.calls.slice(before).find((c) => cardOf(c)) as RecordedCall;
    const t = cardText(cardOf(call));
    expect(t).toContain('Bulk Lost mode: 3 devices');
    expect(t).toContain('From devices.csv (column Serial Number)');
    expect(t).toContain('Blank entries');
  });

  it('an org unit names every device in it and below, each checked like a typed entry', async () => {
    const inLibrary = fleet.filter((d) => d.orgUnitPath.startsWith('/Schools/North/Library'));
    const activeThere = inLibrary.filter((d) => d.status === 'ACTIVE').length;
    const { card } = await preview('bulk lost mode on ou:/Schools/North/Library', 'isaiah');
    const t = cardText(card);
    expect(t).toContain(`Bulk Lost mode: ${activeThere} device`);
    expect(t).toContain('From ou:/Schools/North/Library');
    if (inLibrary.length > activeThere) expect(t).toContain('Wrong state');
    const outside = await preview('bulk lost mode on ou:/Schools/South/Labs', 'isaiah');
    expect(cardText(outside.card)).toContain('Bulk Lost mode: 0 devices');
    expect(cardText(outside.card)).toContain('Outside your scope');
    expect(buttons(outside.card)).toEqual(['bulk.cancel']);
  });

  it('in a channel only the requester gets the buttons, through the card refresh', async () => {
    const [d] = active(1);
    const inChannel = { conversationId: '19:team-general@thread.tacv2', conversationType: 'channel' as const };
    const { replies } = await h.send(`bulk lost mode on ${d.serialNumber}`, { as: 'megan', ...inChannel });
    const card = cardOf(replies.find((c) => cardOf(c)));
    expect(validateCard(card)).toEqual([]);
    expect(buttons(card)).toEqual([]);
    expect(card.refresh).toMatchObject({ action: { verb: 'bulk.view' }, userIds: [PEOPLE.megan.teamsId] });
    const runId = runIdOf(card);
    const mine = await h.invoke('bulk.view', { runId }, { as: 'megan', ...inChannel });
    expect(buttons(mine.body.value)).toEqual(['bulk.start', 'bulk.cancel']);
    const theirs = await h.invoke('bulk.view', { runId }, { as: 'lynne', ...inChannel });
    expect(buttons(theirs.body.value)).toEqual([]);
    const cancelled = await h.invoke('bulk.cancel', { runId }, { as: 'megan', ...inChannel });
    expect(cardText(cancelled.body.value)).toContain('Cancelled: nothing was run.');
    expect(google.readDevice(d.deviceId)?.status).toBe('ACTIVE');
  });

  it('an end user may not run bulk actions at all', async () => {
    const { replies } = await h.send(`bulk lost mode on ${fleet[0].serialNumber}`, { as: 'adele' });
    expect(cardText(cardOf(replies.find((c) => cardOf(c))))).toContain('Remote tasks/Enable lost mode');
  });

  it('a blank list or a bad command is answered with the usage, never a run', async () => {
    const { card } = await preview('bulk lost mode on \n\n , ,');
    expect(cardText(card)).toContain('Which devices?');
    const bad = await preview('bulk explode 5CD1');
    expect(cardText(bad.card)).toContain('Which action?');
  });

  it('where a client shows no buttons, people type start, cancel, approve or reject BR-…; one expiry shows at a time', async () => {
    const channelId = '19:helpdesk@thread.tacv2';
    const inChannel = { conversationId: channelId, conversationType: 'channel' as const };
    // A run small enough to start at once, typed in a channel: the card's footer says what to type.
    const small = active(2);
    const { card: smallCard } = await preview(`bulk lost mode on ${small.map((d) => d.serialNumber).join(' ')}`);
    const smallRun = runIdOf(smallCard);
    const inChannelPreview = cardText(
      cardOf((await h.send(`bulk status ${smallRun}`, { as: 'megan', ...inChannel })).replies[0]),
    );
    expect(inChannelPreview).toContain(`no buttons? Megan Bowen types \`start ${smallRun}\` or \`cancel ${smallRun}\``);
    const started = await h.send(`start ${smallRun}`, { as: 'megan' });
    expect(cardText(cardOf(started.replies[0]))).toMatch(/Bulk|done|running|Pending/i);
    const summary = await summaryFor(smallRun, `personal-${PEOPLE.megan.teamsId}`);
    expect(summary.body.text).toContain('2 of 2 done');

    // Above the threshold: the approval request is approved by typing, by a second person only.
    const devices = active(5);
    const { call, card } = await preview(`bulk lost mode on ${devices.map((d) => d.serialNumber).join(',')}`);
    const runId = runIdOf(card);
    const asked = await h.invoke('bulk.askApproval', { runId }, { as: 'megan', replyToId: call.id });
    const waiting = cardText(asked.body.value);
    expect(waiting).toMatch(
      /Waiting for approval in the help desk channel until \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Megan Bowen can still cancel it/,
    );
    // One expiry on the card: the approval's, no longer the preview's.
    expect(waiting).toContain('the approval request expires at');
    expect(waiting).not.toContain('the preview expires at');
    expect(buttons(asked.body.value)).toContain('bulk.cancel');
    const request = await h.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === channelId && cardText(cardOf(c)).includes(runId),
    );
    expect(cardText(cardOf(request))).toContain(`no buttons? type \`approve ${runId}\` or \`reject ${runId}\``);
    const own = await h.send(`approve ${runId}`, { as: 'megan', ...inChannel });
    expect(own.replies.map((c) => cardText(cardOf(c))).join('\n')).toContain(
      'someone else holding the same permission',
    );
    expect(devices.every((d) => google.readDevice(d.deviceId)?.status === 'ACTIVE')).toBe(true);
    const approved = await h.send(`approve ${runId.toLowerCase()}`, { as: 'lynne', ...inChannel });
    expect(approved.replies.map((c) => cardText(cardOf(c))).join('\n')).toContain(`Approved by ${PEOPLE.lynne.name}`);
    await summaryFor(runId, `personal-${PEOPLE.megan.teamsId}`);
    expect(devices.every((d) => google.readDevice(d.deviceId)?.status === 'DISABLED')).toBe(true);

    // And a waiting run is cancelled by typing.
    const more = active(5);
    const third = await preview(`bulk lost mode on ${more.map((d) => d.serialNumber).join(',')}`);
    const thirdRun = runIdOf(third.card);
    await h.invoke('bulk.askApproval', { runId: thirdRun }, { as: 'megan', replyToId: third.call.id });
    const cancelled = await h.send(`cancel ${thirdRun}`, { as: 'megan' });
    expect(cardText(cardOf(cancelled.replies[0]))).toContain('Cancelled');
  });
});

describe('bulk approval requests expire', () => {
  let google: GoogleEmulator;
  let h: Harness;
  const settings = new MemoryTenantSettingsStore();

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: sandboxFleet(START) });
    h = await startHarness({ BULK_APPROVAL_THRESHOLD: '1' }, undefined, {
      start: { google, tenantSettings: settings, bulk: { settings: { approvalTtlMs: 300 }, approvalCheckMs: 50 } },
    });
  });
  afterAll(async () => {
    await h.stop();
    await google.close();
  });

  it('nobody answered in time: the card says so, the requester is told, a late approval does nothing', async () => {
    const channelId = '19:helpdesk-expiry@thread.tacv2';
    await settings.update(SANDBOX_TENANT_ID, {
      helpdeskChannel: {
        conversationReference: {
          serviceUrl: h.connector.url,
          channelId: 'msteams',
          conversation: {
            id: channelId,
            conversationType: 'channel',
            isGroup: true,
            tenantId: SANDBOX_TENANT_ID,
          } as any,
        },
        setBy: 'x',
        setAt: new Date().toISOString(),
      },
    });
    const devices = sandboxFleet(START)
      .filter((d) => d.status === 'ACTIVE' && !people.has(d.annotatedUser ?? ''))
      .slice(0, 2);
    const { replies } = await h.send(`bulk lost mode on ${devices.map((d) => d.serialNumber).join(' ')}`, {
      as: 'megan',
    });
    const runId = runIdOf(cardOf(replies.find((c) => cardOf(c))));
    await h.invoke('bulk.askApproval', { runId }, { as: 'megan' });
    const request = await h.connector.waitFor((c) => c.method === 'POST' && c.conversationId === channelId);
    const told = await h.connector.waitFor(
      (c) =>
        c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(`bulk run ${runId} in time`),
      5_000,
    );
    expect(told.conversationId).toBe(`personal-${PEOPLE.megan.teamsId}`);
    const closed = await h.connector.waitFor((c) => c.method === 'PUT' && c.activityId === request.id);
    expect(cardText(cardOf(closed))).toContain('Expired');
    const late = await h.invoke(
      'bulk.approve',
      { runId },
      { as: 'lynne', conversationId: channelId, conversationType: 'channel' },
    );
    expect(late.replies.some((c) => cardText(cardOf(c)).includes('already expired'))).toBe(true);
    expect(devices.every((d) => google.readDevice(d.deviceId)?.status === 'ACTIVE')).toBe(true);
  });
});
