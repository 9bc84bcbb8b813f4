import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  checkedCopy,
  clampLimit,
  countedTotal,
  deviceTerms,
  idFromSortKey,
  normalizeFilter,
  passesFilter,
  type NormalizedFilter,
} from './indexing';
import { INTERSECT_SCRIPT, type IntersectGroup, type IntersectSpec } from './intersect-script';
import { PLAIN_SET_MIN, WRITE_SCRIPT, writeArgs, type WriteGroup, type WriteRecord } from './write-script';
import { planSearch, STEP_KIND, type SearchPlan, type SearchStep } from './search-plan';
import {
  COUNT_LIMIT,
  type DeviceSource,
  type Inventory,
  type InventoryDevice,
  type MatchKind,
  type SearchFilter,
  type SearchResult,
} from './types';

export interface RedisInventoryOptions {
  /** Prepended to every key, e.g. 'desk:' (tests use a unique one). */
  keyPrefix?: string;
  /** Devices written per pipeline. */
  chunkSize?: number;
  /**
   * A filtered lookup with at most this many candidates reads every candidate record and filters
   * it here. Default 0: the intersection script does it in one round trip instead of two.
   */
  smallCandidates?: number;
  /** A common word's or org unit's index becomes a plain set at no fewer devices than this (default PLAIN_SET_MIN). */
  plainSetMin?: number;
}

/** Highest byte: never part of UTF-8, so `[p` … `[p\xff` spans every member starting with p. */
const MAX_BYTE = Buffer.from([0xff]);

/**
 * Key layout of one tenant. Every index is a sorted set whose members are sort keys
 * (serial NUL id) with score 0, so Redis returns any index, or an intersection of indexes,
 * already in result order and ZRANGE … LIMIT gives the first page without reading the rest.
 *   d:<id>      device JSON
 *   all         every device; doubles as the serial index (ZRANGEBYLEX on the serial part)
 *   asset:<a> user:<u> loc:<l> tok:<t>   exact-value indexes
 *   ou:<path>   devices at or under an org unit (each device is in every ancestor's set)
 *               A common word's or unit's index (tok:, ou:) is a plain set instead, unordered
 *               (see PLAIN_SET_SHARE)
 *   locs        distinct locations, for "location contains"
 *   locs:v      bumped whenever locs changes, so instances can cache the list
 *   gen:<s>     ids of one source scored by the sync generation that last wrote them: also the
 *               list of the source's devices
 *   src:<s>     sort keys of one source, written by versions before the generation index; read
 *               to reconcile such an inventory once, then dropped (see removeStale)
 */
/** Index keys as suffixes of a tenant's base: the write script builds full keys from them. */
const SUFFIX = {
  all: 'all',
  legacySource: (source: DeviceSource) => `src:${source}`,
  asset: (assetId: string) => `asset:${assetId}`,
  user: (user: string) => `user:${user}`,
  location: (location: string) => `loc:${location}`,
  locations: 'locs',
  token: (token: string) => `tok:${token}`,
  orgUnit: (path: string) => `ou:${path}`,
  generation: (source: DeviceSource) => `gen:${source}`,
};

class TenantKeys {
  readonly base: string;
  constructor(prefix: string, tenantId: string) {
    this.base = `${prefix}inv:${encodeURIComponent(tenantId)}:`;
  }
  of(suffix: string): string {
    return this.base + suffix;
  }
  device(id: string): string {
    return `${this.base}d:${id}`;
  }
  get all(): string {
    return this.of(SUFFIX.all);
  }
  legacySource(source: DeviceSource): string {
    return this.of(SUFFIX.legacySource(source));
  }
  asset(assetId: string): string {
    return this.of(SUFFIX.asset(assetId));
  }
  user(user: string): string {
    return this.of(SUFFIX.user(user));
  }
  location(location: string): string {
    return this.of(SUFFIX.location(location));
  }
  get locations(): string {
    return this.of(SUFFIX.locations);
  }
  get locationsVersion(): string {
    return `${this.base}locs:v`;
  }
  get recordPrefix(): string {
    return `${this.base}d:`;
  }
  /** Unique per tenant and instance: the in-process cache of distinct locations is keyed by it. */
  get id(): string {
    return this.base;
  }
  token(token: string): string {
    return this.of(SUFFIX.token(token));
  }
  orgUnit(path: string): string {
    return this.of(SUFFIX.orgUnit(path));
  }
  generation(source: DeviceSource): string {
    return this.of(SUFFIX.generation(source));
  }
  temp(): string {
    return `${this.base}tmp:${randomUUID()}`;
  }
}

