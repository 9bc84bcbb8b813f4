import { PageWrites } from '../../src/connector/page-writes';
import { MemoryInventory, type InventoryDevice } from '../../src/inventory';

const device = (id: string): InventoryDevice => ({ id, source: 'chrome', serialNumber: id, users: [] });

/** A memory inventory whose writes wait until the test lets each one go, or fail it. */
class GatedInventory extends MemoryInventory {
  readonly started: string[][] = [];
  private readonly gates: Array<{ go: () => void; fail: (e: Error) => void }> = [];

  override upsertMany(tenantId: string, devices: InventoryDevice[]): Promise<void> {
    this.started.push(devices.map((d) => d.id));
    return new Promise<void>((resolve, reject) => {
      this.gates.push({ go: resolve, fail: reject });
    }).then(() => super.upsertMany(tenantId, devices));
  }

  release(write: number): void {
    this.gates[write].go();
  }

  fail(write: number, error: Error): void {
    this.gates[write].fail(error);
  }
}

const tick = () => new Promise((r) => setImmediate(r));

/** Whether the promise has settled after the pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

describe('PageWrites', () => {
  it('starts a page while the one before is written, and no third until that one is done', async () => {
    const inventory = new GatedInventory();
    const writes = new PageWrites(inventory, 't');
    await writes.add([device('a')]);
    const second = writes.add([device('b')]);
    expect(inventory.started).toEqual([['a'], ['b']]);
    expect(await settled(second)).toBe(false);
    inventory.release(0);
    await second;
    expect(writes.written).toBe(1);
    const third = writes.add([device('c')]);
    expect(inventory.started).toHaveLength(3);
    inventory.release(1);
    await third;
    inventory.release(2);
    await writes.finish();
    expect(writes.written).toBe(3);
    expect(await inventory.count('t')).toBe(3);
  });

  it('holds a page back until a write of the same device is done', async () => {
    const inventory = new GatedInventory();
    const writes = new PageWrites(inventory, 't');
    await writes.add([device('a'), device('b')]);
    const again = writes.add([device('c'), device('b')]);
    await tick();
    expect(inventory.started).toEqual([['a', 'b']]);
    inventory.release(0);
    await again;
    expect(inventory.started).toEqual([
      ['a', 'b'],
      ['c', 'b'],
    ]);
    inventory.release(1);
    await writes.finish();
    expect(writes.written).toBe(4);
  });

  it('with a depth of three, keeps three writes running and starts no fourth until the first is done', async () => {
    const inventory = new GatedInventory();
    const writes = new PageWrites(inventory, 't', 3);
    await writes.add([device('a')]);
    await writes.add([device('b')]);
    const third = writes.add([device('c')]);
    expect(inventory.started).toEqual([['a'], ['b'], ['c']]);
    expect(await settled(third)).toBe(false);
    inventory.release(0);
    await third;
    // A page sharing a device with the second write waits for it, not for the third.
    const shared = writes.add([device('d'), device('b')]);
    await tick();
    expect(inventory.started).toHaveLength(3);
    inventory.release(1);
    await tick();
    expect(inventory.started).toEqual([['a'], ['b'], ['c'], ['d', 'b']]);
    expect(await settled(shared)).toBe(true);
    inventory.release(2);
    inventory.release(3);
    await writes.finish();
    expect(writes.written).toBe(5);
    expect(await inventory.count('t')).toBe(4);
  });

  it('settles every write still running, failed or not, before a sync gives up', async () => {
    const inventory = new GatedInventory();
    const writes = new PageWrites(inventory, 't', 3);
    await writes.add([device('a')]);
    await writes.add([device('b')]);
    inventory.fail(0, new Error('quota'));
    const settling = writes.settle();
    expect(await settled(settling)).toBe(false);
    inventory.release(1);
    await settling;
    expect(writes.written).toBe(1);
    await writes.finish();
  });

  it("throws a write's failure at the next page, and settles the write still running", async () => {
    const inventory = new GatedInventory();
    const writes = new PageWrites(inventory, 't');
    await writes.add([device('a')]);
    const next = writes.add([device('b')]);
    inventory.fail(0, new Error('quota'));
    await expect(next).rejects.toThrow('quota');
    const settling = writes.settle();
    expect(await settled(settling)).toBe(false);
    inventory.release(1);
    await settling;
    expect(writes.written).toBe(1);
  });

  it('throws the last write’s failure from finish', async () => {
    const inventory = new GatedInventory();
    const writes = new PageWrites(inventory, 't');
    await writes.add([device('a')]);
    inventory.fail(0, new Error('gone'));
    await expect(writes.finish()).rejects.toThrow('gone');
    expect(writes.written).toBe(0);
  });
});
