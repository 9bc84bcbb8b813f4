import { randomUUID } from 'node:crypto';
import { scopeCovers } from '../../src/access';
import { milestoneOf, sandboxFleet, type FleetDevice } from '../../src/sandbox/fleet';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import { SANDBOX_TENANT_ID } from '../../src/sandbox/people';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText } from '../support/connector';
import { Harness, PEOPLE, PersonKey, startHarness } from '../support/harness';

/** The sandbox fleet the bot serves (same seed, same devices), to pick targets and expected counts. */
const fleet = sandboxFleet(Date.now());
const usersOf = (d: FleetDevice) =>
  [d.annotatedUser, ...d.recentUsers.map((u) => u.email)].filter((u): u is string => !!u).map((u) => u.toLowerCase());
const owned = (email: string) => fleet.filter((d) => usersOf(d).includes(email));
/** Intune devices are synced into the same inventory, so a search by user finds them too. */
const intune = sandboxIntuneFleet(Date.now());
const ownedIds = (email: string) => [
  ...owned(email).map((d) => d.deviceId),
  ...intune.filter((d) => d.userPrincipalName.toLowerCase() === email).map((d) => d.id),
];
const first = (pred: (d: FleetDevice) => boolean, what: string): FleetDevice => {
  const d = fleet.find(pred);
  if (!d) throw new Error(`the sandbox fleet has no ${what}`);
  return d;
};

const ALL_CHROME_ACTIONS = [
  'Lost mode',
  'Restart',
  'Wipe user profiles',
  'Factory reset',
  'Deprovision',
  'Retire for good',
];