/**
 * A device's index entries: its sort key in every index set (as key suffixes), and its location
 * in the list of distinct locations.
 */
interface DeviceEntries {
  member: string;
  suffixes: string[];
  location?: string;
}

function indexEntries(device: InventoryDevice): DeviceEntries {
  const terms = deviceTerms(device);
  const suffixes = [SUFFIX.all];
  if (terms.assetId) suffixes.push(SUFFIX.asset(terms.assetId));
  for (const u of terms.users) suffixes.push(SUFFIX.user(u));
  if (terms.location) suffixes.push(SUFFIX.location(terms.location));
  for (const t of terms.tokens) suffixes.push(SUFFIX.token(t));
  for (const p of terms.orgUnits) suffixes.push(SUFFIX.orgUnit(p));
  return { member: terms.sortKey, suffixes, location: terms.location };
}

/** The groups that add a device's entries (or remove them, locations aside: see WRITE_SCRIPT's vacated). */
function entryGroups(e: DeviceEntries, withLocation: boolean): WriteGroup[] {
  const groups = [{ member: e.member, suffixes: e.suffixes }];
  if (withLocation && e.location) groups.push({ member: e.location, suffixes: [SUFFIX.locations] });
  return groups;
}

/** What indexing reads: devices equal in these have the same index entries. */
function sameIndexedFields(a: InventoryDevice, b: InventoryDevice): boolean {
  return (
    a.id === b.id &&
    a.source === b.source &&
    a.serialNumber === b.serialNumber &&
    a.name === b.name &&
    a.model === b.model &&
    a.platform === b.platform &&
    a.assetId === b.assetId &&
    a.location === b.location &&
    a.orgUnitPath === b.orgUnitPath &&
    a.users.length === b.users.length &&
    a.users.every((u, i) => u === b.users[i])
  );
}

function recordOf(device: InventoryDevice): WriteRecord {
  return {
    id: device.id,
    json: JSON.stringify(device),
    generationSuffix: SUFFIX.generation(device.source),
    generation: device.syncGeneration ?? 0,
  };
}

/** Entries of `from` that `to` lacks, as one group (or none). */
function missing(from: DeviceEntries, to: DeviceEntries): WriteGroup[] {
  if (from.member !== to.member) return [{ member: from.member, suffixes: from.suffixes }];
  const kept = new Set(to.suffixes);
  const suffixes = from.suffixes.filter((s) => !kept.has(s));
  return suffixes.length > 0 ? [{ member: from.member, suffixes }] : [];
}

/** A device that may be removed; `member` when it was found in an index by its sort key. */
interface Candidate {
  id: string;
  member?: string;
}

/**
 * Where a lookup's candidates are, with their exact count; for the words of free text ('inter')
 * only whether one of them has no device, which rules out any match (the script counts the rest).
 */
type Source =
  | { type: 'record'; json: string }
  | { type: 'lex'; prefix: string; count: number }
  | { type: 'union'; keys: string[]; count: number }
  | { type: 'inter'; keys: string[]; wordMissing: boolean };

/** A lookup's candidates as the intersect script's groups (a record needs no script). */
function groupsOf(keys: TenantKeys, source: Source): IntersectGroup[] {
  if (source.type === 'lex') return [{ keys: [keys.all], lex: source.prefix }];
  if (source.type === 'union') return [{ keys: source.keys }];
  if (source.type === 'inter') return source.keys.map((k) => ({ keys: [k] }));
  return [];
}

function holdsNothing(source: Source): boolean {
  if (source.type === 'record') return false;
  return source.type === 'inter' ? source.wordMissing : source.count === 0;
}

/**
 * "Location contains" is resolved only if the steps before it found nothing; an exact serial is
 * looked up whole while the other steps are sized (a page).
 */
type Sized = Source | { type: 'locations'; version: string } | { type: 'page'; page: Page };

interface Page {
  total: number;
  devices: InventoryDevice[];
}

/** The intersect script's answer: the total (counted up to a limit) and the first records. */
function pageOf(answer: unknown): Page {
  const [total, records] = answer as [number, Array<string | null>];
  return {
    total,
    devices: records.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as InventoryDevice),
  };
}

