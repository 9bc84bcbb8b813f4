import { ManualClock } from '../../src/clock';
import { milestoneOf, sandboxFleet, type FleetDevice } from '../../src/sandbox/fleet';
import { validateCard } from '../support/card-validator';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, PEOPLE, PersonKey, startHarness } from '../support/harness';

const START = Date.parse('2026-03-02T10:00:00Z');
const TRACKING = { pollIntervalMs: 15, maxPollIntervalMs: 40, ceilingMs: 7 * 86_400_000 };

/** The fleet the sandbox bot serves (same seed and clock), to pick targets from. */
const fleet = sandboxFleet(START);
const demoPeople = new Set(Object.values(PEOPLE).map((p) => p.email));
const usable = (d: FleetDevice) =>
  d.status === 'ACTIVE' &&
  !d.behaviour.kiosk &&
  milestoneOf(d.osVersion) >= 113 &&
  !d.orgUnitPath.startsWith('/Schools/North') &&
  !demoPeople.has(d.annotatedUser ?? '');
/** Devices for one test each, so that tests don't see each other's changes. */
const pool = fleet.filter(usable);

const confirmationIdIn = (card: any): string => {
  const m = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(card));
  if (!m) throw new Error(`no confirmation id in ${JSON.stringify(card).slice(0, 300)}`);
  return m[1];
};

