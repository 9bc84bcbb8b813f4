import {
  checkedCopy,
  clampLimit,
  deviceTerms,
  idFromSortKey,
  normalizeFilter,
  passesFilter,
  type DeviceTerms,
} from './indexing';
import { planSearch, STEP_KIND, type SearchPlan, type SearchStep } from './search-plan';
import type { DeviceSource, Inventory, InventoryDevice, MatchKind, SearchFilter, SearchResult } from './types';

/**
 * A stored device and what filtering and ordering need at hand. The rest of its index terms
 * (tokens above all) live only in the indexes, and are worked out again from the device when it
 * changes or leaves: keeping them per device too doubled the inventory's memory.
 */
interface Entry {
  device: InventoryDevice;
  sortKey: string;
  users: string[];
  orgUnits: string[];
}

/** Fields that take few distinct values across a fleet: one shared copy of each value. */
const SHARED_FIELDS = [
  'source',
  'name',
  'model',
  'status',
  'platform',
  'osVersion',
  'location',
  'orgUnitPath',
] as const;

/**
 * Batches bigger than this mark the serial order stale instead of splicing into it: a sync writes
 * page after page, and one re-sort at the next prefix lookup beats a splice per device.
 */
const RESORT_THRESHOLD = 64;

/** Key → device ids; a key held by one device (most serials and asset ids) keeps its id without a Set. */
type MultiIndex = Map<string, string | Set<string>>;

function addTo(index: MultiIndex, key: string | undefined, id: string): void {
  if (!key) return;
  const held = index.get(key);
  if (held === undefined) index.set(key, id);
  else if (typeof held === 'string') {
    if (held !== id) index.set(key, new Set([held, id]));
  } else held.add(id);
}

function removeFrom(index: MultiIndex, key: string | undefined, id: string): void {
  if (!key) return;
  const held = index.get(key);
  if (held === undefined) return;
  if (typeof held === 'string') {
    if (held === id) index.delete(key);
    return;
  }
  held.delete(id);
  if (held.size === 1) index.set(key, held.values().next().value as string);
}

function sizeOf(held: string | Set<string> | undefined): number {
  return held === undefined ? 0 : typeof held === 'string' ? 1 : held.size;
}

function forEachId(held: string | Set<string> | undefined, visit: (id: string) => void): void {
  if (held === undefined) return;
  if (typeof held === 'string') visit(held);
  else for (const id of held) visit(id);
}

