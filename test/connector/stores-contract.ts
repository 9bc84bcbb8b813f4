import type {
  DeleteConfirmationStore,
  Connection,
  ConnectionStore,
  DeleteConfirmation,
  SyncLock,
} from '../../src/connector';

export interface ConnectorStoresUnderTest {
  store: ConnectionStore;
  lock: SyncLock;
  confirmations: DeleteConfirmationStore;
}

let n = 0;
const tenant = () => `tenant-${++n}-${Math.random().toString(36).slice(2, 8)}`;

function connection(tenantId: string, extra: Partial<Connection> = {}): Connection {
  return {
    tenantId,
    connectedAccount: 'admin@school.example',
    connectedBy: 'alexw@example.com',
    connectedAt: '2026-01-05T09:00:00.000Z',
    state: 'Syncing',
    devicesSynced: 0,
    generation: 0,
    syncStartedAt: '2026-01-05T09:00:00.000Z',
    ...extra,
  };
}

/** One contract for the memory and Redis implementations of the connector's stores. */
export function connectorStoresContract(make: () => Promise<ConnectorStoresUnderTest>): void {
  let s: ConnectorStoresUnderTest;
  beforeAll(async () => {
    s = await make();
  });

  describe('ConnectionStore', () => {
    it('keeps one connection per tenant and lists the tenants', async () => {
      const a = tenant();
      const b = tenant();
      expect(await s.store.get(a)).toBeUndefined();
      await s.store.put(connection(a));
      await s.store.put(connection(a, { connectedBy: 'meganb@example.com' }));
      await s.store.put(connection(b));
      expect((await s.store.get(a))?.connectedBy).toBe('meganb@example.com');
      expect(await s.store.tenants()).toEqual(expect.arrayContaining([a, b]));
    });

    it('merges updates, removes keys set to undefined and keeps nested objects', async () => {
      const a = tenant();
      await s.store.put(connection(a, { error: 'old reason' }));
      const lastFullSync = {
        startedAt: '2026-01-05T09:00:00.000Z',
        finishedAt: '2026-01-05T09:01:00.000Z',
        devices: 1234,
        removed: 2,
        durationMs: 60000,
      };
      const updated = await s.store.update(a, {
        state: 'Active',
        error: undefined,
        syncStartedAt: undefined,
        devicesSynced: 1234,
        generation: 7,
        lastFullSync,
      });
      expect(updated).toEqual({
        ...connection(a),
        state: 'Active',
        devicesSynced: 1234,
        generation: 7,
        lastFullSync,
        syncStartedAt: undefined,
      });
      const read = await s.store.get(a);
      expect(read).toEqual(updated);
      expect(read).not.toHaveProperty('error');
      expect(read).not.toHaveProperty('syncStartedAt');
    });

    it('never brings back a deleted connection through an update', async () => {
      const a = tenant();
      await s.store.put(connection(a));
      expect(await s.store.delete(a)).toBe(true);
      expect(await s.store.delete(a)).toBe(false);
      expect(await s.store.update(a, { state: 'Active' })).toBeUndefined();
      expect(await s.store.get(a)).toBeUndefined();
      expect(await s.store.tenants()).not.toContain(a);
    });

    it('hands out copies: changing a read record changes nothing stored', async () => {
      const a = tenant();
      await s.store.put(connection(a));
      const read = (await s.store.get(a))!;
      read.state = 'Error';
      expect((await s.store.get(a))?.state).toBe('Syncing');
    });
  });

  describe('SyncLock', () => {
    it('lets one holder in at a time and frees the lock on release', async () => {
      const key = `sync:${tenant()}`;
      const first = await s.lock.acquire(key, 5000);
      expect(first).toBeDefined();
      expect(await s.lock.acquire(key, 5000)).toBeUndefined();
      expect(await s.lock.acquire(`${key}-other`, 5000)).toBeDefined();
      await first!.release();
      const again = await s.lock.acquire(key, 5000);
      expect(again).toBeDefined();
      await again!.release();
    });

    it('gives the lock to exactly one of many concurrent callers', async () => {
      const key = `sync:${tenant()}`;
      const results = await Promise.all(Array.from({ length: 10 }, () => s.lock.acquire(key, 5000)));
      const holders = results.filter(Boolean);
      expect(holders).toHaveLength(1);
      await holders[0]!.release();
    });

    it('a second release by an old holder does not free a lock someone else holds', async () => {
      const key = `sync:${tenant()}`;
      const first = (await s.lock.acquire(key, 5000))!;
      await first.release();
      const second = (await s.lock.acquire(key, 5000))!;
      await first.release();
      expect(await s.lock.acquire(key, 5000)).toBeUndefined();
      await second.release();
    });
  });

  describe('DeleteConfirmationStore', () => {
    const confirmation = (id: string): DeleteConfirmation => ({
      id,
      tenantId: 't',
      requesterTeamsId: 'user-id-0',
      requesterName: 'Alex Wilber',
      createdAt: 1,
      expiresAt: 2,
      devices: 300,
    });

    it('stores a confirmation and lets it be used once', async () => {
      const id = `c-${tenant()}`;
      await s.confirmations.put(confirmation(id), 60_000);
      expect(await s.confirmations.get(id)).toEqual(confirmation(id));
      const uses = await Promise.all([s.confirmations.markUsed(id, 60_000), s.confirmations.markUsed(id, 60_000)]);
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await s.confirmations.markUsed(id, 60_000)).toBe(false);
    });

    it('knows nothing of an id it was never given', async () => {
      expect(await s.confirmations.get('forged-id')).toBeUndefined();
      expect(await s.confirmations.markUsed('forged-id', 60_000)).toBe(false);
    });
  });
}