describe('remote actions', () => {
  let h: Harness;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: {
        clock,
        actions: { tracking: TRACKING, expiryCheckMs: 30 },
        directoryRetry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  const google = () => h.bot.sandbox!.google;
  /** A device of its own for one test, online. */
  const take = (): FleetDevice => {
    const d = pool.shift();
    if (!d) throw new Error('the sandbox fleet has no more usable devices');
    google().setBehaviour(d.deviceId, { connectivity: 'online' });
    return d;
  };

  /** Text → the confirmation card; returns it with its id and the card's activity. */
  async function ask(text: string, as: PersonKey = 'megan'): Promise<{ card: any; id: string; call: RecordedCall }> {
    const { status, replies: all } = await h.send(text, { as });
    expect(status).toBe(200);
    // Closing messages of earlier requests may arrive meanwhile; they carry no card.
    const replies = all.filter((c) => cardOf(c));
    expect(replies).toHaveLength(1);
    const card = cardOf(replies[0]);
    expect(validateCard(card)).toEqual([]);
    return { card, id: confirmationIdIn(card), call: replies[0] };
  }

  async function confirm(id: string, as: PersonKey = 'megan', extra: Record<string, unknown> = {}) {
    const res = await h.invoke('action.confirm', { confirmationId: id, ...extra }, { as });
    expect(res.status).toBe(200);
    return res;
  }

  const requestIdIn = (card: any): string => {
    const m = /Request (DD-[A-Z0-9]{6})/.exec(cardText(card));
    if (!m) throw new Error(`no request id in ${cardText(card)}`);
    return m[1];
  };

  /** The closing message that mentions the requester. */
  const closing = (requestId: string, timeoutMs = 5000) =>
    h.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
      timeoutMs,
    );

  /** Moves Google's clock on in steps, giving the tracker time to poll between them. */
  async function advance(ms: number, steps = 1): Promise<void> {
    for (let i = 0; i < steps; i++) {
      clock.advance(ms / steps);
      await new Promise((r) => setTimeout(r, 60));
    }
  }

  const issued = () => google().stats().byMethod['customer.devices.chromeos.issueCommand'] ?? 0;
  const statusChanges = () => google().stats().byMethod['customer.devices.chromeos.batchChangeStatus'] ?? 0;

  /** Runs a command action from text to its end on an online device. */
  async function runCommand(text: string, as: PersonKey = 'megan') {
    const { id, call } = await ask(text, as);
    const res = await confirm(id, as);
    const requestId = requestIdIn(res.body.value);
    expect(cardText(res.body.value)).toContain('Pending');
    // An online device takes a step every 3 s of Google's clock.
    await advance(3_000, 1);
    await advance(3_000, 1);
    await advance(3_000, 1);
    const end = await closing(requestId);
    return { requestId, end, call, card: res.body.value };
  }

  const statesOf = (cardActivityId: string) =>
    h.connector
      .updates()
      .filter((u) => u.activityId === cardActivityId)
      .map(
        (u) =>
          (/Pending|Sent|Acknowledged|Done|Failed|Expired|Unknown/.exec(
            JSON.stringify(cardOf(u).body[1] ?? cardOf(u).body),
          ) ?? [''])[0],
      );

  describe('lost mode', () => {
    it('on: confirmation → status card → Done, card updated in place and the requester mentioned', async () => {
      const d = take();
      const { card, id, call } = await ask(`lost mode on ${d.serialNumber}`);
      const text = cardText(card);
      expect(text).toContain(d.serialNumber);
      expect(text).toContain('contact message');
      expect(card.refresh).toMatchObject({
        action: { verb: 'action.view', data: { confirmationId: id } },
        userIds: [PEOPLE.megan.teamsId],
      });
      // Nothing happened yet.
      expect(google().readDevice(d.deviceId)?.status).toBe('ACTIVE');

      const res = await confirm(id);
      expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(validateCard(res.body.value)).toEqual([]);
      const requestId = requestIdIn(res.body.value);
      expect(google().readDevice(d.deviceId)?.status).toBe('DISABLED');

      const end = await closing(requestId);
      expect(end.body.text).toContain(`<at>${PEOPLE.megan.name}</at>`);
      expect(end.body.text).toContain('done');
      expect(end.body.entities).toEqual([
        expect.objectContaining({ type: 'mention', mentioned: { id: PEOPLE.megan.teamsId, name: PEOPLE.megan.name } }),
      ]);
      const updates = h.connector.updates().filter((u) => u.activityId === call.id);
      expect(updates.length).toBeGreaterThanOrEqual(2);
      const last = cardOf(updates[updates.length - 1]);
      expect(validateCard(last)).toEqual([]);
      expect(cardText(last)).toContain('Done');
      expect(cardText(last)).toContain(`${d.serialNumber}: lost mode is on.`);
    });

    it('off: turns lost mode off again', async () => {
      const d = take();
      const on = await ask(`lost mode on ${d.serialNumber}`);
      await closing(requestIdIn((await confirm(on.id)).body.value));
      const off = await ask(`lost mode off ${d.serialNumber}`);
      expect(cardText(off.card)).toContain('can be used again');
      const requestId = requestIdIn((await confirm(off.id)).body.value);
      await closing(requestId);
      expect(google().readDevice(d.deviceId)?.status).toBe('ACTIVE');
    });
  });

  describe('commands', () => {
    it('restart with a delay: Pending → Sent → Acknowledged → Done, each step on the card', async () => {
      const d = take();
      const before = issued();
      const { end, call, card } = await runCommand(`restart ${d.serialNumber} delay 120`);
      expect(cardText(card)).toContain('120 s');
      expect(issued()).toBe(before + 1);
      expect(end.body.text).toContain('Restart');
      expect(end.body.text).toContain('done');
      const states = statesOf(call.id);
      for (const s of ['Pending', 'Sent', 'Acknowledged', 'Done']) expect(states).toContain(s);
      expect(states.indexOf('Sent')).toBeLessThan(states.indexOf('Done'));
    });

    it('wipe user profiles: from the device card button', async () => {
      const d = take();
      const res = await h.invoke('action.request', { action: 'wipeUsers', deviceId: d.deviceId }, { as: 'megan' });
      expect(res.status).toBe(200);
      // The device card stays; the confirmation comes as a new card.
      expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
      expect(res.replies).toHaveLength(1);
      const card = cardOf(res.replies[0]);
      expect(validateCard(card)).toEqual([]);
      const text = cardText(card);
      expect(text).toContain('user profile');
      expect(text).toContain("can't be undone");
      const requestId = requestIdIn((await confirm(confirmationIdIn(card))).body.value);
      await advance(9_000, 3);
      await closing(requestId);
      expect(google().readDevice(d.deviceId)?.recentUsers ?? []).toEqual([]);
    });

    it('"erase" names no erase of its own: both choices are offered and nothing is asked of Google', async () => {
      const d = take();
      const before = issued();
      const { replies } = await h.send(`erase ${d.serialNumber}`, { as: 'megan' });
      expect(replies).toHaveLength(1);
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain('Which erase do you mean?');
      expect(text).not.toContain('Confirm');
      expect(issued()).toBe(before);
    });

    it('several serials in a one-device command: nothing is asked of Google, and the bulk command is offered', async () => {
      const [a, b] = [take(), take()];
      const before = issued();
      const { replies } = await h.send(`wipe ${a.serialNumber}, ${b.serialNumber}`, { as: 'megan' });
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain('One device at a time');
      expect(text).toContain(`bulk wipe ${a.serialNumber} ${b.serialNumber}`);
      expect(issued()).toBe(before);
    });

    it.each([
      ['yes', 'Confirm on the card'],
      ['Confirm.', 'Confirm on the card'],
      ['go ahead', 'Confirm on the card'],
      ['no', 'Nothing is done yet'],
      ['cancel', 'Nothing is done yet'],
    ])(
      '"%s" on its own answers no request: it says how to confirm or cancel, and nothing runs',
      async (word, title) => {
        const d = take();
        const { id } = await ask(`wipe ${d.serialNumber}`);
        const before = issued();
        const { replies } = await h.send(word, { as: 'megan' });
        expect(cardText(cardOf(replies[0]))).toContain(title);
        expect(issued()).toBe(before);
        // The request still waits for its own confirmation.
        const confirmed = await confirm(id);
        expect(cardText(confirmed.body.value)).not.toContain('expired');
      },
    );

    it('"restart <serial> now" and "lost mode <serial> off" are read as people type them', async () => {
      const d = take();
      const restart = cardText((await ask(`restart ${d.serialNumber} now`)).card);
      expect(restart).toContain(`Restart: ${d.serialNumber}?`);
      const off = cardText(cardOf((await h.send(`lost mode ${d.serialNumber} off`, { as: 'megan' })).replies[0]));
      expect(off).not.toContain('No device found');
      expect(off).toContain(d.serialNumber);
    });

    it('factory reset: warns about re-enrolment', async () => {
      const d = take();
      const { card } = await ask(`factory reset ${d.serialNumber}`);
      expect(cardText(card)).toContain('re-enrols');
      const { end } = await runCommand(`factory reset ${d.serialNumber}`);
      expect(end.body.text).toContain('done');
    });
  });

  describe('deprovision', () => {
    it('asks for the reason on the card and refuses to go on without one', async () => {
      const d = take();
      const { card, id } = await ask(`deprovision ${d.serialNumber}`);
      const choices = JSON.stringify(card);
      expect(choices).toContain('Input.ChoiceSet');
      for (const r of ['SAME_MODEL_REPLACEMENT', 'DIFFERENT_MODEL_REPLACEMENT', 'RETIRING_DEVICE', 'UPGRADE_TRANSFER'])
        expect(choices).toContain(r);
      expect(cardText(card)).toContain("can't re-enrol until it is factory reset");
      const before = statusChanges();
      const noReason = await confirm(id);
      expect(noReason.body.type).toBe('application/vnd.microsoft.activity.message');
      expect(statusChanges()).toBe(before);
      // The card was not used up by the attempt.
      const res = await confirm(id, 'megan', { reason: 'RETIRING_DEVICE' });
      await closing(requestIdIn(res.body.value));
      expect(google().readDevice(d.deviceId)).toMatchObject({
        status: 'DEPROVISIONED',
        deprovisionReason: 'DEPROVISION_REASON_RETIRING_DEVICE',
      });
    });

    it('takes the reason from text', async () => {
      const d = take();
      const { card, id } = await ask(`deprovision ${d.serialNumber} reason same-model`);
      expect(cardText(card)).toContain('Same-model replacement');
      await closing(requestIdIn((await confirm(id)).body.value));
      expect(google().readDevice(d.deviceId)).toMatchObject({
        status: 'DEPROVISIONED',
        deprovisionReason: 'DEPROVISION_REASON_SAME_MODEL_REPLACEMENT',
      });
    });

    it('rejects a reason that is not one of the four', async () => {
      const { replies } = await h.send(`deprovision ${take().serialNumber} reason broken`, { as: 'megan' });
      expect(cardText(cardOf(replies[0]))).toContain('not a deprovision reason');
    });
  });

  describe('refusals', () => {
    it('without the permission: refused and audited, nothing sent', async () => {
      const d = take();
      const before = statusChanges();
      const { replies } = await h.send(`lost mode on ${d.serialNumber}`, { as: 'patti' });
      expect(replies).toHaveLength(1);
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain('I could not do that');
      expect(text).not.toContain('confirm');
      expect(statusChanges()).toBe(before);
      const audit = await h.send(`audit ${d.serialNumber}`, { as: 'alex' });
      expect(cardText(cardOf(audit.replies[0]))).toContain('Access** denied');
    });

    it('outside the requester’s scope: refused', async () => {
      const d = take();
      const { replies } = await h.send(`wipe ${d.serialNumber}`, { as: 'isaiah' });
      const text = cardText(cardOf(replies[0]));
      expect(text).not.toContain('Only you can confirm');
      expect(JSON.stringify(cardOf(replies[0]))).not.toContain('action.confirm');
    });

    it('an action that does not fit the device state: refused with the reason', async () => {
      const d = take();
      const { replies } = await h.send(`lost mode off ${d.serialNumber}`, { as: 'megan' });
      expect(cardText(cardOf(replies[0]))).toContain('Lost mode is not on');
      const old = fleet.find((x) => x.status === 'ACTIVE' && milestoneOf(x.osVersion) < 113 && !x.behaviour.kiosk);
      if (old) {
        const r = await h.send(`restart ${old.serialNumber}`, { as: 'alex' });
        expect(cardText(cardOf(r.replies[0]))).toContain('113');
      }
    });

    it('a target matching several devices: lists them and never acts', async () => {
      const counts = new Map<string, number>();
      for (const x of fleet) counts.set(x.serialNumber.slice(0, 4), (counts.get(x.serialNumber.slice(0, 4)) ?? 0) + 1);
      const prefix = [...counts.entries()].find(([, n]) => n >= 2 && n <= 10)?.[0];
      expect(prefix).toBeDefined();
      const before = issued();
      const { replies } = await h.send(`wipe ${prefix}`, { as: 'alex' });
      const card = cardOf(replies[0]);
      expect(cardText(card)).toContain('which one?');
      expect(JSON.stringify(card)).not.toContain('confirmationId');
      expect(issued()).toBe(before);
    });

    it('a device named by its user rather than its serial: shown, not acted on', async () => {
      const before = statusChanges();
      const { replies } = await h.send(`lost mode on ${PEOPLE.alex.email}`, { as: 'megan' });
      const card = cardOf(replies[0]);
      expect(cardText(card)).toMatch(/Is this the device you mean|which one\?/);
      expect(JSON.stringify(card)).not.toContain('confirmationId');
      expect(statusChanges()).toBe(before);
    });

    it('no device found: says so', async () => {
      const { replies } = await h.send('wipe ZZZZ-NOPE-0000', { as: 'megan' });
      expect(cardText(cardOf(replies[0]))).toContain('No device found');
    });

    it('an expired confirmation: refused, nothing sent', async () => {
      const d = take();
      const { id } = await ask(`lost mode on ${d.serialNumber}`);
      clock.advance(5 * 60_000 + 1_000);
      const before = statusChanges();
      const res = await confirm(id);
      expect(cardText(res.body.value)).toContain('expired');
      expect(statusChanges()).toBe(before);
      expect(google().readDevice(d.deviceId)?.status).toBe('ACTIVE');
    });

    it('the device card an action was started from shows the device as it is once the action ends', async () => {
      const d = take();
      const opened = await h.send(`find ${d.serialNumber}`, { as: 'megan' });
      const deviceCall = opened.replies[0];
      expect(cardText(cardOf(deviceCall))).toContain('Active');
      const asked = await h.invoke(
        'action.request',
        { action: 'lostMode.on', deviceId: d.deviceId },
        { as: 'megan', replyToId: deviceCall.id },
      );
      const id = confirmationIdIn(asked.replies.map(cardOf));
      const requestId = requestIdIn((await confirm(id)).body.value);
      await closing(requestId);
      const updated = await h.connector.waitFor((c) => c.method === 'PUT' && c.activityId === deviceCall.id);
      const text = cardText(cardOf(updated));
      expect(text).toContain(d.serialNumber);
      expect(text).toMatch(/Lost mode/);
      expect(text).not.toMatch(/Status\s*\n?\s*Active/);
    });

    it('an unused confirmation turns into "expired" by itself for everyone, and a late look says so too', async () => {
      const d = take();
      const { id, call } = await ask(`lost mode on ${d.serialNumber}`);
      clock.advance(5 * 60_000 + 1_000);
      const turned = await h.connector.waitFor(
        (c) => c.method === 'PUT' && c.activityId === call.id && cardText(cardOf(c)).includes('Confirmation expired'),
      );
      expect(cardText(cardOf(turned))).toContain(`Nothing was sent to ${d.serialNumber}`);
      expect(JSON.stringify(cardOf(turned))).not.toContain('action.confirm');
      const late = await h.invoke('action.view', { confirmationId: id }, { as: 'megan' });
      expect(cardText(late.body.value)).toMatch(/expired|No longer waiting/);
      expect((await confirm(id)).body.value).toBeDefined();
      expect(google().readDevice(d.deviceId)?.status).toBe('ACTIVE');
      const { replies } = await h.send(`audit ${d.serialNumber}`, { as: 'alex' });
      expect(cardText(cardOf(replies[0]))).toContain('Lost mode** cancelled');
    });

    it('a reused confirmation: the second confirm sends nothing', async () => {
      const d = take();
      const { id } = await ask(`lost mode on ${d.serialNumber}`);
      const first = await confirm(id);
      const before = statusChanges();
      const again = await confirm(id);
      expect(cardText(again.body.value)).toContain('Already handled');
      expect(statusChanges()).toBe(before);
      await closing(requestIdIn(first.body.value));
    });

    it('someone else confirming or cancelling: read-only for them, still usable by the requester', async () => {
      const d = take();
      const { id } = await ask(`lost mode on ${d.serialNumber}`, 'megan');
      const other = await confirm(id, 'alex');
      expect(JSON.stringify(other.body.value)).not.toContain('action.confirm');
      expect(cardText(other.body.value)).toContain('Waiting for Megan Bowen');
      const cancel = await h.invoke('action.cancel', { confirmationId: id }, { as: 'lynne' });
      expect(JSON.stringify(cancel.body.value)).not.toContain('action.confirm');
      expect(google().readDevice(d.deviceId)?.status).toBe('ACTIVE');
      // The requester's own view has the buttons; others' does not.
      const mine = await h.invoke('action.view', { confirmationId: id }, { as: 'megan' });
      expect(JSON.stringify(mine.body.value)).toContain('action.confirm');
      const theirs = await h.invoke('action.view', { confirmationId: id }, { as: 'alex' });
      expect(JSON.stringify(theirs.body.value)).not.toContain('action.confirm');
      await closing(requestIdIn((await confirm(id, 'megan')).body.value));
      expect(google().readDevice(d.deviceId)?.status).toBe('DISABLED');
    });

    it('the device changed between request and confirm: checked again, nothing sent', async () => {
      const d = take();
      const early = await ask(`lost mode on ${d.serialNumber}`);
      const late = await ask(`lost mode on ${d.serialNumber}`, 'lynne');
      await closing(requestIdIn((await confirm(early.id)).body.value));
      const before = statusChanges();
      const res = await confirm(late.id, 'lynne');
      expect(cardText(res.body.value)).toContain('Lost mode is already on');
      expect(cardText(res.body.value)).toContain('Nothing was sent');
      expect(statusChanges()).toBe(before);
    });

    it('cancel: nothing is sent and the confirmation is used up', async () => {
      const d = take();
      const { id } = await ask(`wipe ${d.serialNumber}`);
      const before = issued();
      const res = await h.invoke('action.cancel', { confirmationId: id }, { as: 'megan' });
      expect(cardText(res.body.value)).toContain('cancelled');
      const later = await confirm(id);
      expect(cardText(later.body.value)).toContain('Already handled');
      expect(issued()).toBe(before);
    });

    it('two concurrent confirms of the same card: one command', async () => {
      const d = take();
      const { id } = await ask(`wipe ${d.serialNumber}`);
      const before = issued();
      const [a, b] = await Promise.all([confirm(id), confirm(id)]);
      expect(issued()).toBe(before + 1);
      const texts = [cardText(a.body.value), cardText(b.body.value)];
      expect(texts.filter((t) => t.includes('Already handled'))).toHaveLength(1);
      expect(texts.filter((t) => /Request DD-/.test(t))).toHaveLength(1);
      const requestId = requestIdIn([a, b].find((x) => /Request DD-/.test(cardText(x.body.value)))!.body.value);
      await advance(9_000, 3);
      await closing(requestId);
    });
  });

  describe('Google errors', () => {
    it('a passing outage is retried and the action goes through', async () => {
      const d = take();
      const { id } = await ask(`lost mode on ${d.serialNumber}`);
      google().forceErrors(1, 'backendError');
      await closing(requestIdIn((await confirm(id)).body.value));
      expect(google().readDevice(d.deviceId)?.status).toBe('DISABLED');
    });

    it('a quota storm: the request fails with Google’s reason and the requester is told', async () => {
      const d = take();
      const { id, call } = await ask(`lost mode on ${d.serialNumber}`);
      // The fresh read falls back to the inventory after 3 tries; the change itself gets the other 3.
      google().forceErrors(6, 'quotaExceeded');
      const res = await confirm(id);
      const requestId = requestIdIn(res.body.value);
      expect(cardText(res.body.value)).toContain('Failed');
      expect(cardText(res.body.value)).toContain('limiting');
      const end = await closing(requestId);
      expect(end.body.text).toContain('failed');
      expect(google().readDevice(d.deviceId)?.status).toBe('ACTIVE');
      expect(statesOf(call.id)).toContain('Failed');
    });

    it('an offline device: the command expires and the request says so', async () => {
      const d = take();
      google().setBehaviour(d.deviceId, { connectivity: 'offline' });
      const { id } = await ask(`wipe ${d.serialNumber}`);
      const requestId = requestIdIn((await confirm(id)).body.value);
      await advance(86_400_000, 2);
      const mid = await h.send(`status ${requestId}`, { as: 'megan' });
      expect(cardText(cardOf(mid.replies[0]))).toContain('Pending');
      await advance(2 * 86_400_000 + 60_000, 2);
      const end = await closing(requestId);
      expect(end.body.text).toContain('expired');
      const after = await h.send(`status ${requestId}`, { as: 'megan' });
      expect(cardText(cardOf(after.replies[0]))).toContain('Expired');
    });
  });

  describe('status and my actions', () => {
    it('lists the requester’s recent requests, newest first', async () => {
      const { replies } = await h.send('my actions', { as: 'megan' });
      const text = cardText(cardOf(replies[0]));
      expect(text).toMatch(/DD-[A-Z0-9]{6}/);
      expect(text).toContain('Done');
      const none = await h.send('my actions', { as: 'adele' });
      expect(cardText(cardOf(none.replies[0]))).toContain('not run any action');
    });

    it('"status" without an id lists the same recent requests', async () => {
      const listed = cardText(cardOf((await h.send('my actions', { as: 'megan' })).replies[0]));
      for (const text of ['status', 'Status?', 'my status']) {
        const { replies } = await h.send(text, { as: 'megan' });
        expect(cardText(cardOf(replies[0]))).toBe(listed);
      }
    });

    it('status of someone else’s request is hidden from end users', async () => {
      const { replies } = await h.send('my actions', { as: 'megan' });
      const requestId = /DD-[A-Z0-9]{6}/.exec(cardText(cardOf(replies[0])))![0];
      const mine = await h.send(`status ${requestId}`, { as: 'megan' });
      expect(cardText(cardOf(mine.replies[0]))).toContain(requestId);
      const adele = await h.send(`status ${requestId}`, { as: 'adele' });
      expect(cardText(cardOf(adele.replies[0]))).toContain('No request');
    });

    it('a reader scoped to the North schools sees neither the audit nor the status of a South device’s request', async () => {
      const south = pool.splice(
        pool.findIndex((d) => d.orgUnitPath.startsWith('/Schools/South')),
        1,
      )[0];
      google().setBehaviour(south.deviceId, { connectivity: 'online' });
      const { id } = await ask(`lost mode on ${south.serialNumber}`);
      const requestId = requestIdIn((await confirm(id)).body.value);
      await closing(requestId);
      const read = async (text: string, as: PersonKey) => cardText(cardOf((await h.send(text, { as })).replies[0]));

      // Isaiah holds Audit/Read only for /Schools/North.
      expect(await read(`status ${requestId}`, 'isaiah')).toContain('No request');
      const bySerial = await read(`audit ${south.serialNumber}`, 'isaiah');
      expect(bySerial).not.toContain('lostMode.on');
      const byPerson = await read('audit meganb@example.com', 'isaiah');
      expect(byPerson).not.toContain(south.serialNumber);
      expect(await read('audit', 'isaiah')).not.toContain(south.serialNumber);
      // The tenant-wide auditor sees all of it.
      expect(await read(`status ${requestId}`, 'patti')).toContain(requestId);
      expect(await read(`audit ${south.serialNumber}`, 'patti')).toContain('Lost mode** succeeded');
      expect(await read('audit meganb@example.com', 'patti')).toContain(south.serialNumber);
    });

    it('every step is in the audit trail', async () => {
      const d = take();
      const { id } = await ask(`lost mode on ${d.serialNumber}`);
      await closing(requestIdIn((await confirm(id)).body.value));
      const { replies } = await h.send(`audit ${d.serialNumber}`, { as: 'alex' });
      const text = cardText(cardOf(replies[0]));
      expect(text).toContain('Lost mode** requested');
      expect(text).toContain('Lost mode** confirmed');
      expect(text).toContain('Lost mode** succeeded');
    });
  });
});

