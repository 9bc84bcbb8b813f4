import type { Inventory, InventoryDevice } from '../inventory';

/**
 * A full sync's writes, a few pages at once (`depth`, default 2): a page goes to the inventory
 * while the pages before it are still being written, so the bot's work on one (mapping, the index
 * entries, the write's arguments) overlaps Redis's work on another instead of following it, and
 * Redis has the next write waiting when one ends (docs/performance.md). A page holding a device of
 * a page still being written waits for that write first, since each write reads the records it
 * replaces.
 */
export class PageWrites {
  private readonly inflight: Array<{ done: Promise<void>; ids: Set<string> }> = [];
  private devices = 0;

  constructor(
    private readonly inventory: Inventory,
    private readonly tenantId: string,
    private readonly depth = 2,
  ) {}

  /** Devices written so far. */
  get written(): number {
    return this.devices;
  }

  /**
   * Starts this page's write; resolves when fewer than `depth` writes are left running, and throws
   * the error of a write it waited for.
   */
  async add(devices: InventoryDevice[]): Promise<void> {
    // Writes are awaited in order: the last write sharing a device, and every write before it.
    let shared = -1;
    this.inflight.forEach((w, i) => {
      if (devices.some((d) => w.ids.has(d.id))) shared = i;
    });
    for (let i = 0; i <= shared; i++) await this.inflight.shift()!.done;
    const done = this.inventory.upsertMany(this.tenantId, devices).then(() => {
      this.devices += devices.length;
    });
    // Awaited by a later add or by finish; until then a failure must not go unhandled.
    done.catch(() => undefined);
    this.inflight.push({ done, ids: new Set(devices.map((d) => d.id)) });
    while (this.inflight.length >= this.depth) await this.inflight.shift()!.done;
  }

  /** Waits for every write, in order, and throws the first error. */
  async finish(): Promise<void> {
    while (this.inflight.length > 0) await this.inflight.shift()!.done;
  }

  /** Waits for the writes still running, whatever comes of them: before a sync gives up or cleans up. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inflight.splice(0).map((w) => w.done));
  }
}
