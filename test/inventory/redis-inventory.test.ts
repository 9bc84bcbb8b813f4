import { RedisInventory } from '../../src/inventory/redis-inventory';
import { COUNT_LIMIT } from '../../src/inventory/types';
import { testRedis } from '../support/redis';
import { inventoryContract } from './inventory-contract';

const { redis, prefix, cleanup } = testRedis();

afterAll(cleanup);

async function keysUnder(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

describe('RedisInventory', () => {
  inventoryContract(async () => new RedisInventory(redis, { keyPrefix: `${prefix}a:` }));
});

// Tiny chunks and in-process filtering of smaller candidate sets: every write spans several
// pipelines, and filtered lookups read records and filter them here instead of in Redis.
describe('RedisInventory, in-process filtering and small chunks', () => {
  inventoryContract(
    async () => new RedisInventory(redis, { keyPrefix: `${prefix}b:`, chunkSize: 3, smallCandidates: 1000 }),
  );
});

// Words and org units holding a tenth of the devices, and at least two, are plain sets: lookups walk
// the serial order or let Redis intersect, and must find exactly what the memory inventory finds.
describe('RedisInventory, common words and org units as plain sets', () => {
  inventoryContract(async () => new RedisInventory(redis, { keyPrefix: `${prefix}w:`, plainSetMin: 2 }));
});

describe('RedisInventory keys', () => {
  const keyPrefix = `${prefix}c:`;
  const inventory = new RedisInventory(redis, { keyPrefix });

  it('leaves no index entry behind once every device is removed, and no temporary key after a search', async () => {
    await inventory.upsertMany('t1', [
      {
        id: 'a',
        source: 'chrome',
        serialNumber: 'AAA111',
        model: 'Lenovo 300e',
        location: 'Lab 1',
        orgUnitPath: '/Schools/North',
        assetId: 'X1',
        users: ['u@x.example'],
      },
      {
        id: 'b',
        source: 'chrome',
        serialNumber: 'AAA222',
        model: 'Lenovo 300e',
        location: 'Lab 2',
        orgUnitPath: '/Schools/South',
        users: ['v@x.example'],
      },
    ]);
    await inventory.upsertMany('t1', [
      { id: 'a', source: 'chrome', serialNumber: 'AAA333', model: 'HP 11', location: 'Lab 3', users: [] },
    ]);
    expect(
      (await inventory.search('t1', 'lenovo 300e', { filter: { orgUnits: ['/Schools'], users: ['v@x.example'] } }))
        .total,
    ).toBe(1);
    expect((await inventory.search('t1', 'lab')).total).toBe(2);
    expect(await keysUnder(`${keyPrefix}*tmp:*`)).toEqual([]);
    // "Lab 1" went with the re-upsert: it must not stay in the list that "contains" scans.
    expect(await redis.zrange(`${keyPrefix}inv:t1:locs`, 0, '-1')).toEqual(['lab 2', 'lab 3']);
    await inventory.removeAll('t1', 'chrome');
    // Only the locations version stays: counting it down again could revive a cached list.
    expect(await keysUnder(`${keyPrefix}inv:t1:*`)).toEqual([`${keyPrefix}inv:t1:locs:v`]);
  });

  it('keeps a location that one device leaves and another takes in the same write', async () => {
    const at = (id: string, location: string) => ({
      id,
      source: 'chrome' as const,
      serialNumber: id,
      location,
      users: [],
    });
    await inventory.upsertMany('t5', [at('m1', 'Lab 7'), at('m2', 'Hall')]);
    await inventory.upsertMany('t5', [at('m1', 'Library'), at('m2', 'Lab 7')]);
    expect(await redis.zrange(`${keyPrefix}inv:t5:locs`, 0, '-1')).toEqual(['lab 7', 'library']);
    expect((await inventory.search('t5', 'lab')).devices.map((d) => d.id)).toEqual(['m2']);
    // Its last device gone, a location leaves the list in that same write, and cached lists are told.
    const version = await redis.get(`${keyPrefix}inv:t5:locs:v`);
    await inventory.upsertMany('t5', [at('m2', 'Library')]);
    expect(await redis.zrange(`${keyPrefix}inv:t5:locs`, 0, '-1')).toEqual(['library']);
    expect(Number(await redis.get(`${keyPrefix}inv:t5:locs:v`))).toBeGreaterThan(Number(version));
    expect((await inventory.search('t5', 'lab')).total).toBe(0);
  });

  it('sees locations another instance added, through the cached list', async () => {
    const other = new RedisInventory(redis, { keyPrefix });
    await inventory.upsertMany('t2', [
      { id: 'a', source: 'chrome', serialNumber: 'S1', location: 'Old Wing', users: [] },
    ]);
    expect((await inventory.search('t2', 'wing')).total).toBe(1);
    await other.upsertMany('t2', [{ id: 'b', source: 'chrome', serialNumber: 'S2', location: 'New Wing', users: [] }]);
    expect((await inventory.search('t2', 'wing')).total).toBe(2);
    await other.removeAll('t2', 'chrome');
    expect((await inventory.search('t2', 'wing')).total).toBe(0);
  });

  it('drops stale devices written before the generation index existed', async () => {
    const old = { source: 'chrome' as const, users: [], syncGeneration: 1 };
    await inventory.upsertMany('t3', [
      { ...old, id: 'a', serialNumber: 'S1', location: 'Hall' },
      { ...old, id: 'b', serialNumber: 'S2' },
    ]);
    // As an inventory written by an earlier version: the source's sort keys, no generation index.
    const legacySource = `${keyPrefix}inv:t3:src:chrome`;
    await redis.del(`${keyPrefix}inv:t3:gen:chrome`);
    await redis.zadd(legacySource, 0, 's1\u0000a', 0, 's2\u0000b');
    await inventory.upsertMany('t3', [{ ...old, id: 'b', serialNumber: 'S2', syncGeneration: 2 }]);
    expect(await inventory.count('t3', 'chrome')).toBe(2);
    expect(await inventory.removeStale('t3', 'chrome', 2)).toBe(1);
    expect(await inventory.get('t3', 'a')).toBeUndefined();
    expect((await inventory.search('t3', 'hall')).total).toBe(0);
    expect(await inventory.count('t3', 'chrome')).toBe(1);
    // Reconciled once: later syncs find what they did not see through the generation index.
    expect(await redis.exists(legacySource)).toBe(0);
    await inventory.upsertMany('t3', [{ ...old, id: 'c', serialNumber: 'S3', syncGeneration: 3 }]);
    expect(await inventory.removeStale('t3', 'chrome', 3)).toBe(1);
    expect(await inventory.get('t3', 'b')).toBeUndefined();
    await inventory.removeAll('t3', 'chrome');
    expect(await keysUnder(`${keyPrefix}inv:t3:*`)).toEqual([`${keyPrefix}inv:t3:locs:v`]);
  });

  it('turns a word and an org unit into plain sets at the threshold and keeps finding their devices in serial order', async () => {
    const common = new RedisInventory(redis, { keyPrefix, plainSetMin: 3 });
    const word = `${keyPrefix}inv:t4:tok:lenovo`;
    const unit = `${keyPrefix}inv:t4:ou:/schools`;
    const lenovo = (id: string, serialNumber: string, location = 'Lab', orgUnitPath = '/Schools') => ({
      id,
      source: 'chrome' as const,
      serialNumber,
      model: 'Lenovo 300e',
      location,
      orgUnitPath,
      users: [],
    });
    await common.upsertMany('t4', [lenovo('a', 'S3'), lenovo('b', 'S1')]);
    expect([await redis.type(word), await redis.type(unit)]).toEqual(['zset', 'zset']);
    await common.upsertMany('t4', [lenovo('c', 'S2', 'Hall', '/Schools/North'), lenovo('d', 'S0', 'Hall', '/Staff')]);
    expect([await redis.type(word), await redis.type(unit)]).toEqual(['set', 'set']);
    expect(await redis.scard(word)).toBe(4);
    const serials = async (query: string, orgUnits?: string[]) =>
      (await common.search('t4', query, { filter: orgUnits && { orgUnits } })).devices
        .map((d) => d.serialNumber)
        .join(' ');
    expect(await serials('lenovo')).toBe('S0 S1 S2 S3');
    expect(await serials('lenovo hall')).toBe('S0 S2');
    expect(await serials('lenovo', ['/Schools'])).toBe('S1 S2 S3');
    // A plain unit and a sorted one, with a device in both: one union, still in serial order.
    expect(await serials('lenovo', ['/Staff', '/Schools/North', '/Schools'])).toBe('S0 S1 S2 S3');
    expect((await common.search('t4', 'lenovo', { limit: 1 })).total).toBe(4);
    // An instance with the default threshold reads and writes the plain set just the same.
    await inventory.upsertMany('t4', [{ ...lenovo('b', 'S1'), model: 'HP 11' }]);
    expect(await redis.type(word)).toBe('set');
    expect(await serials('lenovo')).toBe('S0 S2 S3');
    await inventory.removeAll('t4', 'chrome');
    expect(await keysUnder(`${keyPrefix}inv:t4:*`)).toEqual([`${keyPrefix}inv:t4:locs:v`]);
  });

  it('fails a write loudly when an index key that is never a plain set holds one', async () => {
    // Only words and org units fall back to a plain set on WRONGTYPE: any other error is raised.
    const asset = `${keyPrefix}inv:t9:asset:x9`;
    await redis.sadd(asset, 'foreign');
    const device = { id: 'a', source: 'chrome' as const, serialNumber: 'S9', assetId: 'X9', users: [] };
    await expect(inventory.upsertMany('t9', [device])).rejects.toThrow(/WRONGTYPE/);
    expect(await redis.smembers(asset)).toEqual(['foreign']);
    await redis.del(asset);
    await inventory.removeAll('t9', 'chrome');
  });

  it('moves a word of more than a thousand devices into a plain set whole, a slice at a time', async () => {
    const common = new RedisInventory(redis, { keyPrefix, plainSetMin: 2_100 });
    const device = (i: number) => ({
      id: `d${i}`,
      source: 'chrome' as const,
      serialNumber: `S${String(i).padStart(5, '0')}`,
      model: 'Lenovo 300e',
      users: [],
    });
    const fleet = Array.from({ length: 2_100 }, (_, i) => device(i));
    await common.upsertMany('t6', fleet.slice(0, 2_099));
    const word = `${keyPrefix}inv:t6:tok:lenovo`;
    expect(await redis.type(word)).toBe('zset');
    await common.upsertMany('t6', fleet.slice(2_099));
    expect(await redis.type(word)).toBe('set');
    expect(await redis.scard(word)).toBe(2_100);
    const last = await common.search('t6', 'lenovo s02099');
    expect(last.devices.map((d) => d.id)).toEqual(['d2099']);
    await common.removeAll('t6', 'chrome');
  });

  it('walks a union of a plain and a sorted org unit in serial order when more match than it counts', async () => {
    const common = new RedisInventory(redis, { keyPrefix, plainSetMin: 3 });
    const device = (i: number, unit: string, serialNumber: string) => ({
      id: `d${i}`,
      source: 'chrome' as const,
      serialNumber,
      model: 'Lenovo 300e',
      orgUnitPath: unit,
      users: [],
    });
    const large = Array.from({ length: COUNT_LIMIT + 20 }, (_, i) => device(i, '/A', `A${String(i).padStart(4, '0')}`));
    await common.upsertMany('t5', [...large, device(900, '/B', 'Z1'), device(901, '/B', 'Z2')]);
    expect([await redis.type(`${keyPrefix}inv:t5:ou:/a`), await redis.type(`${keyPrefix}inv:t5:ou:/b`)]).toEqual([
      'set',
      'zset',
    ]);
    const page = await common.search('t5', 'lenovo', { filter: { orgUnits: ['/B', '/A'] }, limit: 3 });
    expect(page).toMatchObject({ total: COUNT_LIMIT, more: true });
    expect(page.devices.map((d) => d.serialNumber)).toEqual(['A0000', 'A0001', 'A0002']);
    await common.removeAll('t5', 'chrome');
  });

  it('keeps tenants with key-like ids apart', async () => {
    await inventory.upsertMany('x:all', [{ id: 'a', source: 'chrome', serialNumber: 'S1', users: [] }]);
    expect(await inventory.count('x')).toBe(0);
    expect(await inventory.count('x:all')).toBe(1);
  });
});