function hasId(held: string | Set<string>, id: string): boolean {
  return typeof held === 'string' ? held === id : held.has(id);
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One tenant's devices and their lookup indexes. */
class TenantIndex {
  readonly entries = new Map<string, Entry>();
  readonly bySerial: MultiIndex = new Map();
  readonly byAsset: MultiIndex = new Map();
  readonly byUser: MultiIndex = new Map();
  readonly byLocation: MultiIndex = new Map();
  readonly byToken: MultiIndex = new Map();
  readonly bySource: MultiIndex = new Map();
  /** Sort keys (serial, id) in order, for serial-prefix range scans. */
  private sorted: string[] = [];
  private sortedDirty = false;
  /** One copy of each value of the fields in SHARED_FIELDS, and of each org unit's ancestor list. */
  private readonly strings = new Map<string, string>();
  private readonly orgUnitLists = new Map<string, string[]>();

  /** `bulk`: many changes at once, so re-sort lazily instead of splicing each one. */
  put(device: InventoryDevice, bulk: boolean): void {
    this.share(device);
    const terms = deviceTerms(device);
    const old = this.entries.get(device.id);
    if (old) {
      this.unindexFields(old.device);
      if (old.sortKey !== terms.sortKey) this.removeSorted(old.sortKey, bulk);
    }
    const sortKey = old && old.sortKey === terms.sortKey ? old.sortKey : terms.sortKey;
    this.entries.set(device.id, {
      device,
      sortKey,
      users: sameStrings(terms.users, device.users) ? device.users : terms.users,
      orgUnits: this.orgUnitsOf(device.orgUnitPath, terms.orgUnits),
    });
    this.indexFields(device.id, device.source, terms);
    if (!old || old.sortKey !== terms.sortKey) this.addSorted(terms.sortKey, bulk);
  }

  delete(id: string, bulk: boolean): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.unindexFields(entry.device);
    this.removeSorted(entry.sortKey, bulk);
    this.entries.delete(id);
    return true;
  }

  private indexFields(id: string, source: DeviceSource, terms: DeviceTerms): void {
    addTo(this.bySerial, terms.serial, id);
    addTo(this.byAsset, terms.assetId, id);
    for (const u of terms.users) addTo(this.byUser, u, id);
    addTo(this.byLocation, terms.location, id);
    for (const t of terms.tokens) addTo(this.byToken, t, id);
    addTo(this.bySource, source, id);
  }

  /** The terms are worked out again from the stored device: they are what it was indexed under. */
  private unindexFields(device: InventoryDevice): void {
    const terms = deviceTerms(device);
    const { id } = device;
    removeFrom(this.bySerial, terms.serial, id);
    removeFrom(this.byAsset, terms.assetId, id);
    for (const u of terms.users) removeFrom(this.byUser, u, id);
    removeFrom(this.byLocation, terms.location, id);
    for (const t of terms.tokens) removeFrom(this.byToken, t, id);
    removeFrom(this.bySource, device.source, id);
  }

  /** Replaces the device's repeated values (model, status, org unit…) by their one shared copy. */
  private share(device: InventoryDevice): void {
    const record = device as unknown as Record<string, unknown>;
    for (const field of SHARED_FIELDS) {
      const value = record[field];
      if (typeof value === 'string') record[field] = this.shared(value);
    }
  }

  private shared(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  private orgUnitsOf(path: string | undefined, orgUnits: string[]): string[] {
    const key = path ?? '';
    const known = this.orgUnitLists.get(key);
    if (known) return known;
    this.orgUnitLists.set(key, orgUnits);
    return orgUnits;
  }

  private addSorted(key: string, bulk: boolean): void {
    if (bulk || this.sortedDirty) this.sortedDirty = true;
    else this.sorted.splice(lowerBound(this.sorted, key), 0, key);
  }

  private removeSorted(key: string, bulk: boolean): void {
    if (bulk || this.sortedDirty) {
      this.sortedDirty = true;
      return;
    }
    const at = lowerBound(this.sorted, key);
    if (this.sorted[at] === key) this.sorted.splice(at, 1);
  }

  /** Devices whose serial starts with `prefix`, in serial order. */
  serialPrefix(prefix: string, visit: (entry: Entry) => void): void {
    if (this.sortedDirty) {
      // Sort keys are unique (they end with the device id), so the stored entries give them all.
      this.sorted = Array.from(this.entries.values(), (e) => e.sortKey).sort();
      this.sortedDirty = false;
    }
    for (let i = lowerBound(this.sorted, prefix); i < this.sorted.length; i++) {
      const key = this.sorted[i];
      // The serial is the part before NUL: a prefix must not run into the id.
      if (!key.startsWith(prefix) || key.indexOf('\u0000') < prefix.length) break;
      visit(this.entries.get(idFromSortKey(key))!);
    }
  }
}

/**
 * Keeps the `limit` smallest entries by sort key while counting everything that passed:
 * O(n log limit) instead of sorting every match of a broad query.
 */
class TopK {
  readonly items: Entry[] = [];
  total = 0;
  constructor(private readonly limit: number) {}

  offer(entry: Entry): void {
    this.total++;
    if (this.limit === 0) return;
    const key = entry.sortKey;
    const items = this.items;
    if (items.length === this.limit && key >= items[items.length - 1].sortKey) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid].sortKey < key) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, entry);
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
  }

  async get(tenantId: string, id: string): Promise<InventoryDevice | undefined> {
    const entry = this.tenant(tenantId)?.entries.get(id);
    return entry ? copy(entry.device) : undefined;
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
    for (const step of plan.steps) {
      const top = new TopK(limit);
      this.candidates(index, step, plan, (entry) => {
        if (passesFilter(entry, filter)) top.offer(entry);
      });
      if (top.total > 0)
        return { matchedBy: STEP_KIND[step], total: top.total, devices: top.items.map((e) => copy(e.device)) };
    }
    return { total: 0, devices: [] };
  }

  async removeStale(tenantId: string, source: DeviceSource, generation: number): Promise<number> {
    return this.removeWhere(tenantId, source, (d) => (d.syncGeneration ?? 0) < generation);
  }

  async removeAll(tenantId: string, source: DeviceSource): Promise<number> {
    return this.removeWhere(tenantId, source, () => true);
  }

  async count(tenantId: string, source?: DeviceSource): Promise<number> {
    const index = this.tenant(tenantId);
    if (!index) return 0;
    return source ? sizeOf(index.bySource.get(source)) : index.entries.size;
  }

  private removeWhere(tenantId: string, source: DeviceSource, stale: (d: InventoryDevice) => boolean): number {
    const index = this.tenant(tenantId);
    if (!index) return 0;
    const doomed: string[] = [];
    forEachId(index.bySource.get(source), (id) => {
      if (stale(index.entries.get(id)!.device)) doomed.push(id);
    });
    if (doomed.length === 0) return 0;
    const bulk = doomed.length > RESORT_THRESHOLD;
    for (const id of doomed) index.delete(id, bulk);
    if (index.entries.size === 0) this.tenants.delete(tenantId);
    return doomed.length;
  }

  private tenant(tenantId: string, create = false): TenantIndex | undefined {
    let index = this.tenants.get(tenantId);
    if (!index && create) this.tenants.set(tenantId, (index = new TenantIndex()));
    return index;
  }

  /** Calls `visit` for every candidate of a step. A callback, not a generator: several times faster on big sets. */
  private candidates(index: TenantIndex, step: SearchStep, plan: SearchPlan, visit: (entry: Entry) => void): void {
    const byIds = (ids: string | Set<string> | undefined): void =>
      forEachId(ids, (id) => visit(index.entries.get(id)!));
    switch (step) {
      case 'id': {
        const entry = index.entries.get(plan.raw);
        if (entry) visit(entry);
        return;
      }
      case 'serial':
        return byIds(index.bySerial.get(plan.key));
      case 'serialPrefix':
        return index.serialPrefix(plan.key, visit);
      case 'assetId':
        return byIds(index.byAsset.get(plan.key));
      case 'user':
        return byIds(index.byUser.get(plan.key));
      case 'locationExact':
        return byIds(index.byLocation.get(plan.key));
      case 'locationContains':
        // Distinct locations are few next to devices, so scanning their names is cheap.
        for (const [location, ids] of index.byLocation) {
          if (location.includes(plan.key)) byIds(ids);
        }
        return;
      case 'text': {
        const sets: (string | Set<string>)[] = [];
        for (const token of plan.tokens) {
          const held = index.byToken.get(token);
          if (!held) return;
          sets.push(held);
        }
        if (sets.length === 0) return;
        sets.sort((a, b) => sizeOf(a) - sizeOf(b));
        const [smallest, ...rest] = sets;
        forEachId(smallest, (id) => {
          if (rest.every((held) => hasId(held, id))) visit(index.entries.get(id)!);
        });
        return;
      }
    }
  }
}

function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function copy(device: InventoryDevice): InventoryDevice {
  return { ...device, users: [...device.users] };
}
