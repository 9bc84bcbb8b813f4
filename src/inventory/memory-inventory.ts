import {
  checkedCopy,
  clampLimit,
  countedTotal,
  deviceTerms,
  normalizeFilter,
  passesFilter,
  type DeviceTerms,
  type NormalizedFilter,
} from './indexing';
import { planSearch, STEP_KIND, type SearchPlan, type SearchStep } from './search-plan';
import { PackedDevices, sameStrings } from './packed-devices';
import { forEachSlot, heldSize, holds, SlotIndex, type Held } from './slot-index';
import type { DeviceSource, Inventory, InventoryDevice, MatchKind, SearchFilter, SearchResult } from './types';

/**
 * Batches bigger than this mark the serial order stale instead of splicing into it: a sync writes
 * page after page, and one re-sort at the next prefix lookup beats a splice per device.
 */
const RESORT_THRESHOLD = 64;

/**
 * One tenant's devices and their lookup indexes. Each device has a slot, a small number: the
 * per-device columns are arrays by slot and the indexes hold slots, so a device id is stored once.
 * Index terms (tokens above all) live only in the indexes, and are worked out again from the
 * device when it changes or leaves.
 */
class TenantIndex {
  private readonly slotOf = new Map<string, number>();
  private readonly records = new PackedDevices();
  /** By slot: what lookups, filters and removals need without unpacking a device. */
  private readonly ids: string[] = [];
  private readonly packed: string[] = [];
  private readonly sources: (DeviceSource | undefined)[] = [];
  /** NaN: none given. */
  private readonly generations: number[] = [];
  /** Normalized serial by slot: results are ordered by it, then by id. */
  private readonly serials: string[] = [];
  /** What filters compare, by slot. */
  readonly users: string[][] = [];
  readonly orgUnits: string[][] = [];
  private readonly freeSlots: number[] = [];
  readonly bySerial = new SlotIndex();
  readonly byAsset = new SlotIndex();
  readonly byUser = new SlotIndex();
  readonly byLocation = new SlotIndex();
  readonly byToken = new SlotIndex();
  readonly bySource = new SlotIndex();
  /** Slots in result order, for serial-prefix range scans. */
  private sorted: number[] = [];
  private sortedDirty = false;
  /** One copy of each org unit's ancestor list. */
  private readonly orgUnitLists = new Map<string, string[]>();

  get size(): number {
    return this.slotOf.size;
  }

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  device(slot: number): InventoryDevice {
    const generation = this.generations[slot];
    return this.records.unpack(
      this.packed[slot],
      this.ids[slot],
      this.users[slot],
      isNaN(generation) ? undefined : generation,
    );
  }

  id(slot: number): string {
    return this.ids[slot];
  }

  generation(slot: number): number | undefined {
    const generation = this.generations[slot];
    return isNaN(generation) ? undefined : generation;
  }

  /** Serial, then id: the order every result list comes in. */
  readonly compare = (a: number, b: number): number => {
    const sa = this.serials[a];
    const sb = this.serials[b];
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ia = this.ids[a];
    const ib = this.ids[b];
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };

  /** `bulk`: many changes at once, so re-sort lazily instead of splicing each one. Call `flush` after. */
  put(device: InventoryDevice, bulk: boolean): void {
    const terms = deviceTerms(device);
    const known = this.slotOf.get(device.id);
    const slot = known ?? this.freeSlots.pop() ?? this.ids.length;
    const old = known === undefined ? undefined : deviceTerms(this.device(slot));
    const moved = !old || old.serial !== terms.serial;
    if (old && moved) this.removeSorted(slot, bulk);
    if (old) this.unindex(slot, old, terms);
    const oldSource = this.sources[slot];
    if (oldSource !== device.source) {
      this.bySource.remove(oldSource, slot);
      this.bySource.add(device.source, slot);
    }
    this.slotOf.set(device.id, slot);
    this.ids[slot] = device.id;
    this.sources[slot] = device.source;
    this.generations[slot] = device.syncGeneration ?? NaN;
    this.serials[slot] = terms.serial;
    this.users[slot] = sameStrings(terms.users, device.users) ? device.users : terms.users;
    this.orgUnits[slot] = this.orgUnitsOf(device.orgUnitPath, terms.orgUnits);
    this.packed[slot] = this.records.pack(device, this.users[slot]);
    this.index(slot, terms, old);
    if (moved) this.addSorted(slot, bulk);
  }

