import { BUILT_IN_ROLES, type Grant, type Requester } from '../../src/access';
import { searchAsRequester, searchFilters } from '../../src/devices/scoped-search';
import { MemoryInventory } from '../../src/inventory';
import type { InventoryDevice } from '../../src/inventory/types';

const TENANT = 't1';
const school = BUILT_IN_ROLES.find((r) => r.name === 'School Administrator')!;
const readOnly = BUILT_IN_ROLES.find((r) => r.name === 'Read Only Operator')!;

function requester(grants: Grant[], upn = 'kim@x.org'): Requester {
  return {
    teamsId: 'u1',
    name: 'Kim',
    upn,
    email: upn,
    tenantId: TENANT,
    access: {
      identity: { aadObjectId: 'a1', upn, email: upn, tenantId: TENANT },
      grants,
      endUserOnly: grants.length === 0,
      groupLookupFailed: false,
    },
  };
}

const device = (
  id: string,
  serial: string,
  orgUnitPath: string,
  users: string[],
  location?: string,
): InventoryDevice => ({
  id,
  source: 'chrome',
  serialNumber: serial,
  orgUnitPath,
  users,
  status: 'ACTIVE',
  location,
});

describe('searching as the requester may see', () => {
  const inventory = new MemoryInventory();
  beforeAll(async () => {
    await inventory.upsertMany(TENANT, [
      device('n1', 'ABC001', '/North/Students', ['s1@x.org']),
      device('n2', 'ABC002', '/North/Students', ['kim@x.org']),
      device('n3', 'ABC003', '/North/Staff', ['s3@x.org'], 'Room 1'),
      device('s1', 'ABC004', '/South', ['kim@x.org'], 'Room 1'),
      device('s2', 'ABC005', '/South', ['s5@x.org']),
      device('s3', 'XYZ006', '/South', ['s6@x.org'], 'Room 1'),
    ]);
  });

  const scoped = requester([{ role: school.name, permissions: school.permissions, scopes: ['/North'], via: 'user' }]);

  it('builds one filter for unscoped readers, org units + own for scoped ones, own only for end users', () => {
    expect(searchFilters(requester([{ role: readOnly.name, permissions: readOnly.permissions, via: 'user' }]))).toEqual(
      [{}],
    );
    expect(searchFilters(scoped)).toEqual([{ orgUnits: ['/North'] }, { users: ['kim@x.org'] }]);
    expect(searchFilters(requester([]))).toEqual([{ users: ['kim@x.org'] }]);
  });

  it('a scoped role sees its org units plus its own devices elsewhere, counted once', async () => {
    const r = await searchAsRequester(inventory, scoped, 'ABC', { limit: 10 });
    expect(r.matchedBy).toBe('serialPrefix');
    expect(r.devices.map((d) => d.id)).toEqual(['n1', 'n2', 'n3', 's1']);
    expect(r.total).toBe(4);
  });

  it('the total stays right when the list is cut short', async () => {
    const r = await searchAsRequester(inventory, scoped, 'ABC', { limit: 2 });
    expect(r.devices.map((d) => d.id)).toEqual(['n1', 'n2']);
    expect(r.total).toBe(4);
  });

  it('the better kind of match wins, as in one search', async () => {
    // "ABC004" is an exact serial among the own devices; the scope has only prefix-free matches.
    const r = await searchAsRequester(inventory, scoped, 'ABC004', { limit: 10 });
    expect(r.matchedBy).toBe('serial');
    expect(r.devices.map((d) => d.id)).toEqual(['s1']);
  });

  it('an end user sees only their own devices; one without a known email sees none', async () => {
    expect(
      (await searchAsRequester(inventory, requester([]), 'Room 1', { limit: 10 })).devices.map((d) => d.id),
    ).toEqual(['s1']);
    expect((await searchAsRequester(inventory, requester([], ''), 'ABC', { limit: 10 })).total).toBe(0);
  });
});
