import { ManualClock } from '../../src/clock';
import {
  AlreadyConnected,
  ConnectorService,
  createConnectorStores,
  MemoryDeleteConfirmationStore,
  MemoryConnectionStore,
  MemorySyncLock,
  SANDBOX_CLIENT_ID,
} from '../../src/connector';
import {
  createDeviceDirectory,
  DIRECTORY_SCOPES,
  GoogleDeviceDirectory,
  type DeviceDirectoryConfig,
} from '../../src/directory';
import { Inventory, MemoryInventory, RedisInventory } from '../../src/inventory';
import { generateFleet } from '../../src/sandbox/fleet';
import { FleetDevice } from '../../src/sandbox/fleet/types';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { testRedis } from '../support/redis';

/** One tenant's directory, as the connector asks for it. */
const directoryOf = (config: DeviceDirectoryConfig) => {
  const directory = createDeviceDirectory(config);
  return () => directory;
};

const NOW = Date.parse('2026-01-05T09:00:00Z');
const TENANT = 'tenant-a';

function directoryFor(em: GoogleEmulator, clock: ManualClock, token = em.accessToken): GoogleDeviceDirectory {
  return createDeviceDirectory({
    customerId: 'my_customer',
    rootUrl: em.rootUrl,
    accessToken: token,
    account: 'admin@school.example',
    clock,
    // Give up quickly so a quota storm ends the sync instead of outlasting the test.
    retry: { maxAttempts: 2, baseDelayMs: 1, random: () => 0, sleep: async (ms) => clock.advance(ms) },
  });
}

function serviceFor(
  directory: GoogleDeviceDirectory,
  inventory: Inventory,
  clock: ManualClock,
  stores = createConnectorStores({ clock }),
): ConnectorService {
  return new ConnectorService({
    directory: () => directory,
    inventory,
    ...stores,
    clock,
    setup: () => ({ clientId: SANDBOX_CLIENT_ID, scopes: DIRECTORY_SCOPES }),
  });
}

const listCalls = (em: GoogleEmulator) => em.stats().byMethod['chromeosdevices.list'] ?? 0;

describe('ConnectorService against the Google emulator', () => {
  let fleet: FleetDevice[];
  let em: GoogleEmulator;
  let clock: ManualClock;
  const services: ConnectorService[] = [];
  const track = (s: ConnectorService) => (services.push(s), s);

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    fleet = generateFleet({ seed: 'connector-10k', size: 10_000, domain: 'school.example', now: NOW });
    em = await startGoogleEmulator({ clock, devices: fleet });
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await em.close();
  });

  it('connects, then syncs 10,000 devices page by page into the inventory', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(em, clock), inventory, clock));
    em.resetStats();
    const { connection, sync } = await service.connect(TENANT, 'alexw@example.com');
    expect(connection).toMatchObject({
      state: 'Syncing',
      connectedAccount: 'admin@school.example',
      connectedBy: 'alexw@example.com',
      connectedAt: new Date(NOW).toISOString(),
    });
    const outcome = await sync!;
    expect(outcome).toMatchObject({ status: 'completed', devices: 10_000, removed: 0 });
    expect(await inventory.count(TENANT, 'chrome')).toBe(10_000);
    // One credentials check plus 50 pages of 200.
    expect(listCalls(em)).toBe(1 + 50);
    const status = await service.status(TENANT);
    expect(status).toMatchObject({
      state: 'Active',
      devicesSynced: 10_000,
      lastCheckIn: expect.any(String),
      lastFullSync: { devices: 10_000, removed: 0 },
    });
    expect(status?.error).toBeUndefined();
    const sample = fleet[4321];
    expect(await inventory.get(TENANT, sample.deviceId)).toMatchObject({
      serialNumber: sample.serialNumber,
      source: 'chrome',
      orgUnitPath: sample.orgUnitPath,
    });
  });

  it('runs concurrent sync calls once', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(em, clock), inventory, clock));
    await (
      await service.connect(TENANT, 'alexw@example.com')
    ).sync;
    em.resetStats();
    const outcomes = await Promise.all([service.sync(TENANT), service.sync(TENANT), service.sync(TENANT)]);
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    expect(listCalls(em)).toBe(50);
  });

  it('refuses to connect with credentials Google rejects, and stores the reason as Error', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(em, clock, 'wrong-token'), inventory, clock));
    const { connection, sync } = await service.connect(TENANT, 'alexw@example.com');
    expect(sync).toBeUndefined();
    expect(connection.state).toBe('Error');
    expect(connection.error).toMatch(/Domain-wide delegation/);
    expect((await service.status(TENANT))?.state).toBe('Error');
    expect(await inventory.count(TENANT)).toBe(0);
  });

  it('deletes every synced device and the connection, leaving other sources and tenants alone', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(em, clock), inventory, clock));
    await (
      await service.connect(TENANT, 'alexw@example.com')
    ).sync;
    await inventory.upsertMany(TENANT, [{ id: 'intune-1', source: 'intune', serialNumber: 'C02XYZ', users: [] }]);
    await inventory.upsertMany('other', [{ id: 'x', source: 'chrome', serialNumber: 'OTHER1', users: [] }]);
    const result = await service.delete(TENANT);
    expect(result).toEqual({ removedDevices: 10_000, existed: true });
    expect(await service.status(TENANT)).toBeUndefined();
    expect(await inventory.count(TENANT, 'chrome')).toBe(0);
    expect(await inventory.count(TENANT, 'intune')).toBe(1);
    expect(await inventory.count('other', 'chrome')).toBe(1);
    expect(await service.sync(TENANT)).toEqual({ status: 'not-connected' });
  });
});