  delete(id: string, bulk: boolean): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.removeSorted(slot, bulk);
    this.unindex(slot, deviceTerms(this.device(slot)));
    this.bySource.remove(this.sources[slot], slot);
    this.slotOf.delete(id);
    this.ids[slot] = '';
    this.packed[slot] = '';
    this.sources[slot] = undefined;
    this.generations[slot] = NaN;
    this.serials[slot] = '';
    this.users[slot] = [];
    this.orgUnits[slot] = [];
    this.freeSlots.push(slot);
    return true;
  }

  /** Applies the queued index changes: before any lookup. */
  flush(): void {
    for (const index of [this.bySerial, this.byAsset, this.byUser, this.byLocation, this.byToken, this.bySource])
      index.flush();
  }

  /** Indexes the slot under its terms; with `before`, only under those it was not indexed under. */
  private index(slot: number, terms: DeviceTerms, before?: DeviceTerms): void {
    const fresh = (key: string | undefined, had: string | undefined) => (key !== had ? key : undefined);
    // The serial's token is most often the serial itself: one string for both.
    const tokens = terms.tokens.map((t) => (t === terms.serial ? terms.serial : t));
    this.bySerial.add(fresh(terms.serial, before?.serial), slot);
    this.byAsset.add(fresh(terms.assetId, before?.assetId), slot);
    for (const u of without(terms.users, before?.users)) this.byUser.add(u, slot);
    this.byLocation.add(fresh(terms.location, before?.location), slot);
    for (const t of without(tokens, before?.tokens)) this.byToken.add(t, slot);
  }

  /** Takes the slot out of what it was indexed under; with `next`, only of what it no longer is. */
  private unindex(slot: number, terms: DeviceTerms, next?: DeviceTerms): void {
    const gone = (key: string | undefined, kept: string | undefined) => (key !== kept ? key : undefined);
    this.bySerial.remove(gone(terms.serial, next?.serial), slot);
    this.byAsset.remove(gone(terms.assetId, next?.assetId), slot);
    for (const u of without(terms.users, next?.users)) this.byUser.remove(u, slot);
    this.byLocation.remove(gone(terms.location, next?.location), slot);
    for (const t of without(terms.tokens, next?.tokens)) this.byToken.remove(t, slot);
  }

  private orgUnitsOf(path: string | undefined, orgUnits: string[]): string[] {
    const key = path ?? '';
    const known = this.orgUnitLists.get(key);
    if (known) return known;
    this.orgUnitLists.set(key, orgUnits);
    return orgUnits;
  }

  private addSorted(slot: number, bulk: boolean): void {
    if (bulk || this.sortedDirty) this.sortedDirty = true;
    else
      this.sorted.splice(
        this.lowerBound((s) => this.compare(s, slot) < 0),
        0,
        slot,
      );
  }

  /** Before the slot's serial changes: its place in the order is found by it. */
  private removeSorted(slot: number, bulk: boolean): void {
    if (bulk || this.sortedDirty) {
      this.sortedDirty = true;
      return;
    }
    const at = this.lowerBound((s) => this.compare(s, slot) < 0);
    if (this.sorted[at] === slot) this.sorted.splice(at, 1);
  }

  /** First place in the order where `before` stops holding. */
  private lowerBound(before: (slot: number) => boolean): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.sorted[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Devices whose serial starts with `prefix`, in serial order. */
  serialPrefix(prefix: string, visit: (slot: number) => void): void {
    if (this.sortedDirty) {
      this.sorted = Array.from(this.slotOf.values()).sort(this.compare);
      this.sortedDirty = false;
    }
    for (let i = this.lowerBound((s) => this.serials[s] < prefix); i < this.sorted.length; i++) {
      const slot = this.sorted[i];
      if (!this.serials[slot].startsWith(prefix)) break;
      visit(slot);
    }
  }
}

/**
 * Keeps the `limit` first slots in result order while counting everything that passed:
 * O(n log limit) instead of sorting every match of a broad query.
 */
class TopK {
  readonly items: number[] = [];
  total = 0;
  constructor(
    private readonly limit: number,
    private readonly compare: (a: number, b: number) => number,
  ) {}

  offer(slot: number): void {
    this.total++;
    if (this.limit === 0) return;
    const items = this.items;
    if (items.length === this.limit && this.compare(slot, items[items.length - 1]) >= 0) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(items[mid], slot) < 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, slot);
    if (items.length > this.limit) items.pop();
  }
}

/** The in-process inventory: the default store, and the twin the Redis one is tested against. */
export class MemoryInventory implements Inventory {
  private readonly tenants = new Map<string, TenantIndex>();

  async upsertMany(tenantId: string, devices: InventoryDevice[]): Promise<void> {
    const copies = devices.map(checkedCopy);
    const index = this.tenant(tenantId, true)!;
    const bulk = copies.length > RESORT_THRESHOLD;
    for (const device of copies) index.put(device, bulk);
    index.flush();
  }

  async get(tenantId: string, id: string): Promise<InventoryDevice | undefined> {
    const index = this.tenant(tenantId);
    const slot = index?.slot(id);
    return slot === undefined ? undefined : index!.device(slot);
  }

