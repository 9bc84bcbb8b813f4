import { ManualClock } from '../../src/clock';
import type { AuditRecord } from '../../src/audit';
import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../src/sandbox/fleet/intune-fleet';
import { ACTION_STEP_MS, type EmulatedIntune } from '../../src/sandbox/graph/managed-devices';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText } from '../support/connector';
import { Harness, PEOPLE, PersonKey, startHarness, TurnOptions } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const TRACKING = { pollIntervalMs: 15, maxPollIntervalMs: 40, ceilingMs: 7 * 86_400_000 };
const TENANT = '00000000-0000-0000-0000-0000000000001';
const CHANNEL: TurnOptions = { conversationId: '19:helpdesk@thread.tacv2', conversationType: 'channel' };

const confirmationIdIn = (card: any): string => {
  const m = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(card));
  if (!m) throw new Error(`no confirmation id in ${cardText(card).slice(0, 300)}`);
  return m[1];
};
const requestIdIn = (card: any): string => {
  const m = /(DD-[A-Z0-9]{6})/.exec(cardText(card));
  if (!m) throw new Error(`no request id in ${cardText(card)}`);
  return m[1];
};
const inputsOf = (card: any): any[] => (card.body as any[]).filter((b) => String(b.type).startsWith('Input.'));

describe('Intune’s everyday actions through the conversation', () => {
  const fleet = sandboxIntuneFleet(START);
  let h: Harness;
  let intune: EmulatedIntune;
  const clock = new ManualClock(START);
  const used = new Set<string>();

  beforeAll(async () => {
    h = await startHarness({}, undefined, { start: { clock, actions: { tracking: TRACKING }, intuneDevices: fleet } });
    intune = h.bot.sandbox!.graph.intune;
  });
  afterAll(async () => {
    await h.stop();
  });

  const take = (match: (d: IntuneFleetDevice) => boolean): IntuneFleetDevice => {
    const d = fleet.find((x) => !used.has(x.id) && x.managementState === 'managed' && match(x));
    if (!d) throw new Error('no such Intune device left in the sandbox fleet');
    used.add(d.id);
    return d;
  };
  const online = (os: string) => (d: IntuneFleetDevice) =>
    d.operatingSystem === os && d.behaviour.connectivity === 'online';
  const supervisedPhone = (d: IntuneFleetDevice) => online('iOS')(d) && d.isSupervised;

  async function ask(text: string, as: PersonKey = 'megan', options: TurnOptions = {}) {
    const { replies } = await h.send(text, { as, ...options });
    const withCard = replies.filter((c) => cardOf(c));
    expect(withCard).toHaveLength(1);
    const card = cardOf(withCard[0]);
    expect(validateCard(card)).toEqual([]);
    return { card, call: withCard[0] };
  }

  async function confirm(id: string, inputs: Record<string, unknown> = {}, as: PersonKey = 'megan', options = {}) {
    const res = await h.invoke('action.confirm', { confirmationId: id, ...inputs }, { as, ...options });
    expect(res.status).toBe(200);
    if (typeof res.body.value === 'object') expect(validateCard(res.body.value)).toEqual([]);
    return res;
  }

  async function advance(ms: number, steps = 2): Promise<void> {
    for (let i = 0; i < steps; i++) {
      clock.advance(ms / steps);
      await new Promise((r) => setTimeout(r, 60));
    }
  }

  const closing = (requestId: string) =>
    h.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
      5000,
    );
  const lastCardOf = (activityId: string) => {
    const updates = h.connector.updates().filter((u) => u.activityId === activityId);
    return cardOf(updates[updates.length - 1]);
  };
  const auditOf = (deviceId: string): Promise<AuditRecord[]> =>
    h.bot.audit.latest({ tenantId: TENANT, targetId: deviceId, limit: 100 });

  /** Text → confirmation → confirm (with card inputs) → the device runs it → closing message. */
  async function run(text: string, inputs: Record<string, unknown> = {}, as: PersonKey = 'megan', options = {}) {
    const asked = await ask(text, as, options);
    const res = await confirm(confirmationIdIn(asked.card), inputs, as, options);
    const requestId = requestIdIn(res.body.value);
    await advance(2 * ACTION_STEP_MS, 4);
    const end = await closing(requestId);
    return { asked, res, requestId, end, last: lastCardOf(asked.call.id) };
  }

  describe('allowed: each action on a platform Intune lists for it, to Done with the requester mentioned', () => {
    it('sync runs without a confirmation card, on an iPhone', async () => {
      const phone = take(online('iOS'));
      const { replies } = await h.send(`sync ${phone.serialNumber}`, { as: 'megan' });
      const placeholder = replies.find((c) => cardOf(c))!;
      expect(cardText(cardOf(placeholder))).toContain('Sending it to Intune');
      expect(cardText(cardOf(placeholder))).not.toContain('Confirm');
      const requestId = requestIdIn(lastCardOf(placeholder.id));
      await advance(2 * ACTION_STEP_MS, 4);
      const end = await closing(requestId);
      expect(end.body.text).toContain(`<at>${PEOPLE.megan.name}</at>`);
      expect(end.body.text).toContain(`Sync on ${phone.serialNumber}`);
      expect(end.body.text).toContain('done');
      expect(intune.actionsOn(phone.id).map((a) => a.name)).toEqual(['syncDevice']);
      expect((await auditOf(phone.id)).map((a) => `${a.action}:${a.outcome}`)).toEqual(
        expect.arrayContaining(['intune.sync:requested', 'intune.sync:approved', 'intune.sync:succeeded']),
      );
    });

    it.each([
      ['Windows', online('Windows')],
      ['macOS', online('macOS')],
      ['supervised iOS', supervisedPhone],
      ['Android fully managed', online('Android')],
    ])('restart of a %s device: warning, confirmation, Pending → Done', async (_name, match) => {
      const d = take(match);
      const { asked, res, end, last } = await run(`restart ${d.serialNumber}`);
      expect(cardText(asked.card)).toContain('may not be warned');
      expect(cardText(asked.card)).toContain(`Restart: ${d.serialNumber}?`);
      expect(cardText(res.body.value)).toContain('Pending');
      expect(cardText(last)).toContain('Done');
      expect(end.body.text).toContain('done');
      expect(intune.actionsOn(d.id).map((a) => a.name)).toEqual(['rebootNow']);
    });

    it('retire of an iPhone: the warning, Yes retire, then managementState moves on', async () => {
      const phone = take(online('iOS'));
      const { asked, last } = await run(`retire ${phone.serialNumber}`);
      expect(cardText(asked.card)).toContain('personal data stays');
      expect(JSON.stringify(asked.card)).toContain('Yes, retire');
      expect(cardText(last)).toMatch(/retired: company data removed/);
      expect(intune.find(phone.id)!.managementState).toBe('retirePending');
      const after = await ask(`find ${phone.serialNumber}`);
      expect(cardText(after.card)).toMatch(/Retire issued/i);
    });

    it('wipe of a Windows laptop: its options on the card, the chosen ones in Graph’s body', async () => {
      const laptop = take(online('Windows'));
      const asked = await ask(`wipe ${laptop.serialNumber}`, 'megan', CHANNEL);
      // Everyone in the channel reads the options; only the requester's own view has the switches.
      expect(cardText(asked.card)).toMatch(/Keep user data and accounts \(the device stays enrolled\)\nNo/);
      expect(inputsOf(asked.card)).toEqual([]);
      const own = await h.invoke(
        'action.view',
        { confirmationId: confirmationIdIn(asked.card) },
        { as: 'megan', ...CHANNEL },
      );
      expect(validateCard(own.body.value)).toEqual([]);
      const toggles = inputsOf(own.body.value).filter((i) => i.type === 'Input.Toggle');
      expect(toggles.map((t) => [t.id, t.value])).toEqual([
        ['wipeKeepEnrollmentData', 'false'],
        ['wipeKeepUserData', 'false'],
      ]);
      const res = await confirm(
        confirmationIdIn(asked.card),
        { wipeKeepUserData: 'true', wipePersistEsimDataPlan: 'true' },
        'megan',
        CHANNEL,
      );
      const requestId = requestIdIn(res.body.value);
      // What the requester chose, and only options Windows has, went to Graph.
      expect(intune.actionsOn(laptop.id)[0].body).toEqual({ keepEnrollmentData: false, keepUserData: true });
      expect(cardText(res.body.value)).toMatch(/Keep user data and accounts.*\n?Yes/);
      await advance(2 * ACTION_STEP_MS, 4);
      await closing(requestId);
      expect(cardText(lastCardOf(asked.call.id))).toContain(': wiped.');
      expect((await auditOf(laptop.id)).map((a) => `${a.action}:${a.outcome}`)).toEqual(
        expect.arrayContaining(['intune.wipe:requested', 'intune.wipe:approved', 'intune.wipe:succeeded']),
      );
    });

    it('wipe of an iPhone keeps its eSIM plan unless told; a Mac’s wipe PIN goes to the requester only', async () => {
      const phone = take(online('iOS'));
      const asked = await ask(`wipe ${phone.serialNumber}`);
      expect(inputsOf(asked.card).map((t) => [t.id, t.value])).toEqual([['wipePersistEsimDataPlan', 'true']]);
      await confirm(confirmationIdIn(asked.card), { wipePersistEsimDataPlan: 'false' });
      expect(intune.actionsOn(phone.id)[0].body).toEqual({ persistEsimDataPlan: false });

      const mac = take(online('macOS'));
      const before = h.connector.calls.length;
      const macAsked = await ask(`wipe ${mac.serialNumber}`, 'megan', CHANNEL);
      expect(cardText(macAsked.card)).toContain('Recovery PIN');
      const res = await confirm(confirmationIdIn(macAsked.card), {}, 'megan', CHANNEL);
      const pin = intune.actionsOn(mac.id)[0].body?.macOsUnlockCode as string;
      expect(pin).toMatch(/^\d{6}$/);
      expect(cardText(res.body.value)).toContain(pin);
      expect(cardText(res.body.value)).toContain('Only you can see this PIN');
      await advance(2 * ACTION_STEP_MS, 4);
      await closing(requestIdIn(res.body.value));
      expect(JSON.stringify(h.connector.calls.slice(before))).not.toContain(pin);
      expect(JSON.stringify(await auditOf(mac.id))).not.toContain(pin);
      expect(h.logs.text()).not.toContain(pin);
    });

    it('reset passcode of an Android dedicated device: the new passcode to the requester only', async () => {
      const kiosk = take((d) => d.deviceEnrollmentType === 'androidEnterpriseDedicatedDevice');
      const before = h.connector.calls.length;
      const asked = await ask(`reset passcode ${kiosk.serialNumber}`, 'megan', CHANNEL);
      expect(cardText(asked.card)).toContain('Only you will see the new one');
      const res = await confirm(confirmationIdIn(asked.card), {}, 'megan', CHANNEL);
      const passcode = intune.actionsOn(kiosk.id)[0].passcode!;
      expect(cardText(res.body.value)).toContain('New passcode');
      expect(cardText(res.body.value)).toContain(passcode);
      await advance(2 * ACTION_STEP_MS, 4);
      await closing(requestIdIn(res.body.value));
      expect(JSON.stringify(h.connector.calls.slice(before))).not.toContain(passcode);
      expect(JSON.stringify(await auditOf(kiosk.id))).not.toContain(passcode);
    });

    it('lost mode on a supervised iPhone with message, phone and footer; locate; lost mode off', async () => {
      const phone = take(supervisedPhone);
      const asked = await ask(`lost mode on ${phone.serialNumber}`);
      expect(inputsOf(asked.card).map((i) => i.id)).toEqual(['lostModeMessage', 'lostModePhone', 'lostModeFooter']);
      const on = await confirm(confirmationIdIn(asked.card), {
        lostModeMessage: 'Found me? Call the help desk.',
        lostModePhone: '+1 425 555 0100',
        lostModeFooter: 'Contoso IT',
      });
      expect(intune.actionsOn(phone.id)[0].body).toEqual({
        message: 'Found me? Call the help desk.',
        phoneNumber: '+1 425 555 0100',
        footer: 'Contoso IT',
      });
      await advance(2 * ACTION_STEP_MS, 4);
      await closing(requestIdIn(on.body.value));

      const located = await run(`locate ${phone.serialNumber}`);
      expect(cardText(located.last)).toMatch(/Last seen at 47\.\d{5}, -122\.\d{5} \(±25 m\)/);

      const card = await ask(`find ${phone.serialNumber}`);
      const titles = (card.card.actions as any[]).map((a) => a.title);
      expect(titles).toContain('Disable lost mode');
      expect(titles).not.toContain('Lost mode');
      const off = await run(`lost mode off ${phone.serialNumber}`);
      expect(cardText(off.last)).toContain(': lost mode is off.');
    });

    it('a lost mode message is required and escaped: empty is refused, markdown is shown as text', async () => {
      const phone = take(supervisedPhone);
      const asked = await ask(`lost mode on ${phone.serialNumber}`);
      const id = confirmationIdIn(asked.card);
      const empty = await h.invoke(
        'action.confirm',
        { confirmationId: id, lostModeMessage: ' ', lostModePhone: '' },
        { as: 'megan' },
      );
      expect(JSON.stringify(empty.body)).toContain('needs a message or a phone number');
      expect(intune.actionsOn(phone.id)).toEqual([]);
      const res = await confirm(id, { lostModeMessage: '**Call** [us](http://evil.example)' });
      expect(intune.actionsOn(phone.id)).toHaveLength(1);
      // Shown as the text it is: the Markdown is escaped, so no link and no bold.
      const shown = JSON.stringify(res.body.value);
      expect(shown).toContain('\\\\*\\\\*Call\\\\*\\\\* \\\\[us\\\\](http://evil.example)');
      expect(shown).not.toMatch(/[^\\]\*\*Call/);
    });
  });

  describe('refused with a clear reason, nothing sent', () => {
    it.each([
      [
        'restart',
        'Linux',
        (d: IntuneFleetDevice) => d.operatingSystem === 'Linux',
        "Intune's restart works on Windows, macOS, supervised iOS/iPadOS",
      ],
      [
        'sync',
        'Linux',
        (d: IntuneFleetDevice) => d.operatingSystem === 'Linux',
        "Intune's sync works on Android, iOS/iPadOS, macOS and Windows",
      ],
      ['lost mode on', 'Windows', online('Windows'), 'supervised iOS/iPadOS devices; this is Windows'],
      [
        'lost mode on',
        'an unsupervised iPhone',
        (d: IntuneFleetDevice) => d.deviceEnrollmentType === 'appleUserEnrollment',
        'not supervised',
      ],
      [
        'restart',
        'an unsupervised iPhone',
        (d: IntuneFleetDevice) => d.deviceEnrollmentType === 'appleUserEnrollment',
        'not supervised',
      ],
      [
        'reset passcode',
        'an iPhone',
        online('iOS'),
        "Intune's reset passcode works on Android Enterprise and AOSP devices",
      ],
      ['reset passcode', 'Windows', online('Windows'), 'this is Windows'],
      [
        'wipe',
        'a personal Android work profile',
        (d: IntuneFleetDevice) => d.managedDeviceOwnerType === 'personal' && d.operatingSystem === 'Android',
        'a personal work profile is retired instead',
      ],
      ['retire', 'an Android fully managed phone', online('Android'), 'corporate-owned Android is wiped instead'],
      ['locate', 'a supervised iPhone not in lost mode', supervisedPhone, 'only in lost mode'],
      ['lost mode off', 'an iPhone not in lost mode', supervisedPhone, 'Lost mode is not on'],
      [
        'wipe',
        'an iPhone Intune is already retiring',
        (d: IntuneFleetDevice) => d.managementState === 'retirePending',
        'already retiring or wiping',
      ],
    ])('%s on %s', async (words, _what, match, reason) => {
      const d = fleet.find((x) => match(x) && (x.managementState !== 'managed' || !used.has(x.id)))!;
      const { card } = await ask(`${words} ${d.serialNumber}`);
      const text = cardText(card);
      expect(text).toContain(`can't be used on ${d.serialNumber} now`);
      expect(text).toContain(reason);
      expect(intune.actionsOn(d.id)).toEqual([]);
    });

    it('a device card offers only what fits: a Linux laptop gets no action at all', async () => {
      const linux = fleet.find((d) => d.operatingSystem === 'Linux')!;
      const { card } = await ask(`find ${linux.serialNumber}`, 'alex');
      expect((card.actions as any[]).map((a) => a.title)).toEqual(['Refresh']);
      const windows = fleet.find((d) => d.operatingSystem === 'Windows' && !used.has(d.id))!;
      const win = await ask(`find ${windows.serialNumber}`, 'alex');
      expect((win.card.actions as any[]).map((a) => a.title)).toEqual([
        'Sync',
        'Restart',
        'Retire',
        'Wipe',
        'Locate',
        'Refresh',
      ]);
    });

    it.each([
      ['wipe', 'Remote tasks/Wipe'],
      ['retire', 'Remote tasks/Retire'],
      ['sync', 'Remote tasks/Sync devices'],
      ['restart', 'Remote tasks/Reboot now'],
    ])('the auditor asking to %s is told the Intune permission it needs (%s)', async (words, permission) => {
      const laptop = fleet.find((d) => d.operatingSystem === 'Windows' && d.behaviour.connectivity === 'online')!;
      const { replies } = await h.send(`${words} ${laptop.serialNumber}`, { as: 'patti' });
      expect(JSON.stringify(replies)).toContain(permission);
      const denied = (await auditOf(laptop.id)).find(
        (a) => a.outcome === 'denied' && a.actor.name === PEOPLE.patti.name,
      );
      expect(denied).toBeDefined();
    });

    it('a forged button for an action that does not fit is refused on the server', async () => {
      const linux = fleet.find((d) => d.operatingSystem === 'Linux')!;
      const res = await h.invoke('action.request', { action: 'intune.wipe', deviceId: linux.id }, { as: 'alex' });
      expect(JSON.stringify(res.body)).toContain("Intune's wipe works on");
      expect(intune.actionsOn(linux.id)).toEqual([]);
    });
  });

  describe('tracked to Failed or not supported, the requester told either way', () => {
    it('a laptop that fails the restart: Failed, with Intune’s words', async () => {
      const laptop = take((d) => d.operatingSystem === 'Windows' && d.behaviour.connectivity === 'failing');
      const { end, last } = await run(`restart ${laptop.serialNumber}`);
      expect(cardText(last)).toContain('Failed');
      expect(end.body.text).toContain(`<at>${PEOPLE.megan.name}</at>`);
      expect(end.body.text).toContain('failed. Intune reports that the restart failed on the device.');
      expect((await auditOf(laptop.id)).map((a) => `${a.action}:${a.outcome}`)).toContain('intune.restart:failed');
    });

    it('a device that answers notSupported: Failed, saying it is not supported', async () => {
      const laptop = take(online('Windows'));
      intune.setBehaviour(laptop.id, { rejects: ['rebootNow'] });
      const { end, last } = await run(`restart ${laptop.serialNumber}`);
      expect(cardText(last)).toContain("Not supported: Intune reports that this device can't restart.");
      expect(end.body.text).toContain('Not supported');
    });

    it('an offline laptop keeps the wipe pending, and a second wipe is refused meanwhile', async () => {
      const laptop = take((d) => d.operatingSystem === 'Windows' && d.behaviour.connectivity === 'offline');
      const asked = await ask(`wipe ${laptop.serialNumber}`);
      const res = await confirm(confirmationIdIn(asked.card));
      await advance(4 * ACTION_STEP_MS, 4);
      expect(cardText(lastCardOf(asked.call.id))).toContain('Pending');
      expect(cardText(res.body.value)).toContain('next check-in');
      const again = await ask(`wipe ${laptop.serialNumber}`);
      expect(cardText(again.card)).toMatch(/already retiring or wiping|already under way/);
    });
  });

  it('Multi Admin Approval on wipe: waits for a second admin, then goes out once and ends Done', async () => {
    const laptop = take(online('Windows'));
    intune.approvalActions.add('wipe');
    try {
      const asked = await ask(`wipe ${laptop.serialNumber}`);
      const res = await confirm(confirmationIdIn(asked.card));
      expect(cardText(res.body.value)).toContain('Waiting for approval');
      expect(intune.actionsOn(laptop.id)).toEqual([]);
      const [pending] = intune.pendingApprovals().filter((a) => a.deviceId === laptop.id.toLowerCase());
      expect(pending.requestJustification).toContain(laptop.serialNumber);
      intune.decide(pending.id, 'approved', 'alexw@example.com');
      await advance(3 * ACTION_STEP_MS, 6);
      await closing(requestIdIn(res.body.value));
      expect(intune.actionsOn(laptop.id).map((a) => a.name)).toEqual(['wipe']);
      expect(cardText(lastCardOf(asked.call.id))).toContain(': wiped.');
    } finally {
      intune.approvalActions.clear();
    }
  });
  it('a Mac wipe under Multi Admin Approval: the PIN shown at confirm is the one sent once approved', async () => {
    const mac = take(online('macOS'));
    intune.approvalActions.add('wipe');
    try {
      const asked = await ask(`wipe ${mac.serialNumber}`);
      const res = await confirm(confirmationIdIn(asked.card));
      // In a personal chat the PIN comes once, in a message of its own; the card follows the wipe.
      const pinCard = res.replies.map((c) => cardOf(c)).find((c) => c && /Recovery PIN/.test(cardText(c)));
      const shown = /Recovery PIN\n(\d{6})/.exec(cardText(pinCard))?.[1];
      expect(shown).toMatch(/^\d{6}$/);
      expect(cardText(res.body.value)).not.toContain(shown);
      expect(cardText(res.body.value)).toContain('Waiting for approval: Intune requires a second admin');
      expect(intune.actionsOn(mac.id)).toEqual([]);
      const [pending] = intune.pendingApprovals().filter((a) => a.deviceId === mac.id.toLowerCase());
      // The approval request carries the parameters, PIN included, as Intune keeps them for the approver.
      expect(pending.body).toEqual({ macOsUnlockCode: shown });
      intune.decide(pending.id, 'approved', 'alexw@example.com');
      await advance(3 * ACTION_STEP_MS, 6);
      await closing(requestIdIn(res.body.value));
      expect(intune.actionsOn(mac.id).map((a) => [a.name, a.body])).toEqual([['wipe', { macOsUnlockCode: shown }]]);
      expect(JSON.stringify(await auditOf(mac.id))).not.toContain(shown);
    } finally {
      intune.approvalActions.clear();
    }
  });
});

describe('destructive Intune actions never skip their confirmation', () => {
  const fleet = sandboxIntuneFleet(START);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: {
        clock: new ManualClock(START),
        actions: { skipConfirmation: true, tracking: TRACKING },
        intuneDevices: fleet,
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each(['wipe', 'retire'])(
    '%s asks even when the tenant turned confirmations off; restart does not',
    async (words) => {
      const laptops = fleet.filter((d) => d.operatingSystem === 'Windows' && d.behaviour.connectivity === 'online');
      const { replies } = await h.send(`${words} ${laptops[0].serialNumber}`, { as: 'megan' });
      expect(JSON.stringify(replies)).toContain('action.confirm');
      expect(h.bot.sandbox!.graph.intune.actionsOn(laptops[0].id)).toEqual([]);
      const restart = await h.send(`restart ${laptops[1].serialNumber}`, { as: 'megan' });
      expect(JSON.stringify(restart.replies)).not.toContain('action.confirm');
      await new Promise((r) => setTimeout(r, 100));
      expect(h.bot.sandbox!.graph.intune.actionsOn(laptops[1].id).map((a) => a.name)).toContain('rebootNow');
    },
  );
});