/**
 * The inventory's scripts as ioredis commands: ioredis sends EVALSHA, the script itself the first
 * time a connection runs it, and again after NOSCRIPT (a Redis restarted or flushed), in a
 * pipeline too, as it does for the audit trail's and the turn limiter's scripts.
 */
interface InventoryScripts {
  deskInventoryWrite(numKeys: number, ...args: string[]): Promise<unknown>;
  deskInventoryIntersect(numKeys: number, spec: string): Promise<unknown>;
}

type ScriptPipeline = ChainableCommander & {
  deskInventoryIntersect(numKeys: number, spec: string): ChainableCommander;
};

function defineScripts(redis: Redis): Redis & InventoryScripts {
  const defined = redis as Redis & Partial<InventoryScripts>;
  if (typeof defined.deskInventoryWrite !== 'function')
    redis.defineCommand('deskInventoryWrite', { lua: WRITE_SCRIPT });
  if (typeof defined.deskInventoryIntersect !== 'function')
    redis.defineCommand('deskInventoryIntersect', { lua: INTERSECT_SCRIPT });
  return redis as Redis & InventoryScripts;
}

async function run(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Merges sorted member lists (disjoint sets) into one sorted list of at most `limit`. */
function mergeSorted(lists: string[][], limit: number): string[] {
  return lists.flat().sort().slice(0, limit);
}

/** The inventory shared by every bot instance; see TenantKeys for the layout. */
export class RedisInventory implements Inventory {
  private readonly prefix: string;
  private readonly chunkSize: number;
  private readonly smallCandidates: number;
  private readonly plainSetMin: number;
  /** Distinct locations per tenant, with the locs:v version they were read at. */
  private readonly locationCache = new Map<string, { version: string; locations: string[] }>();

  private readonly redis: Redis & InventoryScripts;

  constructor(redis: Redis, options: RedisInventoryOptions = {}) {
    this.redis = defineScripts(redis);
    this.prefix = options.keyPrefix ?? '';
    this.chunkSize = options.chunkSize ?? 500;
    this.smallCandidates = options.smallCandidates ?? 0;
    this.plainSetMin = options.plainSetMin ?? PLAIN_SET_MIN;
  }

  async upsertMany(tenantId: string, devices: InventoryDevice[]): Promise<void> {
    const keys = this.keys(tenantId);
    // Last copy of an id wins; duplicates inside one chunk would otherwise leave stale entries.
    const unique = [...new Map(devices.map((d) => [d.id, checkedCopy(d)])).values()];
    for (const chunk of chunks(unique, this.chunkSize)) {
      // Worked out before the previous records are read: while Redis still runs another write
      // (a sync hands over the next page early, see PageWrites), this overlaps it. Index entries
      // wait for the previous records: a re-sync needs none for its unchanged devices.
      const records = chunk.map(recordOf);
      // The previous record says which index entries the new one no longer has.
      const previous = await this.redis.mget(chunk.map((d) => keys.device(d.id)));
      const removes: WriteGroup[] = [];
      const adds: WriteGroup[] = [];
      const vacated = new Set<string>();
      chunk.forEach((device, i) => {
        const json = previous[i];
        const before = json ? (JSON.parse(json) as InventoryDevice) : undefined;
        if (before && before.source !== device.source)
          removes.push({ member: device.id, suffixes: [SUFFIX.generation(before.source)] });
        // A re-sync mostly sees devices whose indexed fields did not move: only the record changes.
        if (before && sameIndexedFields(before, device)) return;
        const next = indexEntries(device);
        if (!before) {
          adds.push(...entryGroups(next, true));
          return;
        }
        const prev = indexEntries(before);
        removes.push(...missing(prev, next));
        adds.push(...missing(next, prev));
        if (prev.location !== next.location) {
          if (prev.location) vacated.add(prev.location);
          if (next.location) adds.push({ member: next.location, suffixes: [SUFFIX.locations] });
        }
      });
      await this.write(keys, removes, adds, records, vacated);
    }
  }

  /** One round trip for a chunk's index changes, records and vacated locations: see WRITE_SCRIPT. */
  private async write(
    keys: TenantKeys,
    removes: WriteGroup[],
    adds: WriteGroup[],
    records: WriteRecord[],
    vacated: Set<string>,
  ): Promise<void> {
    if (removes.length === 0 && adds.length === 0 && records.length === 0) return;
    await this.redis.deskInventoryWrite(0, keys.base, ...writeArgs(this.plainSetMin, removes, adds, records, vacated));
  }

  async get(tenantId: string, id: string): Promise<InventoryDevice | undefined> {
    const json = await this.redis.get(this.keys(tenantId).device(id));
    return json ? (JSON.parse(json) as InventoryDevice) : undefined;
  }

  async search(
    tenantId: string,
    query: string,
    options: { limit?: number; filter?: SearchFilter; kind?: MatchKind } = {},
  ): Promise<SearchResult> {
    const limit = clampLimit(options.limit);
    const filter = normalizeFilter(options.filter);
    const plan = planSearch(query, options.kind);
    if (filter?.none || plan.steps.length === 0) return { total: 0, devices: [] };
    const keys = this.keys(tenantId);
    const sizes = await this.sizeLookups(keys, plan, filter, limit);
    for (const step of plan.steps) {
      const page = await this.pageOfStep(keys, plan, sizes.get(step), filter, limit);
      if (page && page.total > 0)
        return { matchedBy: STEP_KIND[step], ...countedTotal(page.total), devices: page.devices };
    }
    return { total: 0, devices: [] };
  }

  private async pageOfStep(
    keys: TenantKeys,
    plan: SearchPlan,
    sized: Sized | undefined,
    filter: NormalizedFilter | undefined,
    limit: number,
  ): Promise<Page | undefined> {
    if (!sized) return undefined;
    if (sized.type === 'page') return sized.page;
    const source = sized.type === 'locations' ? await this.locationsContaining(keys, plan.key, sized.version) : sized;
    return holdsNothing(source) ? undefined : this.evaluate(keys, source, filter, limit);
  }

  async removeStale(tenantId: string, source: DeviceSource, generation: number): Promise<number> {
    const keys = this.keys(tenantId);
    const stale = (d: InventoryDevice) => d.source === source && (d.syncGeneration ?? 0) < generation;
    // An inventory written before the generation index is reconciled by reading every record once.
    if (await this.redis.exists(keys.legacySource(source))) {
      const removed = await this.removeWhere(keys, source, await this.everyCandidate(keys, source), stale);
      // Every device left was written by this sync, with its generation entry.
      await this.redis.del(keys.legacySource(source));
      return removed;
    }
    const ids = await this.redis.zrangebyscore(keys.generation(source), '-inf', `(${generation}`);
    return this.removeWhere(
      keys,
      source,
      ids.map((id) => ({ id })),
      stale,
    );
  }

  async removeAll(tenantId: string, source: DeviceSource): Promise<number> {
    const keys = this.keys(tenantId);
    const removed = await this.removeWhere(
      keys,
      source,
      await this.everyCandidate(keys, source),
      (d) => d.source === source,
    );
    await this.redis.del(keys.legacySource(source));
    return removed;
  }

  async count(tenantId: string, source?: DeviceSource): Promise<number> {
    const keys = this.keys(tenantId);
    if (!source) return this.redis.zcard(keys.all);
    // Until its first reconciliation, an older inventory lists some devices only under src:.
    const counts = (await run(
      this.redis.pipeline().zcard(keys.generation(source)).zcard(keys.legacySource(source)),
    )) as number[];
    return Math.max(...counts);
  }

  private keys(tenantId: string): TenantKeys {
    return new TenantKeys(this.prefix, tenantId);
  }

  /**
   * One round trip sizes every cheap step, so trying them in order costs no extra latency. An
   * exact serial, the commonest lookup and at most a device or two, is looked up whole in the
   * same round trip (the intersect script) instead of being counted and then read.
   */
  private async sizeLookups(
    keys: TenantKeys,
    plan: SearchPlan,
    filter: NormalizedFilter | undefined,
    limit: number,
  ): Promise<Map<SearchStep, Sized>> {
    const pipeline = this.redis.pipeline() as ScriptPipeline;
    const wantsLocations = plan.steps.includes('locationContains');
    if (wantsLocations) pipeline.get(keys.locationsVersion);
    const steps = this.queueSizing(pipeline, keys, plan, filter, limit);
    const results = await run(pipeline);
    const out = new Map<SearchStep, Sized>();
    let at = 0;
    if (wantsLocations)
      out.set('locationContains', { type: 'locations', version: (results[at++] as string | null) ?? '0' });
    for (const step of steps) {
      switch (step) {
        case 'id': {
          const json = results[at++] as string | null;
          if (json) out.set(step, { type: 'record', json });
          break;
        }
        case 'serial':
          out.set(step, { type: 'page', page: pageOf(results[at++]) });
          break;
        case 'serialPrefix':
          out.set(step, { type: 'lex', prefix: plan.key, count: results[at++] as number });
          break;
        case 'text': {
          const existing = results[at++] as number;
          // Always an intersection, even of one word: a common word's plain set has no order to
          // page in here, only in the intersection script.
          out.set(step, {
            type: 'inter',
            keys: plan.tokens.map((t) => keys.token(t)),
            wordMissing: existing < plan.tokens.length,
          });
          break;
        }
        default: {
          const key =
            step === 'assetId' ? keys.asset(plan.key) : step === 'user' ? keys.user(plan.key) : keys.location(plan.key);
          out.set(step, { type: 'union', keys: [key], count: results[at++] as number });
        }
      }
    }
    return out;
  }

  /** Queues one command per step that can be sized; returns those steps, in order. */
  private queueSizing(
    pipeline: ScriptPipeline,
    keys: TenantKeys,
    plan: SearchPlan,
    filter: NormalizedFilter | undefined,
    limit: number,
  ): SearchStep[] {
    const steps: SearchStep[] = [];
    for (const step of plan.steps) {
      switch (step) {
        case 'id':
          pipeline.get(keys.device(plan.raw));
          break;
        case 'serial':
          pipeline.deskInventoryIntersect(
            0,
            JSON.stringify(this.intersectSpec(keys, [{ keys: [keys.all], lex: plan.key, exact: true }], filter, limit)),
          );
          break;
        case 'serialPrefix':
          pipeline.zlexcount(keys.all, ...this.serialPrefixRange(plan.key));
          break;
        case 'assetId':
          pipeline.zcard(keys.asset(plan.key));
          break;
        case 'user':
          pipeline.zcard(keys.user(plan.key));
          break;
        case 'locationExact':
          pipeline.zcard(keys.location(plan.key));
          break;
        case 'text':
          if (plan.tokens.length === 0) continue;
          // A word's index is a sorted or a plain set (see PLAIN_SET_SHARE): EXISTS reads either.
          pipeline.exists(...plan.tokens.map((t) => keys.token(t)));
          break;
        default:
          continue;
      }
      steps.push(step);
    }
    return steps;
  }

  /** Serials starting with `key`: "key" … bounded by the 0xff byte. */
  private serialPrefixRange(key: string): [Buffer, Buffer] {
    const start = Buffer.from(`[${key}`);
    return [start, Buffer.concat([start, MAX_BYTE])];
  }

  /** Each device has one location, so the matching sets are disjoint and their sizes add up. */
  private async locationsContaining(keys: TenantKeys, fragment: string, version: string): Promise<Source> {
    const matched = (await this.distinctLocations(keys, version)).filter((l) => l.includes(fragment));
    if (matched.length === 0) return { type: 'union', keys: [], count: 0 };
    const locationKeys = matched.map((l) => keys.location(l));
    const pipeline = this.redis.pipeline();
    for (const key of locationKeys) pipeline.zcard(key);
    const counts = (await run(pipeline)) as number[];
    const live = locationKeys.filter((_, i) => counts[i] > 0);
    return { type: 'union', keys: live, count: counts.reduce((a, b) => a + b, 0) };
  }

  /** Read again only when another writer bumped the version: "contains" costs no scan per lookup. */
  private async distinctLocations(keys: TenantKeys, version: string): Promise<string[]> {
    const cached = this.locationCache.get(keys.id);
    if (cached && cached.version === version) return cached.locations;
    // Version and list read together, so a list is never cached under a newer version.
    const [current, locations] = (await run(
      this.redis.multi().get(keys.locationsVersion).zrange(keys.locations, 0, '-1'),
    )) as [string | null, string[]];
    this.locationCache.set(keys.id, { version: current ?? '0', locations });
    return locations;
  }

  private async evaluate(
    keys: TenantKeys,
    source: Source,
    filter: NormalizedFilter | undefined,
    limit: number,
  ): Promise<Page> {
    if (source.type === 'record') {
      const device = JSON.parse(source.json) as InventoryDevice;
      if (!passesFilter(deviceTerms(device), filter)) return { total: 0, devices: [] };
      return { total: 1, devices: limit > 0 ? [device] : [] };
    }
    if (filter && source.type !== 'inter' && source.count <= this.smallCandidates) {
      const devices = (await this.records(keys, await this.members(keys, source, source.count))).filter((d) =>
        passesFilter(deviceTerms(d), filter),
      );
      return { total: devices.length, devices: devices.slice(0, limit) };
    }
    return this.intersect(keys, source, filter, limit);
  }

  /** The first `limit` members of a lex range or a union of disjoint sets, in order. */
  private async members(keys: TenantKeys, source: Source, limit: number): Promise<string[]> {
    if (limit === 0) return [];
    if (source.type === 'lex')
      return this.redis.zrangebylex(keys.all, ...this.serialPrefixRange(source.prefix), 'LIMIT', 0, limit);
    if (source.type !== 'union') return [];
    if (source.keys.length === 1) return this.redis.zrange(source.keys[0], 0, String(limit - 1));
    const pipeline = this.redis.pipeline();
    for (const key of source.keys) pipeline.zrange(key, 0, String(limit - 1));
    return mergeSorted((await run(pipeline)) as string[][], limit);
  }

  /** Any index lookup, filtered or not, in one round trip: see INTERSECT_SCRIPT. */
  private async intersect(
    keys: TenantKeys,
    source: Source,
    filter: NormalizedFilter | undefined,
    limit: number,
  ): Promise<Page> {
    return pageOf(await this.evalIntersect(this.intersectSpec(keys, groupsOf(keys, source), filter, limit)));
  }

  /** The script's input: the lookup's groups, then the filter's, intersected. */
  private intersectSpec(
    keys: TenantKeys,
    lookup: IntersectGroup[],
    filter: NormalizedFilter | undefined,
    limit: number,
  ): IntersectSpec {
    const groups = [...lookup];
    if (filter?.users) groups.push({ keys: filter.users.map((u) => keys.user(u)) });
    if (filter?.orgUnits) groups.push({ keys: filter.orgUnits.map((p) => keys.orgUnit(p)) });
    return {
      limit,
      countLimit: COUNT_LIMIT + 1,
      all: keys.all,
      rec: keys.recordPrefix,
      temp: `${keys.temp()}:`,
      groups,
    };
  }

  private async evalIntersect(intersect: IntersectSpec): Promise<unknown> {
    return this.redis.deskInventoryIntersect(0, JSON.stringify(intersect));
  }

  private async records(keys: TenantKeys, members: string[]): Promise<InventoryDevice[]> {
    if (members.length === 0) return [];
    const jsons = await this.redis.mget(members.map((m) => keys.device(idFromSortKey(m))));
    // A record deleted between the index read and this one is simply left out.
    return jsons.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as InventoryDevice);
  }

  private async everyCandidate(keys: TenantKeys, source: DeviceSource): Promise<Candidate[]> {
    const members = await this.redis.zrange(keys.legacySource(source), 0, '-1');
    const ids = await this.redis.zrange(keys.generation(source), 0, '-1');
    return [...members.map((member) => ({ id: idFromSortKey(member), member })), ...ids.map((id) => ({ id }))];
  }

  /** Removes the candidates whose record is `doomed`, with every index entry they have. */
  private async removeWhere(
    keys: TenantKeys,
    source: DeviceSource,
    candidates: Candidate[],
    doomed: (d: InventoryDevice) => boolean,
  ): Promise<number> {
    let removed = 0;
    const done = new Set<string>();
    for (const chunk of chunks(candidates, this.chunkSize)) {
      const jsons = await this.redis.mget(chunk.map((c) => keys.device(c.id)));
      const removes: WriteGroup[] = [];
      const vacated = new Set<string>();
      const deleted: string[] = [];
      chunk.forEach(({ id, member }, i) => {
        const json = jsons[i];
        if (!json) {
          // An index entry without a record: drop it rather than keep finding a ghost.
          removes.push({ member: id, suffixes: [SUFFIX.generation(source)] });
          if (member) removes.push({ member, suffixes: [SUFFIX.all] });
          return;
        }
        const device = JSON.parse(json) as InventoryDevice;
        if (done.has(id) || !doomed(device)) return;
        done.add(id);
        const entries = indexEntries(device);
        removes.push(...entryGroups(entries, false), { member: id, suffixes: [SUFFIX.generation(source)] });
        if (entries.location) vacated.add(entries.location);
        deleted.push(keys.device(device.id));
      });
      if (removes.length === 0 && deleted.length === 0) continue;
      await this.write(keys, removes, [], [], vacated);
      if (deleted.length > 0) await this.redis.del(...deleted);
      removed += deleted.length;
    }
    return removed;
  }
}
