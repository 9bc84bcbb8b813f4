import { ManualClock } from '../../src/clock';
import type { ActionConfirmationStore } from '../../src/actions/action-confirmation-store';
import type { ActionRequestStore } from '../../src/actions/request-store';
import type { ActionRequest, Confirmation } from '../../src/actions/types';

const requester = { teamsId: 'user-id-1', name: 'Megan Bowen', upn: 'meganb@example.com', tenantId: 't1' };
const device = { id: 'dev-1', serialNumber: '5CD123ABC' };

export function confirmation(id: string, clock: ManualClock, overrides: Partial<Confirmation> = {}): Confirmation {
  return {
    id,
    requester,
    action: 'wipeUsers',
    device,
    params: {},
    createdAt: clock.now(),
    expiresAt: clock.now() + 300_000,
    ...overrides,
  };
}

export function actionRequest(id: string, at: number, overrides: Partial<ActionRequest> = {}): ActionRequest {
  return {
    id,
    requester,
    action: 'reboot',
    device,
    params: { delaySeconds: 30 },
    state: 'Pending',
    createdAt: at,
    updatedAt: at,
    history: [{ state: 'Pending', at }],
    pollSeq: 0,
    ...overrides,
  };
}

/** One behaviour for both confirmation stores. */
export function confirmationStoreContract(
  name: string,
  make: (clock: ManualClock) => Promise<ActionConfirmationStore>,
): void {
  describe(`${name} confirmation store`, () => {
    const clock = new ManualClock();
    let store: ActionConfirmationStore;
    beforeEach(async () => {
      store = await make(clock);
    });

    it('keeps a confirmation and gives it back as it was', async () => {
      const c = confirmation('c-keep-0001', clock, { params: { reason: 'RETIRING_DEVICE' } });
      await store.create(c);
      expect(await store.get(c.id)).toEqual(c);
      expect(await store.get('c-missing-01')).toBeUndefined();
    });

    it('is consumed once: a second consume gets nothing', async () => {
      const c = confirmation('c-once-0001', clock);
      await store.create(c);
      expect(await store.consume(c.id)).toEqual(c);
      expect(await store.consume(c.id)).toBeUndefined();
      expect(await store.get(c.id)).toBeUndefined();
    });

    it('of many concurrent consumes, exactly one wins', async () => {
      const c = confirmation('c-race-0001', clock);
      await store.create(c);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consume(c.id)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('remembers where its card went', async () => {
      const c = confirmation('c-card-0001', clock);
      await store.create(c);
      await store.attachCard(c.id, 'activity-9');
      expect((await store.get(c.id))?.cardActivityId).toBe('activity-9');
      expect((await store.consume(c.id))?.cardActivityId).toBe('activity-9');
    });
  });
}

/** One behaviour for both request stores. */
export function requestStoreContract(name: string, make: () => Promise<ActionRequestStore>): void {
  describe(`${name} action request store`, () => {
    let store: ActionRequestStore;
    beforeEach(async () => {
      store = await make();
    });

    it('gives out readable, unique ids', async () => {
      const ids = await Promise.all(Array.from({ length: 50 }, () => store.newId()));
      expect(new Set(ids).size).toBe(50);
      for (const id of ids) expect(id).toMatch(/^DD-[A-HJ-NP-Z2-9]{6}$/);
    });

    it('saves, updates and reads a request (ids are case-insensitive)', async () => {
      const id = await store.newId();
      const r = actionRequest(id, 1000);
      await store.save(r);
      expect(await store.get(id)).toEqual(r);
      expect(await store.get(id.toLowerCase())).toEqual(r);
      const later = {
        ...r,
        state: 'Sent' as const,
        commandId: '42',
        history: [...r.history, { state: 'Sent' as const, at: 2000 }],
      };
      await store.save(later);
      expect(await store.get(id)).toEqual(later);
    });

    it('an id given out but never saved reads as unknown', async () => {
      expect(await store.get(await store.newId())).toBeUndefined();
    });

    it('lists a requester’s requests newest first, up to the limit', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = await store.newId();
        ids.push(id);
        await store.save(actionRequest(id, 1000 + i));
      }
      const other = await store.newId();
      await store.save(actionRequest(other, 5000, { requester: { ...requester, teamsId: 'user-id-2' } }));
      const mine = await store.listByRequester('user-id-1', 3);
      expect(mine.map((r) => r.id)).toEqual([ids[4], ids[3], ids[2]]);
      expect((await store.listByRequester('user-id-2', 10)).map((r) => r.id)).toEqual([other]);
    });

    it("saves a poll's result once: a second copy of the same poll saves nothing", async () => {
      const id = await store.newId();
      await store.save(actionRequest(id, 1000, { pollSeq: 3 }));
      const done = actionRequest(id, 1000, { pollSeq: 4, state: 'Done' });
      const stale = actionRequest(id, 1000, { pollSeq: 4, state: 'Sent' });
      expect(await store.savePoll(done, 3)).toBe(true);
      expect(await store.savePoll(stale, 3)).toBe(false);
      expect(await store.get(id)).toEqual(done);
      expect((await store.listActive()).map((r) => r.id)).not.toContain(id);
      // The next poll's result is saved as usual, and a request never saved takes none.
      expect(await store.savePoll(actionRequest(id, 1000, { pollSeq: 5, state: 'Done' }), 4)).toBe(true);
      expect(await store.savePoll(actionRequest(await store.newId(), 1000), 0)).toBe(false);
    });

    it('of many copies of one poll saving at once, exactly one saves', async () => {
      const id = await store.newId();
      await store.save(actionRequest(id, 1000, { pollSeq: 0 }));
      const saved = await Promise.all(
        Array.from({ length: 10 }, () => store.savePoll(actionRequest(id, 1000, { pollSeq: 1 }), 0)),
      );
      expect(saved.filter(Boolean)).toHaveLength(1);
    });

    it('lists only the requests still being tracked', async () => {
      const a = await store.newId();
      const b = await store.newId();
      await store.save(actionRequest(a, 1));
      await store.save(actionRequest(b, 2));
      await store.save(actionRequest(b, 2, { state: 'Done' }));
      const active = (await store.listActive()).map((r) => r.id);
      expect(active).toContain(a);
      expect(active).not.toContain(b);
    });
  });
}