describe('ConnectorService: devices that leave Google, quota storms, locks', () => {
  let clock: ManualClock;
  let fleet: FleetDevice[];
  let full: GoogleEmulator;
  let fewer: GoogleEmulator;
  const services: ConnectorService[] = [];
  const track = (s: ConnectorService) => (services.push(s), s);
  const redis = testRedis();

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    fleet = generateFleet({ seed: 'connector-small', size: 1000, domain: 'school.example', now: NOW });
    full = await startGoogleEmulator({ clock, devices: fleet });
    // The same customer after 150 devices were deleted in Google Admin.
    fewer = await startGoogleEmulator({ clock, devices: fleet.slice(150) });
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await full.close();
    await fewer.close();
    await redis.cleanup();
  });

  it('removes devices that disappeared from Google at the end of the next full sync', async () => {
    const inventory = new MemoryInventory();
    const stores = {
      store: new MemoryConnectionStore(),
      lock: new MemorySyncLock(),
      confirmations: new MemoryDeleteConfirmationStore(clock),
    };
    const before = track(serviceFor(directoryFor(full, clock), inventory, clock, stores));
    await (
      await before.connect(TENANT, 'alexw@example.com')
    ).sync;
    expect(await inventory.count(TENANT, 'chrome')).toBe(1000);

    const after = track(serviceFor(directoryFor(fewer, clock), inventory, clock, stores));
    const outcome = await after.sync(TENANT);
    expect(outcome).toMatchObject({ status: 'completed', devices: 850, removed: 150 });
    expect(await inventory.count(TENANT, 'chrome')).toBe(850);
    expect(await inventory.get(TENANT, fleet[0].deviceId)).toBeUndefined();
    expect(await inventory.get(TENANT, fleet[150].deviceId)).toBeDefined();
    expect((await after.status(TENANT))?.devicesSynced).toBe(850);
  });

  it('a quota storm during the sync ends in Error with the reason; the next sync recovers', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(full, clock), inventory, clock));
    clock.advance(120_000);
    // The check and two pages pass, then every request is refused for the rest of the minute.
    full.setQuotaPerMinute(3);
    const { sync } = await service.connect(TENANT, 'alexw@example.com');
    const failed = await sync!;
    expect(failed.status).toBe('failed');
    const broken = await service.status(TENANT);
    expect(broken?.state).toBe('Error');
    expect(broken?.error).toMatch(/quota/i);
    expect(broken?.devicesSynced).toBe(400);
    expect(broken?.lastCheckIn).toBeDefined();
    expect(broken?.lastFullSync).toBeUndefined();

    full.setQuotaPerMinute(undefined);
    clock.advance(61_000);
    const recovered = await service.sync(TENANT);
    expect(recovered).toMatchObject({ status: 'completed', devices: 1000 });
    const ok = await service.status(TENANT);
    expect(ok?.state).toBe('Active');
    expect(ok?.error).toBeUndefined();
    expect(ok?.devicesSynced).toBe(1000);
  });

  it('two instances sharing Redis sync a tenant once: the second is told another sync is running', async () => {
    const inventory = new RedisInventory(redis.redis, { keyPrefix: `${redis.prefix}inv:` });
    const shared = () => createConnectorStores({ redis: redis.redis, prefix: redis.prefix, clock });
    const a = track(serviceFor(directoryFor(full, clock), inventory, clock, shared()));
    const b = track(serviceFor(directoryFor(full, clock), inventory, clock, shared()));
    const { sync } = await a.connect(TENANT, 'alexw@example.com');
    full.resetStats();
    const [first, second] = await Promise.all([sync!, b.sync(TENANT)]);
    expect(first.status).toBe('completed');
    expect(second).toEqual({ status: 'busy' });
    expect(listCalls(full)).toBe(5);
    expect(await inventory.count(TENANT, 'chrome')).toBe(1000);
    // Once the first is done, the other instance may sync.
    expect((await b.sync(TENANT)).status).toBe('completed');
    expect((await a.status(TENANT))?.generation).toBe(2);
  });

  it('syncs connected tenants periodically, skipping ones synced moments ago', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(full, clock), inventory, clock));
    await (
      await service.connect(TENANT, 'alexw@example.com')
    ).sync;
    full.resetStats();
    await service.resyncAll();
    expect(listCalls(full)).toBe(0);
    // Nothing changed since: the incremental sync re-reads only devices within its 10-minute overlap.
    const overlapStart = Date.parse((await service.status(TENANT))!.syncWatermark!) - 10 * 60_000;
    const inOverlap = fleet.filter((d) => Date.parse(d.lastSync) >= overlapStart).length;
    clock.advance(15 * 60_000);
    await service.resyncAll();
    expect(listCalls(full)).toBe(1);
    expect((await service.status(TENANT))?.lastIncrementalSync).toMatchObject({ devices: inOverlap });
  });

  it('delete confirmations are single-use, bound to the requester, and expire after 5 minutes', async () => {
    const inventory = new MemoryInventory();
    const service = track(serviceFor(directoryFor(full, clock), inventory, clock));
    await (
      await service.connect(TENANT, 'alexw@example.com')
    ).sync;
    const alex = { teamsId: 'user-id-0', name: 'Alex Wilber' };

    const expired = (await service.requestDelete(TENANT, alex))!;
    expect(expired.devices).toBe(1000);
    clock.advance(5 * 60_000 + 1);
    expect(await service.confirmDelete(TENANT, expired.id, alex.teamsId)).toMatchObject({ ok: false, why: 'expired' });

    const pending = (await service.requestDelete(TENANT, alex))!;
    expect(await service.confirmDelete(TENANT, pending.id, 'user-id-1')).toMatchObject({ ok: false, why: 'not-yours' });
    expect(await service.confirmDelete('other-tenant', pending.id, alex.teamsId)).toMatchObject({
      ok: false,
      why: 'unknown',
    });
    expect(await service.confirmDelete(TENANT, 'forged', alex.teamsId)).toMatchObject({ ok: false, why: 'unknown' });
    expect(await service.confirmDelete(TENANT, pending.id, alex.teamsId)).toEqual({
      ok: true,
      removedDevices: 1000,
      existed: true,
    });
    expect(await service.confirmDelete(TENANT, pending.id, alex.teamsId)).toMatchObject({ ok: false, why: 'used' });
    expect(await inventory.count(TENANT, 'chrome')).toBe(0);
    expect(await service.requestDelete(TENANT, alex)).toBeUndefined();
  });
});

