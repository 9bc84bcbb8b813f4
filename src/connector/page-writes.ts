import type { Inventory, InventoryDevice } from '../inventory';

/**
 * A full sync's writes, at most two pages at once: a page goes to the inventory while the page
 * before it is still being written, so the bot's work on the one (mapping, the index entries, the
 * write's arguments) overlaps Redis's work on the other instead of following it
 * (docs/performance.md). A page holding a device of the page still being written waits for that
 * write first, since each write reads the records it replaces.
 */
export class PageWrites {
  private inflight?: { done: Promise<void>; ids: Set<string> };
  private devices = 0;

  constructor(
    private readonly inventory: Inventory,
    private readonly tenantId: string,
  ) {}

  /** Devices written so far. */
  get written(): number {
    return this.devices;
  }

  /** Starts this page's write; resolves when the write before it is done, and throws its error. */
  async add(devices: InventoryDevice[]): Promise<void> {
    let before = this.inflight;
    if (before && devices.some((d) => before!.ids.has(d.id))) {
      this.inflight = undefined;
      await before.done;
      before = undefined;
    }
    const done = this.inventory.upsertMany(this.tenantId, devices).then(() => {
      this.devices += devices.length;
    });
    // Awaited by the next add or by finish; until then a failure must not go unhandled.
    done.catch(() => undefined);
    this.inflight = { done, ids: new Set(devices.map((d) => d.id)) };
    await before?.done;
  }

  /** Waits for the last write, and throws its error. */
  async finish(): Promise<void> {
    const last = this.inflight;
    this.inflight = undefined;
    await last?.done;
  }

  /** Waits for a write still running, whatever comes of it: before a sync gives up or cleans up. */
  async settle(): Promise<void> {
    await this.finish().catch(() => undefined);
  }
}
