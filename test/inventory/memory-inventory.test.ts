import { MemoryInventory } from '../../src/inventory/memory-inventory';
import { syntheticDevices } from '../../src/inventory/synthetic-devices';
import type { InventoryDevice } from '../../src/inventory/types';
import { inventoryContract } from './inventory-contract';

describe('MemoryInventory', () => {
  inventoryContract(async () => new MemoryInventory());
});

/** Devices are kept by slot, indexes hold slots: a slot freed or moved must not leave a trace. */
describe('MemoryInventory slots', () => {
  const device = (id: string, serialNumber: string, location: string, users: string[] = []): InventoryDevice => ({
    id,
    source: 'chrome',
    serialNumber,
    model: 'Dell Chromebook 3100',
    location,
    users,
    syncGeneration: 1,
  });
  const ids = async (inventory: MemoryInventory, query: string): Promise<string[]> =>
    (await inventory.search('t', query, { limit: 100 })).devices.map((d) => d.id);

  it('moves a re-upserted device from its old words to its new ones, leaving the others', async () => {
    const inventory = new MemoryInventory();
    await inventory.upsertMany('t', [device('a', 'SER1', 'Oak Room'), device('b', 'SER2', 'Oak Room')]);
    await inventory.upsertMany('t', [device('a', 'SER1', 'Elm Hall', ['x@school.example'])]);
    expect(await ids(inventory, 'oak')).toEqual(['b']);
    expect(await ids(inventory, 'elm')).toEqual(['a']);
    expect(await ids(inventory, 'dell elm')).toEqual(['a']);
    expect(await ids(inventory, 'x@school.example')).toEqual(['a']);
    expect(await ids(inventory, 'dell')).toEqual(['a', 'b']);
    expect(await ids(inventory, 'ser')).toEqual(['a', 'b']);
  });

  it('gives a deleted slot to a new device without mixing up their ids, words or order', async () => {
    const inventory = new MemoryInventory();
    await inventory.upsertMany('t', [device('a', 'S1', 'Oak Room'), device('b', 'S2', 'Oak Room')]);
    await inventory.upsertMany('t', [{ ...device('b', 'S2', 'Oak Room'), syncGeneration: 2 }]);
    expect(await inventory.removeStale('t', 'chrome', 2)).toBe(1);
    await inventory.upsertMany('t', [device('c', 'S0', 'Elm Hall')]);
    expect(await inventory.get('t', 'a')).toBeUndefined();
    expect((await inventory.get('t', 'c'))?.serialNumber).toBe('S0');
    expect(await ids(inventory, 'oak')).toEqual(['b']);
    expect(await ids(inventory, 'dell')).toEqual(['c', 'b']);
    expect(await ids(inventory, 's1')).toEqual([]);
    expect(await inventory.count('t', 'chrome')).toBe(2);
  });

  it('keeps the last change when one batch moves a device away from a word and back', async () => {
    const inventory = new MemoryInventory();
    await inventory.upsertMany('t', [device('a', 'S1', 'Oak Room'), device('b', 'S2', 'Oak Room')]);
    await inventory.upsertMany('t', [
      device('a', 'S1', 'Elm Hall'),
      device('a', 'S1', 'Oak Room'),
      device('b', 'S2', 'Elm Hall'),
    ]);
    expect(await ids(inventory, 'oak')).toEqual(['a']);
    expect(await ids(inventory, 'elm')).toEqual(['b']);
  });

  it('keeps serial order through large batches that change serials and reuse slots', async () => {
    const inventory = new MemoryInventory();
    const fleet = syntheticDevices({ count: 500, seed: 3, syncGeneration: 1 });
    await inventory.upsertMany('t', fleet);
    // Half of them get new serials that sort elsewhere; a third disappear and come back as new ids.
    const renamed = fleet.slice(0, 250).map((d, i) => ({ ...d, serialNumber: `ZZ${499 - i}`, syncGeneration: 2 }));
    await inventory.upsertMany('t', [...renamed, ...fleet.slice(250, 330).map((d) => ({ ...d, syncGeneration: 2 }))]);
    expect(await inventory.removeStale('t', 'chrome', 2)).toBeGreaterThan(0);
    await inventory.removeStale('t', 'intune', 2);
    const reborn = fleet.slice(330).map((d) => ({ ...d, id: `${d.id}-new`, syncGeneration: 2 }));
    await inventory.upsertMany('t', reborn);
    const expected = [...renamed, ...fleet.slice(250, 330), ...reborn]
      .map((d) => ({ key: `${d.serialNumber.toLowerCase()}\u0000${d.id}`, id: d.id }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(await inventory.count('t')).toBe(expected.length);
    const zz = await inventory.search('t', 'zz4', { limit: 1000 });
    expect(zz.devices.map((d) => d.id)).toEqual(expected.filter((e) => e.key.startsWith('zz4')).map((e) => e.id));
    const chromebooks = await inventory.search('t', 'chromebook', { limit: 1000 });
    const chromeIds = new Set(
      [...renamed, ...fleet.slice(250, 330), ...reborn]
        .filter((d) => /chromebook/i.test(d.model ?? ''))
        .map((d) => d.id),
    );
    expect(chromebooks.devices.map((d) => d.id)).toEqual(expected.filter((e) => chromeIds.has(e.id)).map((e) => e.id));
  });

  it('returns each device as it was given', async () => {
    const inventory = new MemoryInventory();
    const given: InventoryDevice = {
      ...device('a', ' s-1 ', 'Oak Room', ['Ana@School.Example']),
      name: 'Ana’s',
      status: 'ACTIVE',
      platform: 'ChromeOS',
      osVersion: '120.0',
      assetId: 'A-1',
      orgUnitPath: '/Schools/North',
      lastSync: '2026-01-02T03:04:05.678Z',
    };
    await inventory.upsertMany('t', [given]);
    expect(await inventory.get('t', 'a')).toEqual(given);
    expect(await ids(inventory, 'ana@school.example')).toEqual(['a']);
  });
});