describe('incremental sync: the periodic sync reads what changed, reconciliation catches the rest', () => {
  const MINUTE = 60_000;
  let clock: ManualClock;
  let fleet: FleetDevice[];
  let em: GoogleEmulator;
  const services: ConnectorService[] = [];

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    fleet = generateFleet({ seed: 'connector-incremental', size: 10_000, domain: 'school.example', now: NOW });
    em = await startGoogleEmulator({ clock, devices: fleet });
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await em.close();
  });

  /** A tenant connected and fully synced now, with a 15-minute sync and a 6-hour reconciliation. */
  async function connected(): Promise<{ service: ConnectorService; inventory: MemoryInventory }> {
    const inventory = new MemoryInventory();
    const service = new ConnectorService({
      directory: directoryOf({
        customerId: 'my_customer',
        rootUrl: em.rootUrl,
        accessToken: em.accessToken,
        account: 'admin@school.example',
        clock,
      }),
      inventory,
      ...createConnectorStores({ clock }),
      clock,
      setup: () => ({ clientId: SANDBOX_CLIENT_ID, scopes: DIRECTORY_SCOPES }),
      resyncMinutes: 15,
      reconcileMinutes: 360,
      syncOverlapMinutes: 10,
    });
    services.push(service);
    expect(await (await service.connect(TENANT, 'alexw@example.com')).sync).toMatchObject({ kind: 'full' });
    return { service, inventory };
  }

  const checkIn = (d: FleetDevice, change: Partial<FleetDevice> = {}) =>
    em.updateDevice(d.deviceId, { lastSync: new Date(clock.now()).toISOString(), ...change });

  it('a device changed in Google appears after the next periodic sync, which reads only it', async () => {
    const { service, inventory } = await connected();
    clock.advance(15 * MINUTE);
    const [moved, skewed] = [fleet[11], fleet[12]];
    checkIn(moved, { annotatedUser: 'new.owner@school.example', annotatedAssetId: 'ASSET-NEW-11' });
    // Google's clock runs 5 minutes behind ours: its last sync falls before the watermark, within the overlap.
    em.updateDevice(skewed.deviceId, {
      lastSync: new Date(NOW - 5 * MINUTE).toISOString(),
      annotatedLocation: 'Room 12',
    });
    em.resetStats();
    await service.resyncAll();
    expect(await inventory.get(TENANT, moved.deviceId)).toMatchObject({
      assetId: 'ASSET-NEW-11',
      users: expect.arrayContaining(['new.owner@school.example']),
    });
    expect(await inventory.get(TENANT, skewed.deviceId)).toMatchObject({ location: 'Room 12' });
    expect(listCalls(em)).toBe(1);
    const status = await service.status(TENANT);
    expect(status?.lastIncrementalSync?.devices).toBeGreaterThanOrEqual(2);
    expect(status?.syncWatermark).toBe(new Date(clock.now()).toISOString());
    expect(status?.lastFullSync?.startedAt).toBe(new Date(clock.now() - 15 * MINUTE).toISOString());
  });

  it('a device removed from Google, or edited without a check-in, changes only at the next reconciliation', async () => {
    const { service, inventory } = await connected();
    const fullSyncAt = new Date(clock.now()).toISOString();
    const [removed, edited] = [fleet[21], fleet[22]];
    em.removeDevice(removed.deviceId);
    em.updateDevice(edited.deviceId, { annotatedAssetId: 'ASSET-EDITED-22' });
    for (let i = 0; i < 23; i++) {
      clock.advance(15 * MINUTE);
      await service.resyncAll();
    }
    // Five and three-quarter hours of incremental syncs: neither change is seen.
    expect(await inventory.get(TENANT, removed.deviceId)).toBeDefined();
    expect((await inventory.get(TENANT, edited.deviceId))?.assetId).not.toBe('ASSET-EDITED-22');
    expect((await service.status(TENANT))?.lastFullSync?.startedAt).toBe(fullSyncAt);
    clock.advance(15 * MINUTE);
    em.resetStats();
    await service.resyncAll();
    expect(await inventory.get(TENANT, removed.deviceId)).toBeUndefined();
    expect((await inventory.get(TENANT, edited.deviceId))?.assetId).toBe('ASSET-EDITED-22');
    expect(listCalls(em)).toBe(50);
    expect((await service.status(TENANT))?.lastFullSync).toMatchObject({ removed: 1 });
  });

  it('with 1% of a 10,000-device fleet changed, a periodic sync makes 2% of a full sync’s requests', async () => {
    const { service, inventory } = await connected();
    em.resetStats();
    expect(await service.sync(TENANT)).toMatchObject({ kind: 'full' });
    const fullCalls = em.stats().requests;
    clock.advance(15 * MINUTE);
    const changed = fleet.filter((_, i) => i % 100 === 7 && i < 9_900);
    for (const d of changed) checkIn(d, { osVersion: '140.0.7339.1' });
    em.resetStats();
    const outcome = await service.syncChanges(TENANT);
    expect(outcome).toMatchObject({ status: 'completed', kind: 'incremental' });
    const incrementalCalls = em.stats().requests;
    expect(fullCalls).toBe(50);
    expect(incrementalCalls).toBeLessThanOrEqual(0.02 * fullCalls);
    for (const d of changed) expect((await inventory.get(TENANT, d.deviceId))?.osVersion).toBe('140.0.7339.1');
  });
});

