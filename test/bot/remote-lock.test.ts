import { ManualClock } from '../../src/clock';
import type { AuditRecord } from '../../src/audit';
import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../src/sandbox/fleet/intune-fleet';
import type { EmulatedIntune } from '../../src/sandbox/graph/managed-devices';
import { LOCK_STEP_MS } from '../../src/sandbox/graph/managed-devices';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, PersonKey, startHarness, TurnOptions } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const TRACKING = { pollIntervalMs: 15, maxPollIntervalMs: 40, ceilingMs: 7 * 86_400_000 };
const fleet = sandboxIntuneFleet(START);
const CHANNEL: TurnOptions = { conversationId: '19:helpdesk@thread.tacv2', conversationType: 'channel' };

const confirmationIdIn = (card: any): string => {
  const m = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(card));
  if (!m) throw new Error(`no confirmation id in ${JSON.stringify(card).slice(0, 300)}`);
  return m[1];
};
const requestIdIn = (card: any): string => {
  const m = /(DD-[A-Z0-9]{6})/.exec(cardText(card));
  if (!m) throw new Error(`no request id in ${cardText(card)}`);
  return m[1];
};

describe('Intune remote lock through the conversation', () => {
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
  beforeEach(() => {
    intune.approvalRequired = false;
    h.bot.sandbox!.graph.throttleNext(0);
  });

  /** A device of its own for one test. */
  const take = (match: (d: IntuneFleetDevice) => boolean): IntuneFleetDevice => {
    const d = fleet.find((x) => !used.has(x.id) && match(x));
    if (!d) throw new Error('no such Intune device left in the sandbox fleet');
    used.add(d.id);
    return d;
  };
  const online =
    (os: string, passcode = true) =>
    (d: IntuneFleetDevice) =>
      d.operatingSystem === os && d.behaviour.passcode === passcode && d.behaviour.connectivity === 'online';

  async function ask(text: string, as: PersonKey = 'megan', options: TurnOptions = {}) {
    const { replies } = await h.send(text, { as, ...options });
    const withCard = replies.filter((c) => cardOf(c));
    expect(withCard).toHaveLength(1);
    const card = cardOf(withCard[0]);
    expect(validateCard(card)).toEqual([]);
    return { card, call: withCard[0] };
  }

  async function confirm(id: string, as: PersonKey = 'megan', options: TurnOptions = {}) {
    const res = await h.invoke('action.confirm', { confirmationId: id }, { as, ...options });
    expect(res.status).toBe(200);
    expect(validateCard(res.body.value)).toEqual([]);
    return res;
  }

  const closing = (requestId: string) =>
    h.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
      5000,
    );

  async function advance(ms: number, steps = 1): Promise<void> {
    for (let i = 0; i < steps; i++) {
      clock.advance(ms / steps);
      await new Promise((r) => setTimeout(r, 60));
    }
  }

  const lastCardOf = (activityId: string) => {
    const updates = h.connector.updates().filter((u) => u.activityId === activityId);
    return cardOf(updates[updates.length - 1]);
  };

  async function auditOf(deviceId: string): Promise<AuditRecord[]> {
    return h.bot.audit.latest({ tenantId: '00000000-0000-0000-0000-0000000000001', targetId: deviceId, limit: 100 });
  }

  /** Text → confirmation → confirm → closing message; returns what each step showed. */
  async function lock(d: IntuneFleetDevice, as: PersonKey = 'megan', options: TurnOptions = {}) {
    const asked = await ask(`lock ${d.serialNumber}`, as, options);
    const res = await confirm(confirmationIdIn(asked.card), as, options);
    const requestId = requestIdIn(res.body.value);
    await advance(LOCK_STEP_MS, 2);
    await advance(LOCK_STEP_MS, 2);
    const end = await closing(requestId);
    return { asked, res, requestId, end };
  }

  it('finds Intune devices with the same find, with their own card and a Remote lock button for those who may', async () => {
    const phone = fleet.find((d) => d.userPrincipalName === 'adelev@example.com' && d.operatingSystem === 'iOS')!;
    const { card } = await ask(`find ${phone.serialNumber}`);
    const text = cardText(card);
    expect(text).toContain('iOS');
    expect(text).toContain(phone.osVersion);
    expect(text).toContain('Compliant');
    expect(text).toContain('adelev@example.com');
    expect(text).toContain('Intune');
    expect(JSON.stringify(card)).toContain('"verb":"action.request"');
    expect(card.actions.find((a: any) => a.title === 'Remote lock')).toMatchObject({
      type: 'Action.Execute',
      verb: 'action.request',
      data: { action: 'remoteLock', deviceId: phone.id },
    });
    // The auditor reads devices but can't lock them: no button.
    const patti = await ask(`find ${phone.serialNumber}`, 'patti');
    expect((patti.card.actions ?? []).some((a: any) => a.title === 'Remote lock')).toBe(false);
    // Adele finds her own iPhone and Mac by her address.
    const own = await ask('find adelev@example.com', 'adele');
    expect(cardText(own.card)).toContain(phone.serialNumber);
  });

  it.each([
    ['iOS', true],
    ['iPadOS', true],
    ['Android', true],
    ['Android', false],
    ['iOS', false],
  ])('locks an %s device (passcode: %s): warning, confirmation, Pending → Done', async (os, passcode) => {
    const d = take(online(os, passcode));
    const { asked, res, requestId, end } = await lock(d);
    const confirmText = cardText(asked.card);
    expect(confirmText).toContain('A device without a passcode only has its screen turned off.');
    expect(confirmText).toContain(d.serialNumber);
    expect(cardText(res.body.value)).toContain('Pending');
    expect(end.body.text).toContain(`<at>${PEOPLE.megan.name}</at>`);
    expect(end.body.text).toContain('done');
    const last = lastCardOf(asked.call.id);
    expect(cardText(last)).toContain('Done');
    expect(cardText(last)).toContain(`${d.serialNumber} is locked`);
    expect(intune.lockCount(d.id)).toBe(1);
    expect(JSON.stringify(h.connector.calls)).not.toContain('Recovery PIN');
    expect((await auditOf(d.id)).map((a) => `${a.action}:${a.outcome}`)).toEqual(
      expect.arrayContaining(['remoteLock:requested', 'remoteLock:approved', 'remoteLock:succeeded']),
    );
    expect(requestId).toMatch(/^DD-/);
  });

  it('locks from the device card button in a channel', async () => {
    const d = take(online('Android'));
    const res = await h.invoke('action.request', { action: 'remoteLock', deviceId: d.id }, { as: 'lynne', ...CHANNEL });
    expect(res.status).toBe(200);
    const confirmCall = res.replies.find((c) => cardOf(c))!;
    const id = confirmationIdIn(cardOf(confirmCall));
    // Someone else can't confirm it.
    const other = await h.invoke('action.confirm', { confirmationId: id }, { as: 'megan', ...CHANNEL });
    expect(cardText(other.body.value)).not.toContain('Request DD-');
    expect(intune.lockCount(d.id)).toBe(0);
    const ok = await confirm(id, 'lynne', CHANNEL);
    const requestId = requestIdIn(ok.body.value);
    await advance(LOCK_STEP_MS, 3);
    await advance(LOCK_STEP_MS, 3);
    await closing(requestId);
    expect(intune.lockCount(d.id)).toBe(1);
  });

  describe('a Mac and its recovery PIN', () => {
    /** A message telling the requester someone else read their PIN. */
    const isTold = (c: RecordedCall) =>
      c.method === 'POST' && String(c.body?.text ?? '').includes('read the recovery PIN');
    const mac = fleet.find((d) => d.userPrincipalName === 'adelev@example.com' && d.operatingSystem === 'macOS')!;
    let pin: string;
    let requestId: string;
    let before: number;

    beforeAll(async () => {
      used.add(mac.id);
      before = h.connector.calls.length;
      const asked = await ask(`lock ${mac.serialNumber}`, 'megan', CHANNEL);
      expect(cardText(asked.card)).toContain('six-digit recovery PIN');
      const res = await confirm(confirmationIdIn(asked.card), 'megan', CHANNEL);
      pin = intune.currentPin(mac.id) as string;
      expect(pin).toMatch(/^\d{6}$/);
      // The requester's own view of the card (the invoke response) carries the PIN.
      expect(cardText(res.body.value)).toContain(pin);
      expect(cardText(res.body.value)).toContain('This PIN is yours');
      requestId = requestIdIn(res.body.value);
      await advance(LOCK_STEP_MS, 3);
      await advance(LOCK_STEP_MS, 3);
      await closing(requestId);
    });

    it('shows the PIN to the requester only: never in the channel, the logs or the audit trail', async () => {
      const channel = h.connector.calls.slice(before);
      expect(channel.length).toBeGreaterThan(2);
      expect(JSON.stringify(channel)).not.toContain(pin);
      const last = h.connector.updates(CHANNEL.conversationId).pop();
      expect(cardText(cardOf(last))).toContain('Done');
      expect(cardText(cardOf(last))).toContain('pin ' + mac.serialNumber);
      expect(h.logs.text()).not.toContain(pin);
      const audit = await auditOf(mac.id);
      expect(JSON.stringify(audit)).not.toContain(pin);
      expect(audit.filter((a) => a.action === 'remoteLock.pin').map((a) => a.detail?.step)).toEqual(['PIN issued']);
    });

    it('refuses a second lock while the PIN is unused: the PIN is never overwritten', async () => {
      const { card } = await ask(`lock ${mac.serialNumber}`);
      expect(cardText(card)).toContain('has not been used yet');
      expect(intune.lockCount(mac.id)).toBe(1);
      expect(intune.currentPin(mac.id)).toBe(pin);
    });

    it('reads the PIN back in a personal chat to the requester, audited without the PIN', async () => {
      const inChannel = await ask(`pin ${mac.serialNumber}`, 'megan', CHANNEL);
      expect(cardText(inChannel.card)).toContain('personal chat');
      expect(JSON.stringify(inChannel.card)).not.toContain(pin);

      const megan = await ask(`pin ${mac.serialNumber}`, 'megan');
      expect(cardText(megan.card)).toContain(pin);
      const reads = (await auditOf(mac.id))
        .filter((a) => a.action === 'remoteLock.pin')
        .map((a) => `${a.actor.name}:${a.detail?.step}`);
      expect(reads).toContain(`${PEOPLE.megan.name}:PIN read`);
      expect(JSON.stringify(await auditOf(mac.id))).not.toContain(pin);
      expect(h.logs.text()).not.toContain(pin);
    });

    it('"pin" alone asks which Mac and how', async () => {
      const text = cardText(cardOf((await h.send('pin', { as: 'megan' })).replies[0]));
      expect(text).toContain('Which Mac?');
      expect(text).toContain('pin ‹serial›');
    });

    it('keeps the PIN from other operators: only Remote lock PINs/Read reads it, and the requester is told', async () => {
      const patti = await h.send(`pin ${mac.serialNumber}`, { as: 'patti' });
      expect(JSON.stringify(patti.replies)).not.toContain(pin);
      expect(cardText(cardOf(patti.replies[0]))).toContain('Remote lock PINs/Read');
      // Lynne may lock the Mac herself, but this PIN was given to Megan.
      const lynne = await h.send(`pin ${mac.serialNumber}`, { as: 'lynne' });
      expect(JSON.stringify(lynne.replies)).not.toContain(pin);
      expect(cardText(cardOf(lynne.replies[0]))).toContain('Remote lock PINs/Read');
      const since = h.connector.calls.length;
      expect(h.connector.calls.filter(isTold)).toEqual([]);

      const alex = await ask(`pin ${mac.serialNumber}`, 'alex');
      expect(cardText(alex.card)).toContain(pin);
      expect(cardText(alex.card)).toContain(PEOPLE.megan.name);
      // Megan hears of it where she asked for the lock, with a mention; the PIN is not repeated.
      const note = await h.connector.waitFor(isTold, 3000, since);
      expect(note.conversationId).toBe(CHANNEL.conversationId);
      expect(note.body.text).toContain(`${PEOPLE.alex.name} read the recovery PIN of ${mac.serialNumber}`);
      expect(note.body.entities[0].mentioned.id).toBe(PEOPLE.megan.teamsId);
      expect(JSON.stringify(note.body)).not.toContain(pin);
      const reads = (await auditOf(mac.id)).filter((a) => a.action === 'remoteLock.pin');
      expect(reads.map((a) => `${a.actor.name}:${a.outcome}:${a.detail?.step ?? a.detail?.permission ?? ''}`)).toEqual(
        expect.arrayContaining([`${PEOPLE.alex.name}:info:PIN read`]),
      );
      expect(reads.find((a) => a.actor.name === PEOPLE.alex.name)?.detail?.readByOtherThanRequester).toBe(true);
    });

    it('once the PIN is marked used the Mac can be locked again, with a new PIN', async () => {
      const usedReply = await ask(`pin ${mac.serialNumber} used`, 'megan');
      expect(cardText(usedReply.card)).toContain('marked as used');
      const again = await ask(`lock ${mac.serialNumber}`, 'megan');
      const res = await confirm(confirmationIdIn(again.card), 'megan');
      const second = intune.currentPin(mac.id) as string;
      expect(intune.lockCount(mac.id)).toBe(2);
      // In a personal chat the PIN is in a message of its own, once; the card follows the lock.
      expect(cardText(res.body.value)).not.toContain(second);
      expect(cardText(res.body.value)).toMatch(/Request DD-/);
      const personal = h.connector.calls.filter(
        (c) =>
          c.method === 'POST' &&
          c.conversationId === `personal-${PEOPLE.megan.teamsId}` &&
          JSON.stringify(c.body).includes(second),
      );
      expect(personal).toHaveLength(1);
      await advance(LOCK_STEP_MS, 3);
      await advance(LOCK_STEP_MS, 3);
      await closing(requestIdIn(res.body.value));
      const alex = await ask(`pin ${mac.serialNumber}`, 'alex');
      expect(cardText(alex.card)).toContain(second);
    });

    it('forgets the PIN after 30 days', async () => {
      await advance(30 * 86_400_000);
      const { card } = await ask(`pin ${mac.serialNumber}`, 'alex');
      expect(cardText(card)).toContain('No recovery PIN kept');
    });
  });

  it('refuses a second lock while the first is still pending on an offline device', async () => {
    const d = take((x) => x.behaviour.connectivity === 'offline');
    const asked = await ask(`lock ${d.serialNumber}`);
    const res = await confirm(confirmationIdIn(asked.card));
    expect(cardText(res.body.value)).toContain('Pending');
    await advance(LOCK_STEP_MS * 10, 2);
    const again = await ask(`lock ${d.serialNumber}`);
    expect(cardText(again.card)).toMatch(/still under way|still has a remote lock/);
    expect(intune.lockCount(d.id)).toBe(1);
  });

  it('reports a lock the device failed', async () => {
    const d = take((x) => x.behaviour.connectivity === 'failing');
    const { end, asked } = await lock(d);
    expect(end.body.text).toContain('failed');
    expect(cardText(lastCardOf(asked.call.id))).toContain('Intune reports that the device could not be locked');
  });

  it('waits for a second admin under Multi Admin Approval, then locks once', async () => {
    intune.approvalRequired = true;
    const d = take(online('iOS'));
    const asked = await ask(`lock ${d.serialNumber}`);
    const res = await confirm(confirmationIdIn(asked.card));
    const requestId = requestIdIn(res.body.value);
    expect(cardText(res.body.value)).toContain('Waiting for approval');
    expect(intune.lockCount(d.id)).toBe(0);
    const [approval] = intune.pendingApprovals().filter((a) => a.deviceId === d.id.toLowerCase());
    expect(approval.requestJustification).toContain(requestId);
    expect(approval.requestJustification).toContain(PEOPLE.megan.name);
    await advance(1_000, 2);
    expect(cardText(lastCardOf(asked.call.id) ?? res.body.value)).toContain('Waiting for approval');
    const status = await ask(`status ${requestId}`);
    expect(cardText(status.card)).toContain('Waiting for approval');

    intune.decide(approval.id, 'approved', PEOPLE.alex.upn, 'Confirmed with the user');
    await advance(LOCK_STEP_MS, 3);
    expect(cardText(lastCardOf(asked.call.id))).toContain(`approved by ${PEOPLE.alex.name}`);
    await advance(LOCK_STEP_MS, 3);
    await advance(LOCK_STEP_MS, 3);
    await closing(requestId);
    expect(intune.lockCount(d.id)).toBe(1);
    expect(cardText(lastCardOf(asked.call.id))).toContain('Done');
  });

  it('reports a rejected approval as failed, with nothing sent', async () => {
    intune.approvalRequired = true;
    const d = take(online('Android'));
    const asked = await ask(`lock ${d.serialNumber}`);
    const requestId = requestIdIn((await confirm(confirmationIdIn(asked.card))).body.value);
    const [approval] = intune.pendingApprovals().filter((a) => a.deviceId === d.id.toLowerCase());
    intune.decide(approval.id, 'rejected', PEOPLE.alex.upn, 'Not lost after all');
    await advance(1_000, 2);
    const end = await closing(requestId);
    expect(end.body.text).toContain('failed');
    expect(cardText(lastCardOf(asked.call.id))).toContain('Not lost after all');
    expect(intune.lockCount(d.id)).toBe(0);
  });

  it('rides out Graph throttling (429 with Retry-After) and still sends one lock', async () => {
    const d = take(online('iPadOS'));
    const asked = await ask(`lock ${d.serialNumber}`);
    h.bot.sandbox!.graph.throttleNext(2, 1);
    const res = await confirm(confirmationIdIn(asked.card));
    expect(cardText(res.body.value)).toContain('Pending');
    expect(intune.lockCount(d.id)).toBe(1);
    await advance(LOCK_STEP_MS, 3);
    await advance(LOCK_STEP_MS, 3);
    await closing(requestIdIn(res.body.value));
  });

  it('never lets a PIN or an unlockPin reach a log line, whatever happened above', () => {
    for (const [id] of fleet.map((d) => [d.id])) {
      const p = intune.currentPin(id);
      if (p) expect(h.logs.text()).not.toContain(p);
    }
  });

  it('is listed in help for those who may lock', async () => {
    const { replies } = await h.send('help', { as: 'megan' });
    const text = replies.map((r: RecordedCall) => cardText(cardOf(r))).join('\n');
    expect(text).toContain('lock ‹serial›');
    expect(text).toContain('pin ‹serial›');
  });
});