describe('finding devices', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function find(text: string, as: PersonKey = 'alex'): Promise<any> {
    const { status, replies } = await h.send(text, { as });
    expect(status).toBe(200);
    expect(replies).toHaveLength(1);
    const card = cardOf(replies[0]);
    expect(validateCard(card)).toEqual([]);
    return card;
  }
  const titles = (card: any): string[] => (card.actions ?? []).map((a: any) => a.title);
  const openIds = (card: any): string[] =>
    [...JSON.stringify(card).matchAll(/"verb":"device\.open","data":\{"deviceId":"([^"]+)"\}/g)].map((m) => m[1]);
  const openAs = async (deviceId: string, as: PersonKey = 'alex', verb = 'device.open') => {
    const res = await h.invoke(verb, { deviceId }, { as });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(validateCard(res.body.value)).toEqual([]);
    expect(res.body.value.refresh).toBeUndefined();
    return res.body.value;
  };

  const megans = owned('meganb@example.com')[0];
  const adeles = owned('adelev@example.com');
  const adelesIds = ownedIds('adelev@example.com');

  describe('each kind of search', () => {
    it('exact serial → the device card, read from Google', async () => {
      const card = await find(`find ${megans.serialNumber}`);
      const text = cardText(card);
      expect(text).toContain(megans.model);
      expect(text).toContain(megans.serialNumber);
      expect(text).toContain('meganb@example.com');
      expect(text).toContain(megans.orgUnitPath);
      expect(text).toContain(megans.osVersion);
      expect(text).toMatch(/Last sync[\s\S]*(ago|just now) \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
      expect(text).toContain('Read from Google Admin');
      expect(text).toContain('Active');
      expect(titles(card)).toContain('Refresh');
    });

    it('a serial typed on its own, in lower case, works the same', async () => {
      expect(cardText(await find(megans.serialNumber.toLowerCase()))).toContain(megans.serialNumber);
    });

    it('serial prefix → a list with the total and an Open per device', async () => {
      const prefixes = new Map<string, FleetDevice[]>();
      for (const d of fleet)
        prefixes.set(d.serialNumber.slice(0, 4), [...(prefixes.get(d.serialNumber.slice(0, 4)) ?? []), d]);
      const [prefix, matches] = [...prefixes].find(([, ds]) => ds.length >= 2 && ds.length <= 10)!;
      const card = await find(`show me ${prefix}`);
      const text = cardText(card);
      expect(text).toContain(`${matches.length} devices match "${prefix}" by start of the serial`);
      expect(text).toContain(`Showing all ${matches.length}`);
      expect(openIds(card).sort()).toEqual(matches.map((d) => d.deviceId).sort());
      for (const d of matches) expect(text).toContain(d.serialNumber);
    });

    it('many matches → the first 10, Next and Previous pages, and how to narrow', async () => {
      const prefix = '5CD';
      const matching = fleet
        .filter((d) => d.serialNumber.startsWith(prefix))
        .sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
      const total = matching.length;
      expect(total).toBeGreaterThan(20);
      const card = await find(`find ${prefix}`);
      const text = cardText(card);
      expect(text).toContain(`Showing 1–10 of ${total}`);
      expect(text).toMatch(/narrow it down, add a word of the model, the org unit or the location/i);
      expect(openIds(card)).toHaveLength(10);
      // A list never carries action buttons.
      expect(JSON.stringify(card)).not.toContain('action.request');
      const pageButtons = (c: any) => JSON.stringify(c).match(/"title":"(‹ Previous|Next ›)"/g) ?? [];
      expect(pageButtons(card)).toEqual(['"title":"Next ›"']);

      // Next: the following ten, in place of the list.
      const next = await h.invoke('list.page', { query: prefix, kind: '', offset: 10 }, { as: 'alex' });
      expect(validateCard(next.body.value)).toEqual([]);
      expect(cardText(next.body.value)).toContain(`Showing 11–20 of ${total}`);
      expect(openIds(next.body.value)).toEqual(matching.slice(10, 20).map((d) => d.deviceId));
      expect(pageButtons(next.body.value)).toEqual(['"title":"‹ Previous"', '"title":"Next ›"']);
      const back = await h.invoke('list.page', { query: prefix, offset: 0 }, { as: 'alex' });
      expect(openIds(back.body.value)).toEqual(openIds(card));
    });

    it('a page button is searched as its presser may see: an end user pages only their own devices', async () => {
      const res = await h.invoke('list.page', { query: '5CD', offset: 0 }, { as: 'adele' });
      const ids = openIds(res.body.value);
      for (const id of ids) expect(adelesIds).toContain(id);
    });

    it.each([
      ['a negative offset', { query: '5CD', offset: -10 }],
      ['no query', { offset: 10 }],
      ['a query that is not text', { query: { $gt: '' }, offset: 10 }],
      ['an offset past paging', { query: '5CD', offset: 100000 }],
    ])('a forged page button with %s gets a friendly card', async (_what, data) => {
      const res = await h.invoke('list.page', data, { as: 'alex' });
      expect(res.status).toBe(200);
      expect(cardText(res.body.value)).toContain('did not say which page');
    });

    it('asset id → that device', async () => {
      const target = adeles.find((d) => d.annotatedAssetId)!;
      const card = await find(`who has asset ${target.annotatedAssetId}`);
      expect(cardText(card)).toContain(target.serialNumber);
      expect(cardText(card)).toContain(target.annotatedAssetId!);
    });

    it('user email → their devices', async () => {
      const card = await find('find devices of adelev@example.com');
      expect(cardText(card)).toContain(`${adelesIds.length} devices match "adelev@example.com" by user`);
      expect(openIds(card).sort()).toEqual([...adelesIds].sort());
    });

    it('location → the devices there', async () => {
      const there = fleet.filter((d) => (d.annotatedLocation ?? '').toLowerCase().includes('room 12'));
      const card = await find('devices in room 12');
      expect(cardText(card)).toContain(`${there.length} devices match "room 12" by location`);
    });

    it('free text over the fields', async () => {
      // Every word must appear in some field: model, location, org unit, serial, user, asset id.
      const there = fleet.filter(
        (d) => d.model.includes('Chromebox') && `${d.annotatedLocation ?? ''} ${d.orgUnitPath}`.includes('Lobby'),
      );
      expect(there.length).toBeGreaterThan(1);
      const card = await find('find chromebox lobby');
      expect(cardText(card)).toContain(`${there.length} devices match "chromebox lobby" by text`);
      expect(openIds(card).sort()).toEqual(
        there
          .map((d) => d.deviceId)
          .sort()
          .slice(0, 10)
          .sort(),
      );
    });

    it('device id → that device', async () => {
      const card = await find(`find ${adeles[1].deviceId}`);
      expect(cardText(card)).toContain(adeles[1].serialNumber);
    });

    it('no match → says so and suggests what to try', async () => {
      const card = await find('find ZZZZ9999');
      const text = cardText(card);
      expect(text).toContain('No device found for "ZZZZ9999"');
      expect(text).toMatch(/3 characters of the serial/);
      expect(text).toMatch(/email/);
      expect(text).toMatch(/asset id/);
    });

    it('several serials pasted into one find list each device they name, and say which were not found', async () => {
      const [a, b] = [adeles[0], megans];
      const card = await find(`find ${a.serialNumber}, ${b.serialNumber} ZZZZ9999`);
      const text = cardText(card);
      expect(text).toContain('2 of 3 devices found');
      expect(openIds(card).sort()).toEqual([a.deviceId, b.deviceId].sort());
      expect(text).toContain('Not found: ZZZZ9999.');
    });

    it('an end user pasting several serials sees only their own, the others read as not found', async () => {
      const card = await find(`find ${adeles[0].serialNumber} ${megans.serialNumber}`, 'adele');
      expect(openIds(card)).toEqual([adeles[0].deviceId]);
      expect(cardText(card)).toContain(`Not found: ${megans.serialNumber}.`);
    });

    it('a bare "find" asks what to look for', async () => {
      expect(cardText(await find('find'))).toContain('What should I look for?');
    });
  });

  describe('who sees what', () => {
    it('an end user finds their own devices', async () => {
      const card = await find('find adelev@example.com', 'adele');
      expect(openIds(card).sort()).toEqual([...adelesIds].sort());
      expect(cardText(card)).not.toContain('Only devices assigned to you');
    });

    it.each(['my devices', 'find my devices', 'show me my laptops', 'what devices do I have?'])(
      'an end user\'s "%s" lists exactly the devices assigned to them',
      async (text) => {
        const card = await find(text, 'adele');
        expect(cardText(card)).toContain('Your devices');
        expect(cardText(card)).toContain(`Showing all ${adelesIds.length}`);
        expect(openIds(card).sort()).toEqual([...adelesIds].sort());
      },
    );

    it('"my devices" is whoever asks: staff get theirs, not a search of the fleet', async () => {
      const megansIds = ownedIds('meganb@example.com');
      expect(megansIds.length).toBeGreaterThan(1);
      const card = await find('my devices', 'megan');
      expect(openIds(card).sort()).toEqual([...megansIds].sort());
      expect(openIds(card).filter((id) => adelesIds.includes(id))).toEqual([]);
    });

    it('a "my devices" page button lists the presser\'s own devices, whatever query it carries', async () => {
      const res = await h.invoke(
        'list.page',
        { query: 'adelev@example.com', kind: 'user', mine: 'yes', offset: 0 },
        { as: 'megan' },
      );
      expect(res.status).toBe(200);
      expect(cardText(res.body.value)).toContain('Your devices');
      expect(openIds(res.body.value).sort()).toEqual([...ownedIds('meganb@example.com')].sort());
    });

    it('"my devices" from someone with no device assigned says so, naming whom it looked for', async () => {
      const newcomer = {
        ...PEOPLE.adele,
        teamsId: 'user-id-newcomer',
        aadObjectId: randomUUID(),
        name: 'Nadia Newcomer',
        upn: 'nadia.newcomer@example.com',
        email: 'nadia.newcomer@example.com',
      };
      h.connector.addPerson(newcomer, SANDBOX_TENANT_ID);
      const { replies } = await h.send('my devices', { as: newcomer });
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain('No device is assigned to you');
      expect(text).toContain('No device in the inventory lists nadia.newcomer@example.com as its user');
    });

    it('"my devices" from someone Teams gives no sign-in name asks for a serial instead', async () => {
      const unnamed = { ...PEOPLE.adele, teamsId: 'user-id-unlisted', aadObjectId: randomUUID(), name: 'Unlisted' };
      const { replies } = await h.send('my devices', { as: unnamed });
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain('What should I look for?');
      expect(text).toContain('I could not tell your sign-in name');
    });

    it("an end user searching someone else's serial is told exactly what a missing serial gets", async () => {
      const other = await find(`find ${megans.serialNumber}`, 'adele');
      const missing = await find('find ZZZZ9999', 'adele');
      const strip = (card: any, q: string) => cardText(card).replace(q, 'Q');
      expect(strip(other, megans.serialNumber)).toBe(strip(missing, 'ZZZZ9999'));
      expect(cardText(other)).not.toContain(megans.model);
      expect(cardText(other)).toContain('Only devices assigned to you are searched.');
    });

    it('an end user sees only their own devices in a wide search', async () => {
      const prefix = adeles
        .map((d) => d.serialNumber.slice(0, 3))
        .find((p) => fleet.filter((d) => d.serialNumber.startsWith(p)).length > 3)!;
      const mine = adeles.filter((d) => d.serialNumber.startsWith(prefix));
      const card = await find(`find ${prefix}`, 'adele');
      if (mine.length === 1) {
        expect(cardText(card)).toContain(mine[0].serialNumber);
        expect(titles(card)).toEqual(['Refresh']);
      } else {
        expect(cardText(card)).toContain(`Showing all ${mine.length}`);
        expect(openIds(card).sort()).toEqual(mine.map((d) => d.deviceId).sort());
      }
    });

    it('a scoped role finds only devices of its org units (and its own)', async () => {
      const isaiah = 'isaiahl@example.com';
      const visible = (d: FleetDevice) => scopeCovers('/Schools/North', d.orgUnitPath) || usersOf(d).includes(isaiah);
      const prefixes = new Map<string, FleetDevice[]>();
      for (const d of fleet)
        prefixes.set(d.serialNumber.slice(0, 4), [...(prefixes.get(d.serialNumber.slice(0, 4)) ?? []), d]);
      const [prefix, all] = [...prefixes].find(
        ([, ds]) => ds.some(visible) && ds.some((d) => !visible(d)) && ds.filter(visible).length <= 10,
      )!;
      const card = await find(`find ${prefix}`, 'isaiah');
      const expected = all.filter(visible);
      if (expected.length === 1) expect(cardText(card)).toContain(expected[0].serialNumber);
      else expect(openIds(card).sort()).toEqual(expected.map((d) => d.deviceId).sort());

      const south = first(
        (d) => d.orgUnitPath.startsWith('/Schools/South') && !usersOf(d).includes(isaiah),
        'South device',
      );
      expect(cardText(await find(`find ${south.serialNumber}`, 'isaiah'))).toContain('No device found');
    });
  });

  describe('buttons per role and per device state', () => {
    const active = adeles.find((d) => milestoneOf(d.osVersion) >= 113)!;

    it('Alex (Intune Administrator) gets every action that fits an active device', async () => {
      expect(titles(await openAs(active.deviceId, 'alex'))).toEqual([...ALL_CHROME_ACTIONS, 'Refresh']);
    });

    it('Megan (Help Desk Operator) gets the help-desk set', async () => {
      expect(titles(await openAs(active.deviceId, 'megan'))).toEqual([...ALL_CHROME_ACTIONS, 'Refresh']);
    });

    it('Patti (Read Only Operator) sees the card and only Refresh', async () => {
      const card = await openAs(active.deviceId, 'patti');
      expect(cardText(card)).toContain(active.serialNumber);
      expect(titles(card)).toEqual(['Refresh']);
    });

    it('Adele (end user) sees her own device with only Refresh', async () => {
      expect(titles(await find(`find ${active.serialNumber}`, 'adele'))).toEqual(['Refresh']);
    });

    it('a device in lost mode shows Disable lost mode, not Lost mode, and says so', async () => {
      const disabled = first((d) => d.status === 'DISABLED', 'DISABLED device');
      const card = await openAs(disabled.deviceId);
      expect(titles(card)).toContain('Disable lost mode');
      expect(titles(card)).not.toContain('Lost mode');
      expect(cardText(card)).toMatch(/Lost mode is on/);
    });

    it('a deprovisioned device offers only the factory reset that retires it for good (seed 000)', async () => {
      const gone = first((d) => d.status === 'DEPROVISIONED', 'DEPROVISIONED device');
      const card = await openAs(gone.deviceId);
      expect(titles(card)).toEqual(['Factory reset', 'Refresh']);
      expect(cardText(card)).toContain('Deprovisioned');
    });

    it('ChromeOS < 113 on a regular device: no Restart; a kiosk on the same version: Restart', async () => {
      const old = first(
        (d) => d.status === 'ACTIVE' && milestoneOf(d.osVersion) < 113 && d.deviceLicenseType !== 'kioskUpgrade',
        'old regular device',
      );
      const oldCard = await openAs(old.deviceId);
      expect(titles(oldCard)).not.toContain('Restart');
      expect(titles(oldCard)).toContain('Lost mode');
      const kiosk = first(
        (d) => d.status === 'ACTIVE' && milestoneOf(d.osVersion) < 113 && d.deviceLicenseType === 'kioskUpgrade',
        'old kiosk',
      );
      expect(titles(await openAs(kiosk.deviceId))).toContain('Restart');
    });

    it('destructive actions are styled as such and carry the action id and device id', async () => {
      const card = await openAs(active.deviceId);
      const reset = card.actions.find((a: any) => a.title === 'Factory reset');
      expect(reset).toEqual({
        type: 'Action.Execute',
        title: 'Factory reset',
        verb: 'action.request',
        style: 'destructive',
        mode: 'primary',
        data: { action: 'powerwash', deviceId: active.deviceId },
      });
    });
  });

  describe('opening and refreshing cards', () => {
    it('Open from a list and Refresh both return the card in the invoke response', async () => {
      const opened = await openAs(adeles[0].deviceId);
      const refreshed = await openAs(adeles[0].deviceId, 'alex', 'device.refresh');
      expect(cardText(opened)).toContain(adeles[0].serialNumber);
      expect(cardText(refreshed)).toContain(adeles[0].serialNumber);
    });

    it('a forged open of a device outside the requester’s reach is refused and audited', async () => {
      const card = await openAs(megans.deviceId, 'adele');
      expect(cardText(card)).toContain("I can't find that device among the devices assigned to you.");
      expect(cardText(card)).not.toContain(megans.serialNumber);

      const south = first((d) => d.orgUnitPath.startsWith('/Schools/South') && d.status === 'ACTIVE', 'South device');
      const refused = await openAs(south.deviceId, 'isaiah');
      expect(cardText(refused)).toContain("You can't open this device");
      expect(cardText(refused)).toContain('/Schools/North');
      expect(titles(refused)).toEqual([]);

      const audit = cardText(cardOf((await h.send(`audit ${south.serialNumber}`, { as: 'alex' })).replies[0]));
      expect(audit).toMatch(/Access\*\* denied · isaiah@example\.com/);
      const auditMegan = cardText(cardOf((await h.send(`audit ${megans.serialNumber}`, { as: 'alex' })).replies[0]));
      expect(auditMegan).toMatch(/Access\*\* denied · adelev@example\.com/);
    });

    it('an end user’s forged open of a device that does not exist reads the same as one that is not theirs', async () => {
      const missing = await openAs('no-such-device', 'adele');
      const notMine = await openAs(megans.deviceId, 'adele');
      expect(cardText(missing)).toBe(cardText(notMine));
    });

    it.each([
      ['no deviceId', {}],
      ['a deviceId that is not a string', { deviceId: { $ne: 1 } }],
      ['a deviceId with odd characters', { deviceId: '../../etc/passwd' }],
    ])('malformed invoke data (%s) gets a friendly card', async (_name, data) => {
      const res = await h.invoke('device.open', data as Record<string, unknown>);
      expect(res.status).toBe(200);
      const text = cardText(res.body.value);
      expect(text).toContain('did not say which device');
      expect(text).not.toMatch(/Error|at .*\.ts/);
    });

    it('an unknown device id tells staff it is gone', async () => {
      const card = await openAs('00000000-dead-beef-0000-000000000000');
      expect(cardText(card)).toContain('Device not found');
    });

    it('data that is not an object at all gets a friendly card, never a crash', async () => {
      const res = await h.post({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        from: { id: PEOPLE.alex.teamsId, aadObjectId: PEOPLE.alex.aadObjectId },
        recipient: { id: '28:device-desk' },
        conversation: { id: 'personal-x', conversationType: 'personal', tenantId: SANDBOX_TENANT_ID },
        channelData: { tenant: { id: SANDBOX_TENANT_ID } },
        value: { action: { type: 'Action.Execute', verb: 'device.open', data: 'nonsense' } },
      });
      expect(res.status).toBe(200);
      expect(cardText(res.body.value)).toContain('did not say which device');
    });
  });

  describe('message extension', () => {
    const meActivity = (as: PersonKey, conversationType = 'groupChat') => {
      const person = PEOPLE[as];
      return {
        type: 'invoke',
        name: 'composeExtension/query',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
        recipient: { id: '28:device-desk', name: 'Device Desk' },
        conversation: {
          id: `${conversationType}-x`,
          conversationType,
          tenantId: SANDBOX_TENANT_ID,
          isGroup: conversationType !== 'personal',
        },
        channelData: { tenant: { id: SANDBOX_TENANT_ID } },
      };
    };
    const query = async (text: string, as: PersonKey = 'alex') => {
      const person = PEOPLE[as];
      const res = await h.post({
        type: 'invoke',
        name: 'composeExtension/query',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
        recipient: { id: '28:device-desk' },
        conversation: { id: 'group-chat-x', conversationType: 'groupChat', tenantId: SANDBOX_TENANT_ID, isGroup: true },
        channelData: { tenant: { id: SANDBOX_TENANT_ID } },
        value: {
          commandId: 'searchDevices',
          parameters: [{ name: 'query', value: text }],
          queryOptions: { skip: 0, count: 25 },
        },
      });
      expect(res.status).toBe(200);
      return res.body.composeExtension;
    };

    it('finds devices and offers the device card with a preview', async () => {
      const result = await query(megans.serialNumber);
      expect(result.type).toBe('result');
      expect(result.attachments).toHaveLength(1);
      const [item] = result.attachments;
      expect(item.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(validateCard(item.content)).toEqual([]);
      expect(cardText(item.content)).toContain(megans.serialNumber);
      // The inserted card is seen by everyone: only Refresh, which shows each person their own buttons.
      expect(item.content.actions.map((a: any) => a.title)).toEqual(['Refresh']);
      expect(item.preview.contentType).toBe('application/vnd.microsoft.card.thumbnail');
      expect(item.preview.content.title).toContain(megans.serialNumber);
    });

    it('uses the same permissions as find', async () => {
      expect((await query(megans.serialNumber, 'adele')).type).toBe('message');
      const own = await query('adelev@example.com', 'adele');
      expect(own.attachments).toHaveLength(adelesIds.length);
    });

    it('"my devices" in the search box offers the searcher\'s own devices', async () => {
      const own = await query('my devices', 'megan');
      expect(own.type).toBe('result');
      const serials = own.attachments.map((a: any) => a.preview.content.title.split(' · ')[0]).sort();
      const expected = await query('meganb@example.com', 'megan');
      expect(serials).toEqual(expected.attachments.map((a: any) => a.preview.content.title.split(' · ')[0]).sort());
      expect(serials).toHaveLength(ownedIds('meganb@example.com').length);
    });

    it('answers the Playground, which sends no command id and an unnamed parameter', async () => {
      const res = await h.post({
        ...meActivity('alex'),
        value: { parameters: [{ value: megans.serialNumber }], queryOptions: { skip: 0, count: 25 } },
      });
      expect(res.status).toBe(200);
      const result = res.body.composeExtension;
      expect(result.type).toBe('result');
      expect(cardText(result.attachments[0].content)).toContain(megans.serialNumber);
    });

    it('leaves other command ids to their own handlers', async () => {
      const res = await h.post({
        ...meActivity('alex'),
        value: { commandId: 'somethingElse', parameters: [{ name: 'query', value: megans.serialNumber }] },
      });
      expect(res.body?.composeExtension).toBeUndefined();
    });

    it('an Intune device from the inventory says it is from the last sync, not that Intune failed', async () => {
      const phone = intune.find((d) => d.serialNumber)!;
      const result = await query(phone.serialNumber);
      const text = cardText(result.attachments[0].content);
      expect(text).toContain(phone.serialNumber);
      expect(text).toContain('From the last Intune sync. Refresh reads the current state from Intune.');
      expect(text).not.toContain('could not be reached');
    });

    it('stays quiet when a card inserted from the compose box is sent', async () => {
      const [item] = (await query(megans.serialNumber)).attachments;
      const markup =
        '\n<span class="ck-card" itemid="0" itemtype="http://schema.skype.com/InputExtension">\n  <span content="0" itemprop="cardId"></span>\n</span>\n';
      const before = h.connector.calls.length;
      for (const [conversationType, text] of [
        ['personal', markup],
        ['channel', `<at>Device Desk</at> ${markup}`],
        ['groupChat', ''],
      ]) {
        const res = await h.post({
          ...meActivity('megan', conversationType),
          type: 'message',
          text,
          attachments: [{ contentType: item.contentType, content: item.content }],
        });
        expect(res.status).toBe(200);
      }
      expect(h.connector.calls.slice(before).filter((c) => c.method === 'POST')).toEqual([]);
      expect(h.logs.lines.filter((l) => /inserted from the compose box/.test(l.msg))).toHaveLength(3);
    });

    it('lists several matches and says when nothing matches', async () => {
      const many = await query('5CD');
      expect(many.attachments.length).toBeGreaterThan(10);
      expect((await query('ZZZZ9999')).text).toContain('No device matches');
      expect((await query('')).type).toBe('message');
    });
  });
});
