import { RedisInventory } from '../../src/inventory/redis-inventory';
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

// Words held by a tenth of the devices, and at least two, are plain sets: lookups walk the serial
// order or let Redis intersect, and must find exactly what the memory inventory finds.
describe('RedisInventory, common words as plain sets', () => {
  inventoryContract(async () => new RedisInventory(redis, { keyPrefix: `${prefix}w:`, wordSetMin: 2 }));
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
    // As an inventory written by an earlier version: records and indexes, no generation index.
    await redis.del(`${keyPrefix}inv:t3:gen:chrome`);
    await inventory.upsertMany('t3', [{ ...old, id: 'b', serialNumber: 'S2', syncGeneration: 2 }]);
    expect(await inventory.removeStale('t3', 'chrome', 2)).toBe(1);
    expect(await inventory.get('t3', 'a')).toBeUndefined();
    expect((await inventory.search('t3', 'hall')).total).toBe(0);
    expect(await inventory.count('t3', 'chrome')).toBe(1);
    await inventory.removeAll('t3', 'chrome');
    expect(await keysUnder(`${keyPrefix}inv:t3:*`)).toEqual([`${keyPrefix}inv:t3:locs:v`]);
  });

  it('turns a word into a plain set at the threshold and keeps finding its devices in serial order', async () => {
    const common = new RedisInventory(redis, { keyPrefix, wordSetMin: 3 });
    const word = `${keyPrefix}inv:t4:tok:lenovo`;
    const lenovo = (id: string, serialNumber: string, location = 'Lab') => ({
      id,
      source: 'chrome' as const,
      serialNumber,
      model: 'Lenovo 300e',
      location,
      users: [],
    });
    await common.upsertMany('t4', [lenovo('a', 'S3'), lenovo('b', 'S1')]);
    expect(await redis.type(word)).toBe('zset');
    await common.upsertMany('t4', [lenovo('c', 'S2', 'Hall')]);
    expect(await redis.type(word)).toBe('set');
    expect(await redis.scard(word)).toBe(3);
    const serials = async (query: string) =>
      (await common.search('t4', query)).devices.map((d) => d.serialNumber).join(' ');
    expect(await serials('lenovo')).toBe('S1 S2 S3');
    expect(await serials('lenovo hall')).toBe('S2');
    expect((await common.search('t4', 'lenovo', { limit: 1 })).total).toBe(3);
    // An instance with the default threshold reads and writes the plain set just the same.
    await inventory.upsertMany('t4', [{ ...lenovo('b', 'S1'), model: 'HP 11' }]);
    expect(await redis.type(word)).toBe('set');
    expect(await serials('lenovo')).toBe('S2 S3');
    await inventory.removeAll('t4', 'chrome');
    expect(await keysUnder(`${keyPrefix}inv:t4:*`)).toEqual([`${keyPrefix}inv:t4:locs:v`]);
  });

  it('keeps tenants with key-like ids apart', async () => {
    await inventory.upsertMany('x:all', [{ id: 'a', source: 'chrome', serialNumber: 'S1', users: [] }]);
    expect(await inventory.count('x')).toBe(0);
    expect(await inventory.count('x:all')).toBe(1);
  });
});
