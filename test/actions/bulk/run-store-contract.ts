import type { BulkRunStore } from '../../../src/actions/bulk';
import { queuedRun } from './runner-fixtures';

/** What every BulkRunStore must do, memory or Redis. */
export function bulkRunStoreContract(
  name: string,
  make: () => Promise<{ store: BulkRunStore; now: { t: number } }>,
): void {
  describe(`${name} bulk run store`, () => {
    it('creates runs with unique ids, and keeps targets and per-device progress', async () => {
      const { store } = await make();
      const a = await store.newId();
      const b = await store.newId();
      expect(a).toMatch(/^BR-[A-Z0-9]{6}$/);
      expect(a).not.toBe(b);
      const targets = [{ deviceId: 'd1', serialNumber: 'S1', input: 's1', context: { orgUnitPath: '/A', users: [] } }];
      await store.create({ ...queuedRun(a, 'lostMode.on', 1), state: 'preview' }, targets);
      expect((await store.get(a))?.state).toBe('preview');
      expect(await store.targets(a)).toEqual(targets);
      expect(await store.active()).not.toContain(a);
      await store.record(a, [{ deviceId: 'd1', state: 'inflight', at: 1 }]);
      await store.record(a, [{ deviceId: 'd1', state: 'done', commandId: 'c1', at: 2 }]);
      expect([...(await store.items(a)).values()]).toEqual([{ deviceId: 'd1', state: 'done', commandId: 'c1', at: 2 }]);
      expect(await store.get('BR-NOPE00')).toBeUndefined();
    });

    it('changes state only when the expected state still holds: of two racing starts, one wins', async () => {
      const { store } = await make();
      const id = await store.newId();
      await store.create({ ...queuedRun(id, 'wipeUsers', 1), state: 'preview' }, []);
      const start = () => store.update(id, (r) => (r.state === 'preview' ? { ...r, state: 'queued' } : undefined));
      const results = await Promise.all([start(), start(), start()]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.active()).toContain(id);
      await store.update(id, (r) => ({ ...r, state: 'completed' }));
      expect(await store.active()).not.toContain(id);
    });

    it('leases a run to one worker at a time', async () => {
      const { store, now } = await make();
      const id = await store.newId();
      await store.create(queuedRun(id, 'reboot', 0), []);
      expect(await store.claim(id, 'w1', 10_000)).toBe(true);
      expect(await store.claim(id, 'w2', 10_000)).toBe(false);
      expect(await store.renew(id, 'w1', 10_000)).toBe(true);
      expect(await store.renew(id, 'w2', 10_000)).toBe(false);
      await store.release(id, 'w2');
      expect(await store.claim(id, 'w2', 10_000)).toBe(false);
      await store.release(id, 'w1');
      expect(await store.claim(id, 'w2', 50)).toBe(true);
      // An expired lease is free for the next worker.
      now.t += 100;
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.claim(id, 'w3', 10_000)).toBe(true);
    });
  });
}