describe('one connection per tenant (seed 002), and check-ins from actions', () => {
  const NOW2 = Date.parse('2026-01-05T09:00:00Z');
  it('refuses connect on a connected tenant ("delete first"), and allows it again after delete', async () => {
    const clock = new ManualClock(NOW2);
    const em = await startGoogleEmulator({
      clock,
      devices: generateFleet({ seed: 'one', size: 30, domain: 'x.example', now: NOW2 }),
    });
    try {
      const service = new ConnectorService({
        directory: directoryOf({
          customerId: 'my_customer',
          rootUrl: em.rootUrl,
          accessToken: em.accessToken,
          clock,
        }),
        inventory: new MemoryInventory(),
        ...createConnectorStores({ clock }),
        setup: () => ({ scopes: [] }),
        clock,
      });
      await (
        await service.connect('t1', 'alexw@example.com')
      ).sync;
      const error = await service.connect('t1', 'meganb@example.com').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlreadyConnected);
      expect((error as AlreadyConnected).userMessage).toContain('delete it first');
      expect((await service.status('t1'))?.connectedBy).toBe('alexw@example.com');

      // An action that talked to Google moves the last check-in.
      const before = (await service.status('t1'))?.lastCheckIn;
      clock.advance(60_000);
      await service.recordCheckIn('t1');
      expect((await service.status('t1'))?.lastCheckIn).toBe(new Date(clock.now()).toISOString());
      expect((await service.status('t1'))?.lastCheckIn).not.toBe(before);
      await service.recordCheckIn('nobody');
      expect(await service.status('nobody')).toBeUndefined();

      await service.delete('t1');
      await expect(service.connect('t1', 'meganb@example.com')).resolves.toMatchObject({
        connection: { connectedBy: 'meganb@example.com' },
      });
      await service.stop();
    } finally {
      await em.close();
    }
  });
});

describe('a sync stopped by the daily quota', () => {
  it('says when to try again, not to check the delegation', async () => {
    const clock = new ManualClock(NOW);
    const em = await startGoogleEmulator({
      clock,
      devices: generateFleet({ seed: 'daily', size: 30, domain: 'x.example', now: NOW }),
    });
    try {
      const service = new ConnectorService({
        directory: directoryOf({
          customerId: 'my_customer',
          rootUrl: em.rootUrl,
          accessToken: em.accessToken,
          clock,
        }),
        inventory: new MemoryInventory(),
        ...createConnectorStores({ clock }),
        setup: () => ({ scopes: [] }),
        clock,
      });
      em.forceErrors(1, 'dailyLimitExceeded');
      const { connection } = await service.connect('t2', 'alexw@example.com');
      expect(connection.state).toBe('Error');
      expect(connection.error).toContain('daily API quota');
      expect(connection.error).toContain('2026-01-06 08:00 UTC');
      expect(connection.error).not.toContain('Domain-wide delegation');
      await service.stop();
    } finally {
      await em.close();
    }
  });
});
