import type { LostReport, LostReportStore } from '../../src/lost';
import { REPORT_ID } from '../../src/lost';

let n = 0;
export function sampleReport(id: string, over: Partial<LostReport> = {}): LostReport {
  n++;
  return {
    id,
    tenantId: 't1',
    device: {
      id: `dev-${n}`,
      source: 'chrome',
      serialNumber: `5CD${n}`,
      users: ['adelev@example.com'],
      orgUnitPath: '/Staff/Office',
      status: 'ACTIVE',
    },
    reporter: { teamsId: 'user-id-2', name: 'Adele Vance', upn: 'adelev@example.com' },
    kind: 'lost',
    state: 'open',
    actions: [],
    alsoReportedBy: [],
    createdAt: 1_000 + n,
    updatedAt: 1_000 + n,
    version: 1,
    history: [{ at: 1_000 + n, text: 'Reported lost by Adele Vance' }],
    ...over,
  };
}

/** The behaviour every LostReportStore must have, memory or Redis. */
export function lostReportStoreContract(name: string, make: () => Promise<LostReportStore>): void {
  describe(`LostReportStore contract: ${name}`, () => {
    it('gives readable, unique ids', async () => {
      const store = await make();
      const ids = await Promise.all(Array.from({ length: 20 }, () => store.newId()));
      for (const id of ids) expect(id).toMatch(REPORT_ID);
      expect(new Set(ids).size).toBe(ids.length);
      // A reserved id is not a report yet.
      expect(await store.get(ids[0])).toBeUndefined();
    });

    it('creates, reads back a copy, and finds the open report of a device', async () => {
      const store = await make();
      const r = sampleReport(await store.newId());
      expect(await store.create(r)).toEqual({ created: true });
      const got = await store.get(r.id.toLowerCase());
      expect(got).toEqual(r);
      got!.state = 'resolved';
      expect((await store.get(r.id))!.state).toBe('open');
      expect((await store.openForDevice('t1', r.device.id))?.id).toBe(r.id);
      expect(await store.openForDevice('t2', r.device.id)).toBeUndefined();
    });

    it('refuses a second unresolved report of the same device and returns the first', async () => {
      const store = await make();
      const first = sampleReport(await store.newId());
      await store.create(first);
      const second = sampleReport(await store.newId(), { device: first.device, reporter: { teamsId: 'x', name: 'X' } });
      const result = await store.create(second);
      expect(result.created).toBe(false);
      if (!result.created) expect(result.existing.id).toBe(first.id);
      expect(await store.get(second.id)).toBeUndefined();
    });

    it('only one of two concurrent reports of a device is created', async () => {
      const store = await make();
      const a = sampleReport(await store.newId());
      const b = sampleReport(await store.newId(), { device: a.device });
      const results = await Promise.all([store.create(a), store.create(b)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('replaces only the version it read, and bumps it', async () => {
      const store = await make();
      const r = sampleReport(await store.newId());
      await store.create(r);
      const one = (await store.get(r.id))!;
      const two = (await store.get(r.id))!;
      one.state = 'acknowledged';
      two.state = 'resolved';
      expect(await store.replace(one)).toBe(true);
      expect(await store.replace(two)).toBe(false);
      const now = (await store.get(r.id))!;
      expect(now.state).toBe('acknowledged');
      expect(now.version).toBe(2);
      expect(await store.replace({ ...r, id: 'LR-ZZZZ' })).toBe(false);
    });

    it('a resolved report frees its device and leaves the unresolved lists', async () => {
      const store = await make();
      const r = sampleReport(await store.newId());
      const other = sampleReport(await store.newId());
      await store.create(r);
      await store.create(other);
      expect((await store.listUnresolved('t1', 10)).map((x) => x.id)).toEqual(expect.arrayContaining([r.id, other.id]));
      const got = (await store.get(r.id))!;
      got.state = 'resolved';
      got.resolution = 'found';
      expect(await store.replace(got)).toBe(true);
      expect(await store.openForDevice('t1', r.device.id)).toBeUndefined();
      expect((await store.listUnresolved('t1', 10)).map((x) => x.id)).toEqual([other.id]);
      expect((await store.listAllUnresolved()).map((x) => x.id)).toEqual([other.id]);
      // The device can be reported again.
      const again = sampleReport(await store.newId(), { device: r.device });
      expect(await store.create(again)).toEqual({ created: true });
      expect((await store.get(r.id))!.state).toBe('resolved');
    });

    it('lists unresolved reports oldest first, per tenant, up to the limit', async () => {
      const store = await make();
      const a = sampleReport(await store.newId(), { createdAt: 10 });
      const b = sampleReport(await store.newId(), { createdAt: 5 });
      const c = sampleReport(await store.newId(), { createdAt: 7, tenantId: 't2' });
      for (const r of [a, b, c]) await store.create(r);
      expect((await store.listUnresolved('t1', 10)).map((x) => x.id)).toEqual([b.id, a.id]);
      expect((await store.listUnresolved('t1', 1)).map((x) => x.id)).toEqual([b.id]);
      expect((await store.listUnresolved('t2', 10)).map((x) => x.id)).toEqual([c.id]);
      expect((await store.listAllUnresolved()).map((x) => x.id)).toEqual([b.id, c.id, a.id]);
    });
  });
}
