/**
 * A fresh device read given the record a search has just found: the inventory is not read again,
 * the device is still read from Google and the permission check still runs.
 */
import { AccessResolver, Guard, parseAccessFile, type Requester } from '../../src/access';
import { MemoryAuditTrail } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { DeviceReader, DeviceUnavailable } from '../../src/devices';
import { createDeviceDirectory } from '../../src/directory';
import { MemoryInventory, type InventoryDevice } from '../../src/inventory';
import { fromChromeDevice } from '../../src/inventory/from-chrome';
import { silentLogger } from '../../src/log';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { startGoogleEmulator, type GoogleEmulator } from '../../src/sandbox/google';

const START = Date.parse('2026-03-02T10:00:00Z');
const TENANT = 'tenant-a';

const ACCESS = parseAccessFile(
  `
assignments:
  - role: School Administrator
    users: [isaiah@example.com]
    scopes: [/Schools/North]
`,
  'access.yaml',
);

/** The memory inventory, counting the single-record reads it is asked for. */
class CountingInventory extends MemoryInventory {
  gets = 0;
  override async get(tenantId: string, id: string): Promise<InventoryDevice | undefined> {
    this.gets++;
    return super.get(tenantId, id);
  }
}

describe('DeviceReader.read with the record a search found', () => {
  const clock = new ManualClock(START);
  const fleet = sandboxFleet(START);
  let google: GoogleEmulator;
  let inventory: CountingInventory;
  let reader: DeviceReader;
  let isaiah: Requester;
  let audit: MemoryAuditTrail;

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: fleet, clock });
    const directory = createDeviceDirectory({
      customerId: 'my_customer',
      rootUrl: google.rootUrl,
      accessToken: google.accessToken,
      clock,
      retry: { maxAttempts: 1 },
    });
    inventory = new CountingInventory();
    for await (const page of directory.listAll({}))
      await inventory.upsertMany(
        TENANT,
        page.map((d) => fromChromeDevice(d, 1)),
      );
    const resolver = new AccessResolver({ config: ACCESS, groups: { memberOf: async () => [] }, tenantId: TENANT });
    audit = new MemoryAuditTrail(clock);
    reader = new DeviceReader({
      google: () => directory,
      intune: () => undefined,
      inventory,
      guard: new Guard(resolver, audit, silentLogger),
      logger: silentLogger,
    });
    const upn = 'isaiah@example.com';
    isaiah = {
      teamsId: 'teams-isaiah',
      name: 'isaiah',
      upn,
      tenantId: TENANT,
      access: await resolver.resolve({ aadObjectId: 'aad-isaiah', upn, tenantId: TENANT, name: upn }),
    };
  });
  afterAll(async () => {
    await google.close();
  });
  beforeEach(() => {
    inventory.gets = 0;
    google.resetStats();
  });

  const synced = async (inScope: boolean): Promise<InventoryDevice> => {
    const device = fleet.find((d) => d.orgUnitPath.startsWith('/Schools/North') === inScope && d.serialNumber);
    const record = await inventory.get(TENANT, device!.deviceId);
    inventory.gets = 0;
    return record!;
  };

  it('reads the device from Google without reading its inventory record again, as a read without it would show', async () => {
    const found = await synced(true);
    const withFound = await reader.read(isaiah, found.id, 'device.find', found);
    expect(inventory.gets).toBe(0);
    expect(google.stats().requests).toBeGreaterThan(0);
    const without = await reader.read(isaiah, found.id, 'device.find');
    expect(inventory.gets).toBe(1);
    expect(withFound).toEqual(without);
  });

  it('still refuses a device outside the requester scope', async () => {
    const found = await synced(false);
    await expect(reader.read(isaiah, found.id, 'device.find', found)).rejects.toBeInstanceOf(DeviceUnavailable);
    expect(inventory.gets).toBe(0);
  });

  it('reads the inventory when the record given is another device', async () => {
    const found = await synced(true);
    const other = await synced(false);
    await reader.read(isaiah, found.id, 'device.find', other);
    expect(inventory.gets).toBe(1);
  });
});