describe('remote actions in a channel, and without confirmation for non-destructive ones', () => {
  let h: Harness;
  const clock = new ManualClock(START);
  const devices = fleet.filter(usable).slice(-4);

  beforeAll(async () => {
    h = await startHarness({}, undefined, {
      start: { clock, actions: { tracking: TRACKING, skipConfirmation: true } },
    });
    for (const d of devices) h.bot.sandbox!.google.setBehaviour(d.deviceId, { connectivity: 'online' });
  });
  afterAll(async () => {
    await h.stop();
  });

  const closing = (requestId: string) =>
    h.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
    );

  it('runs lost mode at once when configured so, with a status card and a closing message', async () => {
    const d = devices[0];
    const { replies } = await h.send(`lost mode on ${d.serialNumber}`, { as: 'megan' });
    expect(JSON.stringify(replies.map(cardOf))).not.toContain('action.confirm');
    const update = await h.connector.waitFor((c) => c.method === 'PUT' && /Request DD-/.test(cardText(cardOf(c))));
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(cardText(cardOf(update)))![1];
    await closing(requestId);
    expect(h.bot.sandbox!.google.readDevice(d.deviceId)?.status).toBe('DISABLED');
  });

  it('still asks before a destructive action; in a channel only the requester’s view has the buttons', async () => {
    const d = devices[1];
    const options = {
      as: 'megan' as const,
      conversationId: '19:helpdesk@thread.tacv2',
      conversationType: 'channel' as const,
    };
    const { replies } = await h.send(`wipe ${d.serialNumber}`, options);
    const card = cardOf(replies[0]);
    expect(validateCard(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('action.confirm');
    expect(card.refresh.userIds).toEqual([PEOPLE.megan.teamsId]);
    const id = confirmationIdIn(card);
    const mine = await h.invoke('action.view', { confirmationId: id }, options);
    expect(JSON.stringify(mine.body.value)).toContain('action.confirm');
    const res = await h.invoke('action.confirm', { confirmationId: id }, options);
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(cardText(res.body.value))![1];
    // Everyone in the channel sees the status card in place of the confirmation.
    const put = await h.connector.waitFor((c) => c.method === 'PUT' && c.activityId === replies[0].id);
    expect(cardText(cardOf(put))).toContain(requestId);
    clock.advance(10_000);
    const end = await closing(requestId);
    expect(end.conversationId).toBe('19:helpdesk@thread.tacv2');
    expect(end.body.entities[0].mentioned.id).toBe(PEOPLE.megan.teamsId);
  });

  it('where a client shows no buttons, the requester types confirm CF-…; nobody else can, and cancel works too', async () => {
    const options = {
      as: 'megan' as const,
      conversationId: '19:helpdesk@thread.tacv2',
      conversationType: 'channel' as const,
    };
    const [wiped, kept] = [devices[2], devices[3]];
    const first = cardOf((await h.send(`wipe ${wiped.serialNumber}`, options)).replies[0]);
    const id = confirmationIdIn(first);
    expect(id).toMatch(/^CF-[A-Z0-9]{10}$/);
    expect(cardText(first)).toContain(`type \`confirm ${id}\` or \`cancel ${id}\``);

    // Lynne can read the card but not confirm it for Megan.
    const stranger = await h.send(`confirm ${id}`, { ...options, as: 'lynne' });
    expect(cardText(cardOf(stranger.replies[0]))).toContain('Waiting for Megan Bowen to confirm');
    const before = h.bot.sandbox!.google.stats().byMethod['customer.devices.chromeos.issueCommand'] ?? 0;

    const typed = await h.send(`confirm ${id.toLowerCase()}`, options);
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(cardText(cardOf(typed.replies[0])))![1];
    expect(h.bot.sandbox!.google.stats().byMethod['customer.devices.chromeos.issueCommand']).toBe(before + 1);
    clock.advance(10_000);
    await closing(requestId);
    const again = await h.send(`confirm ${id}`, options);
    expect(cardText(cardOf(again.replies[0]))).toMatch(/already/i);

    const second = confirmationIdIn(cardOf((await h.send(`wipe ${kept.serialNumber}`, options)).replies[0]));
    const cancelled = await h.send(`cancel ${second}`, options);
    expect(cardText(cardOf(cancelled.replies[0]))).toContain('Megan Bowen cancelled it');
    expect(h.bot.sandbox!.google.stats().byMethod['customer.devices.chromeos.issueCommand']).toBe(before + 1);
  });
});
