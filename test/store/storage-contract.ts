import type { Storage, StoreItems } from 'botbuilder';

/**
 * Behaviour every state Storage must share with botbuilder's MemoryStorage, so teams-ai's
 * optimistic concurrency works the same in the sandbox and in production.
 */
export function storageContract(name: string, make: () => Promise<Storage> | Storage): void {
  describe(`${name} storage contract`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await make();
    });

    const conflictMessage = (key: string) => `Storage: error writing "${key}" due to eTag conflict.`;

    it('reads nothing for missing keys', async () => {
      expect(await storage.read(['missing-1', 'missing-2'])).toEqual({});
      expect(await storage.read([])).toEqual({});
    });

    it('round-trips written items with an eTag', async () => {
      await storage.write({ a: { count: 1, nested: { list: [1, 'two', null] } } });
      const items = await storage.read(['a', 'absent']);
      expect(Object.keys(items)).toEqual(['a']);
      expect(items.a).toMatchObject({ count: 1, nested: { list: [1, 'two', null] } });
      expect(typeof items.a.eTag).toBe('string');
      expect(items.a.eTag.length).toBeGreaterThan(0);
    });

    it('does not change the object passed to write', async () => {
      const item = { v: 1 };
      await storage.write({ k: item });
      expect(item).toEqual({ v: 1 });
    });

    it('assigns a new eTag on every write', async () => {
      await storage.write({ a: { v: 1 } });
      const first = (await storage.read(['a'])).a;
      await storage.write({ a: { ...first, v: 2 } });
      const second = (await storage.read(['a'])).a;
      expect(second.v).toBe(2);
      expect(second.eTag).not.toBe(first.eTag);
      await storage.write({ a: { v: 3 } });
      const third = (await storage.read(['a'])).a;
      expect(new Set([first.eTag, second.eTag, third.eTag]).size).toBe(3);
    });

    it('rejects a stale eTag with the conflict error and keeps the stored item', async () => {
      await storage.write({ a: { v: 1 } });
      const stale = (await storage.read(['a'])).a;
      await storage.write({ a: { ...stale, v: 2 } });
      await expect(storage.write({ a: { ...stale, v: 3 } })).rejects.toThrow(conflictMessage('a'));
      expect((await storage.read(['a'])).a.v).toBe(2);
    });

    it("overwrites with eTag '*' or no eTag", async () => {
      await storage.write({ a: { v: 1 } });
      await storage.write({ a: { v: 2 } }); // bumps the eTag
      await storage.write({ a: { v: 3, eTag: '*' } });
      expect((await storage.read(['a'])).a.v).toBe(3);
      await storage.write({ a: { v: 4, eTag: '' } });
      expect((await storage.read(['a'])).a.v).toBe(4);
    });

    it('creates an item written with an eTag when the key does not exist yet', async () => {
      await storage.write({ fresh: { v: 1, eTag: 'whatever' } });
      const item = (await storage.read(['fresh'])).fresh;
      expect(item.v).toBe(1);
      expect(item.eTag).not.toBe('whatever');
    });

    it('writes the other keys of a batch when one conflicts', async () => {
      await storage.write({ a: { v: 1 } });
      const stale = (await storage.read(['a'])).a;
      await storage.write({ a: { v: 2 } });
      await expect(storage.write({ a: { ...stale, v: 9 }, b: { v: 1 } })).rejects.toThrow(conflictMessage('a'));
      const items = await storage.read(['a', 'b']);
      expect(items.a.v).toBe(2);
      expect(items.b.v).toBe(1);
    });

    it('lets exactly one of many parallel writers win a compare-and-set', async () => {
      await storage.write({ counter: { n: 0 } });
      const base = (await storage.read(['counter'])).counter;
      const writers = 12;
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, i) => storage.write({ counter: { ...base, n: i + 1 } })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(writers - 1);
      for (const r of lost) expect((r.reason as Error).message).toBe(conflictMessage('counter'));
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await storage.read(['counter'])).counter.n).toBe(winner + 1);
    });

    it('deletes items, and deleting a missing key is harmless', async () => {
      await storage.write({ a: { v: 1 }, b: { v: 2 } });
      await storage.delete(['a', 'never-there']);
      const items = await storage.read(['a', 'b']);
      expect(items.a).toBeUndefined();
      expect(items.b.v).toBe(2);
      // A deleted key behaves like a new one: any eTag writes.
      await storage.write({ a: { v: 3, eTag: 'old' } });
      expect((await storage.read(['a'])).a.v).toBe(3);
    });

    it('handles many keys in one batch', async () => {
      const changes: StoreItems = {};
      for (let i = 0; i < 200; i++) changes[`key-${i}`] = { i, text: `value ${i}` };
      await storage.write(changes);
      const keys = Object.keys(changes);
      const items = await storage.read(keys);
      expect(Object.keys(items)).toHaveLength(200);
      for (let i = 0; i < 200; i++) expect(items[`key-${i}`]).toMatchObject({ i, text: `value ${i}` });
      const etags = new Set(keys.map((k) => items[k].eTag));
      expect(etags.size).toBe(200);
      await storage.delete(keys.slice(0, 100));
      expect(Object.keys(await storage.read(keys))).toHaveLength(100);
    });
  });
}