  async search(
    tenantId: string,
    query: string,
    options: { limit?: number; filter?: SearchFilter; kind?: MatchKind } = {},
  ): Promise<SearchResult> {
    const limit = clampLimit(options.limit);
    const filter = normalizeFilter(options.filter);
    const index = this.tenant(tenantId);
    const plan = planSearch(query, options.kind);
    if (!index || filter?.none) return { total: 0, devices: [] };
    const passes = filterOf(index, filter);
    for (const step of plan.steps) {
      const top = new TopK(limit, index.compare);
      candidates(index, step, plan, (slot) => {
        if (passes(slot)) top.offer(slot);
      });
      if (top.total > 0)
        return {
          matchedBy: STEP_KIND[step],
          ...countedTotal(top.total),
          devices: top.items.map((slot) => index.device(slot)),
        };
    }
    return { total: 0, devices: [] };
  }

  async removeStale(tenantId: string, source: DeviceSource, generation: number): Promise<number> {
    return this.removeWhere(tenantId, source, (seen) => (seen ?? 0) < generation);
  }

  async removeAll(tenantId: string, source: DeviceSource): Promise<number> {
    return this.removeWhere(tenantId, source, () => true);
  }

  async count(tenantId: string, source?: DeviceSource): Promise<number> {
    const index = this.tenant(tenantId);
    if (!index) return 0;
    return source ? heldSize(index.bySource.get(source)) : index.size;
  }

  private removeWhere(tenantId: string, source: DeviceSource, stale: (generation?: number) => boolean): number {
    const index = this.tenant(tenantId);
    if (!index) return 0;
    const doomed: string[] = [];
    forEachSlot(index.bySource.get(source), (slot) => {
      if (stale(index.generation(slot))) doomed.push(index.id(slot));
    });
    if (doomed.length === 0) return 0;
    const bulk = doomed.length > RESORT_THRESHOLD;
    for (const id of doomed) index.delete(id, bulk);
    index.flush();
    if (index.size === 0) this.tenants.delete(tenantId);
    return doomed.length;
  }

  private tenant(tenantId: string, create = false): TenantIndex | undefined {
    let index = this.tenants.get(tenantId);
    if (!index && create) this.tenants.set(tenantId, (index = new TenantIndex()));
    return index;
  }
}

function filterOf(index: TenantIndex, filter: NormalizedFilter | undefined): (slot: number) => boolean {
  if (!filter) return () => true;
  // One object reused for every candidate: a broad query may check the whole fleet.
  const terms = { users: [] as string[], orgUnits: [] as string[] };
  return (slot) => {
    terms.users = index.users[slot];
    terms.orgUnits = index.orgUnits[slot];
    return passesFilter(terms, filter);
  };
}

/** Calls `visit` for every candidate of a step. A callback, not a generator: several times faster on big sets. */
function candidates(index: TenantIndex, step: SearchStep, plan: SearchPlan, visit: (slot: number) => void): void {
  switch (step) {
    case 'id': {
      const slot = index.slot(plan.raw);
      if (slot !== undefined) visit(slot);
      return;
    }
    case 'serial':
      return forEachSlot(index.bySerial.get(plan.key), visit);
    case 'serialPrefix':
      return index.serialPrefix(plan.key, visit);
    case 'assetId':
      return forEachSlot(index.byAsset.get(plan.key), visit);
    case 'user':
      return forEachSlot(index.byUser.get(plan.key), visit);
    case 'locationExact':
      return forEachSlot(index.byLocation.get(plan.key), visit);
    case 'locationContains':
      // Distinct locations are few next to devices, so scanning their names is cheap.
      for (const [location, slots] of index.byLocation.entries()) {
        if (location.includes(plan.key)) forEachSlot(slots, visit);
      }
      return;
    case 'text':
      return textMatches(index, plan.tokens, visit);
  }
}

/** Devices holding every token: walk the shortest list, look the others up by binary search. */
function textMatches(index: TenantIndex, tokens: string[], visit: (slot: number) => void): void {
  const lists: Held[] = [];
  for (const token of tokens) {
    const held = index.byToken.get(token);
    if (held === undefined) return;
    lists.push(held);
  }
  if (lists.length === 0) return;
  lists.sort((a, b) => heldSize(a) - heldSize(b));
  const [shortest, ...rest] = lists;
  forEachSlot(shortest, (slot) => {
    if (rest.every((held) => holds(held, slot))) visit(slot);
  });
}

/** The values of `all` that `kept` does not hold (all of them without `kept`). */
function without(all: string[], kept: string[] | undefined): string[] {
  return kept ? all.filter((v) => !kept.includes(v)) : all;
}
