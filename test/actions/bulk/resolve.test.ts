import { AccessResolver, parseAccessFile } from '../../../src/access';
import { createActionCatalogue, DeviceAction, findAction } from '../../../src/actions';
import { resolveEntries } from '../../../src/actions/bulk';
import { MemoryInventory } from '../../../src/inventory';
import type { InventoryDevice } from '../../../src/inventory/types';

const T = 'tenant-1';
const device = (id: string, serialNumber: string, extra: Partial<InventoryDevice> = {}): InventoryDevice => ({
  id,
  source: 'chrome',
  serialNumber,
  status: 'ACTIVE',
  orgUnitPath: '/Schools/North/Students',
  users: [],
  ...extra,
});

describe('resolving bulk entries', () => {
  const inventory = new MemoryInventory();
  const catalogue = createActionCatalogue();
  const lostMode = findAction(catalogue, 'lostMode.on') as DeviceAction;
  const access = new AccessResolver({
    config: parseAccessFile(
      [
        'roles:',
        '  - name: Restarter',
        '    permissions: [Managed devices/Read, Remote tasks/Reboot now]',
        'assignments:',
        '  - role: School Administrator',
        '    users: [isaiah@example.com]',
        '    scopes: [/Schools/North]',
        '  - role: Restarter',
        '    users: [rita@example.com]',
      ].join('\n'),
    ),
    groups: { memberOf: async () => [] },
  });

  beforeAll(async () => {
    await inventory.upsertMany(T, [
      device('d1', 'SER001', { assetId: 'NTH-1' }),
      device('d2', 'SER002', { assetId: 'SER003' }),
      device('d3', 'SER003'),
      device('d4', 'SER004', { status: 'DEPROVISIONED' }),
      device('d5', 'SER005', { orgUnitPath: '/Schools/South/Students' }),
      device('d6', 'SER006', { source: 'intune', orgUnitPath: undefined }),
      device('d7', 'SER007', { assetId: 'SHARED' }),
      device('d8', 'SER008', { assetId: 'SHARED' }),
    ]);
  });

  async function as(upn: string, entries: string[], blanks = 0) {
    const a = await access.resolve({ aadObjectId: upn, upn, tenantId: T });
    return resolveEntries({
      inventory,
      tenantId: T,
      entries,
      blanks,
      action: lostMode,
      decide: (ctx) => access.can(a, lostMode.permission, ctx),
    });
  }

  it('names exactly one device per entry, by id, serial or asset id, and says why for every other', async () => {
    const r = await as(
      'isaiah@example.com',
      ['ser001', 'd3', 'NOPE', 'SER004', 'SER005', 'SER006', 'SHARED', 'SER003'],
      2,
    );
    expect(r.targets.map((t) => t.deviceId)).toEqual(['d1', 'd3']);
    expect(Object.fromEntries(r.skipped.map((s) => [s.input, s.reason]))).toEqual({
      NOPE: 'not-found',
      SER004: 'wrong-state',
      SER005: 'out-of-scope',
      SER006: 'wrong-state',
      SHARED: 'ambiguous',
      // The serial of d3 and the asset id of d2: two devices, so nothing is acted on.
      SER003: 'ambiguous',
    });
    expect(r.blanks).toBe(2);
  });

  it('repeats — the same text, or two names of one device — never add a target', async () => {
    const r = await as('isaiah@example.com', ['SER001', 'ser001 ', 'NTH-1', 'd1', 'SER001']);
    expect(r.targets.map((t) => t.deviceId)).toEqual(['d1']);
    expect(r.duplicates).toBe(4);
    expect(r.skipped).toEqual([]);
  });

  it('a role without the permission gets "lacking permission" on every device', async () => {
    const r = await as('rita@example.com', ['SER001', 'SER005']);
    expect(r.targets).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['no-permission', 'no-permission']);
    expect(r.skipped[0].detail).toContain('Remote tasks/Enable lost mode');
  });
});
