import { syntheticDevices, syntheticUser } from '../../src/inventory/synthetic-devices';
import {
  COUNT_LIMIT,
  type Inventory,
  type InventoryDevice,
  type SearchFilter,
  type SearchResult,
} from '../../src/inventory/types';

/**
 * The behaviour every Inventory must have. Each implementation's test file calls this with a
 * factory; every test uses its own tenant, so one store instance can serve the whole suite.
 */
export function inventoryContract(create: () => Promise<Inventory>): void {
  let inventory: Inventory;
  let tenantCounter = 0;
  const newTenant = (): string => `tenant-${++tenantCounter}-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    inventory = await create();
  });

  const ANA = 'ana.lopez@school.example';
  const BEN = 'ben.king@school.example';
  const CARA = 'cara.diaz@school.example';

  function fleet(generation = 1): InventoryDevice[] {
    return [
      {
        id: 'dev-north-1',
        source: 'chrome',
        serialNumber: '5CD1234ABC',
        name: 'Lenovo 300e Chromebook Gen 3',
        model: 'Lenovo 300e Chromebook Gen 3',
        status: 'ACTIVE',
        assetId: 'A-1001',
        location: 'North High Library',
        orgUnitPath: '/Schools/North',
        users: [ANA],
        syncGeneration: generation,
      },
      {
        id: 'dev-north-2',
        source: 'chrome',
        serialNumber: '5CD1234XYZ',
        model: 'HP Chromebook 11 G9',
        assetId: 'A-1002',
        location: 'North High Room 12',
        orgUnitPath: '/Schools/North/Grade 5',
        users: [BEN],
        syncGeneration: generation,
      },
      {
        id: 'dev-north2-1',
        source: 'chrome',
        serialNumber: 'NXH77000AA',
        model: 'Lenovo 300e Chromebook Gen 3',
        assetId: 'A-2001',
        location: 'North2 Annex',
        orgUnitPath: '/Schools/North2',
        users: [CARA],
        syncGeneration: generation,
      },
      {
        id: 'dev-south-1',
        source: 'chrome',
        serialNumber: 'PF3ABCDEF',
        model: 'Dell Chromebook 3100',
        assetId: 'A-3001',
        location: 'South Library',
        orgUnitPath: '/Schools/South',
        users: [ANA, 'dan.moore@school.example'],
        syncGeneration: generation,
      },
      {
        id: 'mac-1',
        source: 'intune',
        serialNumber: 'C02XK0AAJGH5',
        name: 'ANA-MACBOOK',
        model: 'MacBook Air (M2)',
        platform: 'macOS',
        users: [ANA],
        syncGeneration: generation,
      },
    ];
  }

  async function loaded(devices: InventoryDevice[] = fleet()): Promise<string> {
    const tenant = newTenant();
    await inventory.upsertMany(tenant, devices);
    return tenant;
  }

  async function ids(
    tenant: string,
    query: string,
    options?: { limit?: number; filter?: SearchFilter },
  ): Promise<string[]> {
    return (await inventory.search(tenant, query, options)).devices.map((d) => d.id);
  }

  describe('lookup kinds', () => {
    let tenant: string;
    beforeAll(async () => {
      tenant = await loaded();
    });

    it('finds a device by its id, exactly', async () => {
      const result = await inventory.search(tenant, 'dev-south-1');
      expect(result).toMatchObject({ matchedBy: 'id', total: 1 });
      expect(result.devices[0]).toMatchObject({
        id: 'dev-south-1',
        serialNumber: 'PF3ABCDEF',
        users: [ANA, 'dan.moore@school.example'],
      });
    });

    it('finds by exact serial, ignoring case and surrounding space', async () => {
      const result = await inventory.search(tenant, '  5cd1234abc ');
      expect(result.matchedBy).toBe('serial');
      expect(result.devices.map((d) => d.id)).toEqual(['dev-north-1']);
    });

    it('finds by serial prefix of three or more characters, sorted by serial', async () => {
      const result = await inventory.search(tenant, '5cd12');
      expect(result).toMatchObject({ matchedBy: 'serialPrefix', total: 2 });
      expect(result.devices.map((d) => d.serialNumber)).toEqual(['5CD1234ABC', '5CD1234XYZ']);
      expect((await inventory.search(tenant, 'C02')).devices.map((d) => d.id)).toEqual(['mac-1']);
    });

    it('does not use a prefix shorter than three characters', async () => {
      const result = await inventory.search(tenant, '5C');
      expect(result.total).toBe(0);
      expect(result.matchedBy).toBeUndefined();
      expect((await inventory.search(tenant, 'serial:5C')).total).toBe(0);
    });

    it('finds by asset id, ignoring case', async () => {
      const result = await inventory.search(tenant, 'a-2001');
      expect(result).toMatchObject({ matchedBy: 'assetId', total: 1 });
      expect(result.devices[0].id).toBe('dev-north2-1');
    });

    it('finds every device of a user, ignoring case', async () => {
      const result = await inventory.search(tenant, 'Ana.Lopez@School.Example');
      expect(result).toMatchObject({ matchedBy: 'user', total: 3 });
      // Sorted by serial: 5CD… < C02… < PF3…
      expect(result.devices.map((d) => d.id)).toEqual(['dev-north-1', 'mac-1', 'dev-south-1']);
    });

    it('finds by exact location before locations that contain the words', async () => {
      const exact = await inventory.search(tenant, 'north high library');
      expect(exact).toMatchObject({ matchedBy: 'location', total: 1 });
      expect(exact.devices[0].id).toBe('dev-north-1');
      const contains = await inventory.search(tenant, 'Library');
      expect(contains.matchedBy).toBe('location');
      expect(contains.devices.map((d) => d.id).sort()).toEqual(['dev-north-1', 'dev-south-1']);
      const north = await inventory.search(tenant, 'north high');
      expect(north.matchedBy).toBe('location');
      expect(north.devices.map((d) => d.id)).toEqual(['dev-north-1', 'dev-north-2']);
    });

    it('falls back to free text where every word must match a whole word of some field', async () => {
      const result = await inventory.search(tenant, 'lenovo north');
      expect(result.matchedBy).toBe('text');
      // North2 is another word: dev-north2-1 is a Lenovo but not in "North".
      expect(result.devices.map((d) => d.id)).toEqual(['dev-north-1']);
      expect(await ids(tenant, 'Chromebook ana')).toEqual(['dev-north-1', 'dev-south-1']);
      expect(await ids(tenant, 'macos')).toEqual(['mac-1']);
      // The words people use for a platform.
      expect(await ids(tenant, 'mac')).toEqual(['mac-1']);
      expect(await ids(tenant, 'Chromebooks ana')).toEqual(['dev-north-1', 'dev-south-1']);
      expect(await ids(tenant, 'grade 5 hp')).toEqual(['dev-north-2']);
      expect((await inventory.search(tenant, 'lenovo nowhere')).total).toBe(0);
    });

    it('accepts explicit prefixes that force the kind', async () => {
      expect((await inventory.search(tenant, 'id:mac-1')).matchedBy).toBe('id');
      expect(await ids(tenant, 'serial: pf3abcdef')).toEqual(['dev-south-1']);
      expect(await inventory.search(tenant, 'serial:5CD1234')).toMatchObject({ matchedBy: 'serialPrefix', total: 2 });
      expect(await ids(tenant, 'asset:A-1002')).toEqual(['dev-north-2']);
      expect(await ids(tenant, 'asset_id:a-1002')).toEqual(['dev-north-2']);
      expect(await ids(tenant, 'USER:' + BEN)).toEqual(['dev-north-2']);
      expect(await ids(tenant, 'location:annex')).toEqual(['dev-north2-1']);
      // Forced to one kind, a query does not fall through to the others.
      expect((await inventory.search(tenant, 'user:lenovo')).total).toBe(0);
      expect((await inventory.search(tenant, 'id:5CD1234ABC')).total).toBe(0);
    });

    it('lets the caller force the kind', async () => {
      expect((await inventory.search(tenant, 'A-1001', { kind: 'text' })).matchedBy).toBe('text');
      expect((await inventory.search(tenant, '5CD1234ABC', { kind: 'serialPrefix' })).matchedBy).toBe('serialPrefix');
      expect((await inventory.search(tenant, 'lenovo', { kind: 'location' })).total).toBe(0);
    });

    it('answers an empty query with nothing', async () => {
      expect(await inventory.search(tenant, '   ')).toEqual({ total: 0, devices: [] });
    });

    it('returns copies: changing a result does not change the inventory', async () => {
      const [device] = (await inventory.search(tenant, 'mac-1')).devices;
      device.users.push('mallory@evil.example');
      device.serialNumber = 'X';
      expect(await inventory.get(tenant, 'mac-1')).toMatchObject({ serialNumber: 'C02XK0AAJGH5', users: [ANA] });
      expect(await inventory.get(tenant, 'nope')).toBeUndefined();
    });
  });

  describe('order of precedence', () => {
    let tenant: string;
    beforeAll(async () => {
      tenant = await loaded([
        { id: 'ABC123', source: 'chrome', serialNumber: 'QQQ000', users: [] },
        { id: 'p2', source: 'chrome', serialNumber: 'ABC123', users: [] },
        { id: 'p3', source: 'chrome', serialNumber: 'ABC1234', users: [] },
        { id: 'p4', source: 'chrome', serialNumber: 'ZZZ999', assetId: 'ABC12', location: 'cart', users: [] },
        { id: 'p5', source: 'chrome', serialNumber: 'YYY999', assetId: 'cart', users: ['cart'] },
        {
          id: 'p6',
          source: 'chrome',
          serialNumber: 'XXX999',
          location: 'Cart 7',
          users: ['ops@school.example'],
          model: 'Cart Edition',
        },
      ]);
    });

    it.each([
      ['ABC123', 'id', ['ABC123']],
      ['abc123', 'serial', ['p2']],
      ['abc12', 'serialPrefix', ['p2', 'p3']],
      ['asset:abc12', 'assetId', ['p4']],
      ['cart', 'assetId', ['p5']],
      ['user:cart', 'user', ['p5']],
      ['location:cart', 'location', ['p4']],
      ['cart 7', 'location', ['p6']],
      ['edition', 'text', ['p6']],
    ])('%s is matched by %s', async (query, kind, expected) => {
      const result = await inventory.search(tenant, query);
      expect(result.matchedBy).toBe(kind);
      expect(result.devices.map((d) => d.id)).toEqual(expected);
    });

    it('skips a kind whose matches are all filtered out', async () => {
      // "cart" is p5's asset id, but only p6 belongs to ops: the location step finds it.
      const result = await inventory.search(tenant, 'cart', { filter: { users: ['ops@school.example'] } });
      expect(result).toMatchObject({ matchedBy: 'location', total: 1 });
      expect(result.devices[0].id).toBe('p6');
    });
  });

  describe('filters', () => {
    let tenant: string;
    beforeAll(async () => {
      tenant = await loaded();
    });

    it('keeps only devices shared with one of the users', async () => {
      const result = await inventory.search(tenant, 'chromebook', { filter: { users: ['ANA.LOPEZ@school.example'] } });
      expect(result).toMatchObject({ matchedBy: 'text', total: 2 });
      expect(result.devices.map((d) => d.id)).toEqual(['dev-north-1', 'dev-south-1']);
      expect(await ids(tenant, 'chromebook', { filter: { users: [BEN, CARA] } })).toEqual([
        'dev-north-2',
        'dev-north2-1',
      ]);
    });

    it('keeps devices at or under an org unit, not in a sibling whose name starts the same', async () => {
      expect(await ids(tenant, 'chromebook', { filter: { orgUnits: ['/Schools/North'] } })).toEqual([
        'dev-north-1',
        'dev-north-2',
      ]);
      expect(await ids(tenant, 'chromebook', { filter: { orgUnits: ['/schools/north/'] } })).toEqual([
        'dev-north-1',
        'dev-north-2',
      ]);
      expect(await ids(tenant, 'chromebook', { filter: { orgUnits: ['/Schools/North2', '/Schools/South'] } })).toEqual([
        'dev-north2-1',
        'dev-south-1',
      ]);
      expect(await ids(tenant, 'chromebook', { filter: { orgUnits: ['/Schools/North/Grade 5'] } })).toEqual([
        'dev-north-2',
      ]);
      expect((await inventory.search(tenant, 'chromebook', { filter: { orgUnits: ['/Schools/Nor'] } })).total).toBe(0);
    });

    it("treats '/' as every device, including those without an org unit", async () => {
      const result = await inventory.search(tenant, ANA, { filter: { orgUnits: ['/'] } });
      expect(result.total).toBe(3);
      expect((await inventory.search(tenant, ANA, { filter: { orgUnits: ['/Schools'] } })).total).toBe(2);
    });

    it('requires every filter field that is given', async () => {
      expect(await ids(tenant, 'chromebook', { filter: { users: [ANA], orgUnits: ['/Schools/North'] } })).toEqual([
        'dev-north-1',
      ]);
      expect(
        (await inventory.search(tenant, 'chromebook', { filter: { users: [BEN], orgUnits: ['/Schools/South'] } }))
          .total,
      ).toBe(0);
    });

    it('matches nothing for an empty list', async () => {
      expect((await inventory.search(tenant, 'chromebook', { filter: { users: [] } })).total).toBe(0);
      expect((await inventory.search(tenant, 'chromebook', { filter: { orgUnits: [] } })).total).toBe(0);
      expect((await inventory.search(tenant, 'chromebook', { filter: {} })).total).toBe(4);
    });

    it('applies to every kind, including an id lookup', async () => {
      expect((await inventory.search(tenant, 'dev-north-1', { filter: { users: [BEN] } })).total).toBe(0);
      expect((await inventory.search(tenant, '5CD1234ABC', { filter: { orgUnits: ['/Schools/South'] } })).total).toBe(
        0,
      );
      expect(await ids(tenant, '5cd1', { filter: { users: [BEN] } })).toEqual(['dev-north-2']);
      expect(await ids(tenant, 'library', { filter: { orgUnits: ['/Schools/South'] } })).toEqual(['dev-south-1']);
    });
  });

  describe('limit and total', () => {
    it('counts every match but returns at most limit, default 10', async () => {
      const devices = Array.from({ length: 25 }, (_, i) => ({
        id: `d${i}`,
        source: 'chrome' as const,
        serialNumber: `LIM${String(24 - i).padStart(3, '0')}`,
        model: 'Same Model',
        users: [],
      }));
      const tenant = await loaded(devices);
      const byDefault = await inventory.search(tenant, 'same model');
      expect(byDefault.total).toBe(25);
      expect(byDefault.devices.map((d) => d.serialNumber)).toEqual(
        Array.from({ length: 10 }, (_, i) => `LIM${String(i).padStart(3, '0')}`),
      );
      expect((await inventory.search(tenant, 'LIM', { limit: 3 })).devices.map((d) => d.id)).toEqual([
        'd24',
        'd23',
        'd22',
      ]);
      const none = await inventory.search(tenant, 'LIM', { limit: 0 });
      expect(none).toMatchObject({ matchedBy: 'serialPrefix', total: 25, devices: [] });
      expect((await inventory.search(tenant, 'same', { limit: 100 })).devices).toHaveLength(25);
    });
  });

  describe('updates and removal', () => {
    it('re-indexes a device upserted with changed fields', async () => {
      const tenant = await loaded();
      const [, north2] = fleet();
      await inventory.upsertMany(tenant, [
        {
          ...north2,
          serialNumber: 'NEW0001',
          users: [CARA],
          location: 'Gym',
          orgUnitPath: '/Schools/South',
          assetId: 'A-9',
        },
      ]);
      expect((await inventory.search(tenant, BEN)).total).toBe(0);
      expect(await ids(tenant, CARA)).toEqual(['dev-north-2', 'dev-north2-1']);
      expect((await inventory.search(tenant, '5CD1234XYZ')).total).toBe(0);
      expect(await ids(tenant, '5CD1')).toEqual(['dev-north-1']);
      expect(await ids(tenant, 'new0001')).toEqual(['dev-north-2']);
      expect((await inventory.search(tenant, 'A-1002')).total).toBe(0);
      expect(await ids(tenant, 'a-9')).toEqual(['dev-north-2']);
      expect((await inventory.search(tenant, 'room 12')).total).toBe(0);
      expect(await ids(tenant, 'gym')).toEqual(['dev-north-2']);
      expect((await inventory.search(tenant, 'hp', { filter: { orgUnits: ['/Schools/North'] } })).total).toBe(0);
      expect(await ids(tenant, 'hp', { filter: { orgUnits: ['/Schools/South'] } })).toEqual(['dev-north-2']);
      expect(await inventory.count(tenant)).toBe(5);
    });

    it('keeps the last copy when a batch holds the same id twice', async () => {
      const tenant = await loaded([
        { id: 'twice', source: 'chrome', serialNumber: 'TWO001', users: ['first@x.example'] },
        { id: 'twice', source: 'chrome', serialNumber: 'TWO002', users: ['second@x.example'] },
      ]);
      expect(await inventory.count(tenant)).toBe(1);
      expect((await inventory.search(tenant, 'first@x.example')).total).toBe(0);
      expect((await inventory.search(tenant, 'TWO001')).total).toBe(0);
      expect(await ids(tenant, 'second@x.example')).toEqual(['twice']);
    });

    it('removes devices of a source not seen since a generation', async () => {
      const tenant = await loaded(fleet(1));
      const [north1, , north21] = fleet(2);
      await inventory.upsertMany(tenant, [north1, north21]);
      expect(await inventory.removeStale(tenant, 'chrome', 2)).toBe(2);
      expect(await inventory.count(tenant, 'chrome')).toBe(2);
      // The Intune device belongs to another sync.
      expect(await inventory.count(tenant, 'intune')).toBe(1);
      expect(await inventory.get(tenant, 'dev-south-1')).toBeUndefined();
      expect((await inventory.search(tenant, 'PF3ABCDEF')).total).toBe(0);
      expect((await inventory.search(tenant, 'dell')).total).toBe(0);
      expect(await ids(tenant, ANA)).toEqual(['dev-north-1', 'mac-1']);
      expect(await inventory.removeStale(tenant, 'chrome', 2)).toBe(0);
    });

    it("leaves a device that moved to another source to that source's sync", async () => {
      const tenant = await loaded();
      await inventory.upsertMany(tenant, [
        { id: 'moved', source: 'chrome', serialNumber: 'MOVED1', users: [], syncGeneration: 1 },
      ]);
      await inventory.upsertMany(tenant, [{ id: 'moved', source: 'intune', serialNumber: 'MOVED1', users: [] }]);
      await inventory.removeStale(tenant, 'chrome', 5);
      expect((await inventory.get(tenant, 'moved'))?.source).toBe('intune');
      expect(await inventory.count(tenant, 'intune')).toBe(2);
      expect(await inventory.count(tenant, 'chrome')).toBe(0);
    });

    it('removes every device of one source', async () => {
      const tenant = await loaded();
      expect(await inventory.removeAll(tenant, 'chrome')).toBe(4);
      expect(await inventory.count(tenant)).toBe(1);
      expect(await inventory.count(tenant, 'chrome')).toBe(0);
      expect((await inventory.search(tenant, 'chromebook')).total).toBe(0);
      expect((await inventory.search(tenant, 'library')).total).toBe(0);
      expect((await inventory.search(tenant, '5CD')).total).toBe(0);
      expect(await ids(tenant, ANA)).toEqual(['mac-1']);
      expect(await inventory.removeAll(tenant, 'chrome')).toBe(0);
    });

    it('re-adds devices after they were removed', async () => {
      const tenant = await loaded();
      await inventory.removeAll(tenant, 'chrome');
      await inventory.upsertMany(tenant, fleet());
      expect(await inventory.count(tenant)).toBe(5);
      expect(await ids(tenant, 'library')).toEqual(['dev-north-1', 'dev-south-1']);
    });
  });

  describe('tenants', () => {
    it('keeps tenants apart', async () => {
      const a = await loaded();
      const b = await loaded(fleet().slice(0, 2));
      expect(await inventory.count(a)).toBe(5);
      expect(await inventory.count(b)).toBe(2);
      expect((await inventory.search(b, 'dell')).total).toBe(0);
      expect(await inventory.removeAll(b, 'chrome')).toBe(2);
      expect(await inventory.count(a, 'chrome')).toBe(4);
      expect((await inventory.search(a, '5CD1234ABC')).total).toBe(1);
      expect(await inventory.count(newTenant())).toBe(0);
      expect((await inventory.search(newTenant(), '5CD1234ABC')).total).toBe(0);
      expect(await inventory.get(b, 'dev-north-1')).toBeUndefined();
    });
  });

  describe('10,000 devices', () => {
    const devices = syntheticDevices({ count: 10_000, seed: 7, syncGeneration: 1 });
    let tenant: string;
    beforeAll(async () => {
      tenant = await loaded(devices);
    });

    /** Straightforward reference: scan everything, the way the indexes must agree with. */
    function expected(match: (d: InventoryDevice) => boolean, limit = 10): Seen {
      const all = devices.filter(match).sort((x, y) => {
        const a = `${x.serialNumber.toLowerCase()}\u0000${x.id}`;
        const b = `${y.serialNumber.toLowerCase()}\u0000${y.id}`;
        return a < b ? -1 : a > b ? 1 : 0;
      });
      const ids = all.slice(0, limit).map((d) => d.id);
      return all.length > COUNT_LIMIT ? { total: COUNT_LIMIT, more: true, ids } : { total: all.length, ids };
    }
    type Seen = { total: number; more?: true; ids: string[] };
    const seen = (r: SearchResult): Seen => ({
      total: r.total,
      ...(r.more ? { more: r.more } : {}),
      ids: r.devices.map((d) => d.id),
    });
    const words = (d: InventoryDevice): string[] =>
      [d.serialNumber, d.name, d.model, d.platform, d.assetId, ...d.users, d.location, d.orgUnitPath].flatMap((f) =>
        (f ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u),
      );

    it('holds them all', async () => {
      expect(await inventory.count(tenant)).toBe(10_000);
      const chrome = devices.filter((d) => d.source === 'chrome').length;
      expect(await inventory.count(tenant, 'chrome')).toBe(chrome);
      expect(await inventory.count(tenant, 'intune')).toBe(10_000 - chrome);
    });

    it('agrees with a full scan for every kind', async () => {
      const sample = devices[4321];
      expect((await inventory.search(tenant, sample.serialNumber)).devices.map((d) => d.id)).toEqual([sample.id]);
      const prefix = sample.serialNumber.slice(0, 4);
      const byPrefix = await inventory.search(tenant, prefix, { limit: 25 });
      expect(seen(byPrefix)).toEqual(expected((d) => d.serialNumber.startsWith(prefix), 25));
      const user = devices.find((d, i) => i > 100 && d.users.length > 0)!.users[0];
      const byUser = await inventory.search(tenant, user);
      expect(byUser.matchedBy).toBe('user');
      expect(seen(byUser)).toEqual(expected((d) => d.users.includes(user)));
      const text = await inventory.search(tenant, 'lenovo north');
      expect(text.matchedBy).toBe('text');
      expect(seen(text)).toEqual(expected((d) => words(d).includes('lenovo') && words(d).includes('north')));
      expect(text.total).toBeGreaterThan(50);
      const location = await inventory.search(tenant, 'riverside room 12');
      expect(location.matchedBy).toBe('location');
      expect(location.total).toBe(
        expected((d) => (d.location ?? '').toLowerCase().includes('riverside room 12')).total,
      );
    });

    it('counts up to COUNT_LIMIT and says more match past it, for one word, several, a prefix and a filter', async () => {
      const chromebook = (d: InventoryDevice) => words(d).includes('chromebook');
      const inSchools = (d: InventoryDevice) => /^\/schools(\/|$)/i.test(d.orgUnitPath ?? '');
      const cases: Array<[string, SearchFilter | undefined, (d: InventoryDevice) => boolean]> = [
        ['chromebook', undefined, chromebook],
        ['chromebook schools', undefined, (d) => chromebook(d) && words(d).includes('schools')],
        ['chromebook', { orgUnits: ['/Schools'] }, (d) => chromebook(d) && inSchools(d)],
        ['5CD', undefined, (d) => d.serialNumber.toLowerCase().startsWith('5cd')],
      ];
      for (const [query, filter, match] of cases) {
        const want = expected(match, 20);
        // Each case must reach past the limit, or it would not test the cap.
        expect([query, want.more]).toEqual([query, true]);
        expect(seen(await inventory.search(tenant, query, { filter, limit: 20 }))).toEqual(want);
      }
      // A page reaching past the count still holds the devices asked for, in order.
      const long = expected((d) => chromebook(d) && words(d).includes('schools'), COUNT_LIMIT + 50);
      expect(long.ids).toHaveLength(COUNT_LIMIT + 50);
      expect(seen(await inventory.search(tenant, 'chromebook schools', { limit: COUNT_LIMIT + 50 }))).toEqual(long);
      // Under the limit, the count is exact and says nothing more.
      const few = await inventory.search(tenant, 'lenovo north');
      expect(few.more).toBeUndefined();
    });

    it('at exactly COUNT_LIMIT matches the count is exact; one more match says more', async () => {
      // Two words in two fields: the count goes through the stores' intersection of words.
      const fleetOf = (matching: number) =>
        syntheticDevices({ count: COUNT_LIMIT + 1, seed: 11, syncGeneration: 1 }).map((d, i) => ({
          ...d,
          name: 'Boundary',
          location: i < matching ? 'Cart 7' : 'Shelf 7',
        }));
      const exact = await inventory.search(await loaded(fleetOf(COUNT_LIMIT)), 'boundary cart', { limit: 5 });
      expect(exact).toMatchObject({ matchedBy: 'text', total: COUNT_LIMIT });
      expect(exact.more).toBeUndefined();
      expect(exact.devices).toHaveLength(5);
      const over = await inventory.search(await loaded(fleetOf(COUNT_LIMIT + 1)), 'boundary cart', { limit: 5 });
      expect(over).toMatchObject({ matchedBy: 'text', total: COUNT_LIMIT, more: true });
      expect(over.devices).toHaveLength(5);
    });

    it('agrees with a full scan when filtered', async () => {
      const filter = { orgUnits: ['/Schools/Oakwood', '/Staff'] };
      const under = (d: InventoryDevice): boolean => /^\/(schools\/oakwood|staff)(\/|$)/i.test(d.orgUnitPath ?? '');
      const result = await inventory.search(tenant, 'chromebook', { filter, limit: 15 });
      expect(seen(result)).toEqual(expected((d) => words(d).includes('chromebook') && under(d), 15));
      const users = [devices.find((d, i) => i > 10 && d.users.length > 0)!.users[0], syntheticUser(5999)];
      const mine = await inventory.search(tenant, 'chromebook', { filter: { users } });
      expect(seen(mine)).toEqual(
        expected((d) => words(d).includes('chromebook') && d.users.some((u) => users.includes(u))),
      );
      expect(result.total).toBeGreaterThan(100);
      expect(mine.total).toBeGreaterThan(0);
      const prefix = await inventory.search(tenant, '5CD', { filter, limit: 5 });
      expect(seen(prefix)).toEqual(expected((d) => d.serialNumber.startsWith('5CD') && under(d), 5));
    });

    it('drops what a later full sync did not see', async () => {
      const kept = devices.filter((_, i) => i % 3 !== 0).map((d) => ({ ...d, syncGeneration: 2 }));
      await inventory.upsertMany(tenant, kept);
      const staleChrome = devices.filter((d, i) => i % 3 === 0 && d.source === 'chrome').length;
      expect(await inventory.removeStale(tenant, 'chrome', 2)).toBe(staleChrome);
      expect(await inventory.count(tenant)).toBe(10_000 - staleChrome);
      expect((await inventory.search(tenant, devices[0].serialNumber)).total).toBe(
        devices[0].source === 'chrome' ? 0 : 1,
      );
    });
  });
}
