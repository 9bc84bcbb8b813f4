/**
 * Lookup latency of the inventory on a synthetic fleet, memory and Redis side by side.
 *   npx tsx scripts/bench-inventory.ts [--devices 100000] [--lookups 300] [--rounds 5] [--redis-url redis://127.0.0.1:6379] [--only memory|redis]
 * Prints one JSON document on stdout. Target (DESIGN.md): p99 ≤ 5 ms with Redis. Each round
 * times every kind of lookup, and with Redis a PING through the same client first: the round
 * trip no lookup can beat, measured under the same load.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MemoryInventory } from '../src/inventory/memory-inventory';
import { deleteKeysByPrefix } from '../src/store/redis-keys';
import { RedisInventory } from '../src/inventory/redis-inventory';
import { seededRandom, syntheticDevices, SYNTHETIC_SCHOOLS } from '../src/inventory/synthetic-devices';
import type { Inventory, InventoryDevice, MatchKind, SearchFilter } from '../src/inventory/types';
import { cpuMicros } from './bench-child';
import { interleave, percentile } from './bench-steadiness';

export type BenchImplementation = 'memory' | 'redis';
export type BenchKind = 'serial' | 'serialPrefix' | 'assetId' | 'user' | 'text' | 'scopedText';

export interface BenchInventoryOptions {
  devices?: number;
  /** Lookups per kind, implementation and round. */
  lookups?: number;
  /** Rounds kept; one more is run first as a warm-up and thrown away. */
  rounds?: number;
  seed?: number;
  redisUrl?: string;
  implementations?: BenchImplementation[];
}

/** One round of one kind of lookup (or of PING), as the caller of the inventory sees it. */
export interface LookupRound {
  n: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** CPU time (user + system) of this process per lookup, µs: the bot's own cost. */
  cpuMicrosPer: number;
  /** Lookups answered by the kind the query was built for (a sanity check, should equal n). */
  matchedAsExpected: number;
}

export type RedisStep = BenchKind | 'ping';

export interface BenchInventoryResult {
  devices: number;
  lookupsPerRound: number;
  loadMs: Partial<Record<BenchImplementation, number>>;
  memory?: Record<BenchKind, LookupRound[]>;
  /** With PING through the same client, interleaved with the lookups: the round trip they can't beat. */
  redis?: Record<RedisStep, LookupRound[]>;
}

/** The kinds the lookup target names; scoped text is reported for context. */
export const PLAIN_KINDS: BenchKind[] = ['serial', 'serialPrefix', 'assetId', 'user', 'text'];

export interface Lookup {
  query: string;
  expect: MatchKind;
  filter?: SearchFilter;
}

/** Queries the way people type them: a whole serial, its first characters, a name, a model and a place. */
export function buildLookups(devices: InventoryDevice[], count: number, seed: number): Record<BenchKind, Lookup[]> {
  const rnd = seededRandom(seed);
  const pick = <T>(list: T[], ok: (x: T) => boolean = () => true): T => {
    for (;;) {
      const x = list[Math.floor(rnd() * list.length)];
      if (ok(x)) return x;
    }
  };
  const out: Record<BenchKind, Lookup[]> = {
    serial: [],
    serialPrefix: [],
    assetId: [],
    user: [],
    text: [],
    scopedText: [],
  };
  for (let i = 0; i < count; i++) {
    out.serial.push({ query: pick(devices).serialNumber, expect: 'serial' });
    out.serialPrefix.push({ query: pick(devices).serialNumber.slice(0, 6).toLowerCase(), expect: 'serialPrefix' });
    out.assetId.push({ query: pick(devices, (d) => d.assetId !== undefined).assetId!, expect: 'assetId' });
    const withUser = pick(devices, (d) => d.users.length > 0);
    out.user.push({ query: withUser.users[0], expect: 'user' });
    // Alternate "brand school" (hundreds of hits) and "first last" (a handful).
    const text =
      i % 2 === 0
        ? `${pick(devices, (d) => d.source === 'chrome').model!.split(' ')[0]} ${pick(SYNTHETIC_SCHOOLS)}`
        : withUser.users[0].split('@')[0].replace('.', ' ');
    out.text.push({ query: text, expect: 'text' });
    const school = pick(SYNTHETIC_SCHOOLS);
    // A school-scoped role searching a model: the filter intersects inside the store.
    const brand = pick(devices, (d) => d.source === 'chrome').model!.split(' ')[0];
    out.scopedText.push({ query: `${brand} chromebook`, expect: 'text', filter: { orgUnits: [`/Schools/${school}`] } });
  }
  return out;
}

/** Times each call of `call` and the process's CPU time across them all. */
async function timeRound(items: readonly Lookup[], call: (l: Lookup) => Promise<boolean>): Promise<LookupRound> {
  const samples: number[] = [];
  let matched = 0;
  const cpuBefore = cpuMicros();
  for (const l of items) {
    const start = process.hrtime.bigint();
    const ok = await call(l);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (ok) matched++;
  }
  return {
    n: items.length,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    cpuMicrosPer: (cpuMicros() - cpuBefore) / items.length,
    matchedAsExpected: matched,
  };
}

const searchWith =
  (inventory: Inventory, tenant: string) =>
  async (l: Lookup): Promise<boolean> => {
    const result = await inventory.search(tenant, l.query, { filter: l.filter });
    return result.matchedBy === l.expect && result.total > 0;
  };

/** Round r (−1 is the warm-up) takes its own slice of the prepared lookups. */
function slice(lookups: Lookup[], round: number, perRound: number): Lookup[] {
  const index = round < 0 ? lookups.length / perRound - 1 : round;
  return lookups.slice(index * perRound, (index + 1) * perRound);
}

/** A store under test, loaded; `drop` removes what it wrote. */
interface LoadedStore {
  inventory: Inventory;
  redis?: Redis;
  drop(): Promise<void>;
}

async function loadStore(
  impl: BenchImplementation,
  devices: InventoryDevice[],
  tenant: string,
  redisUrl: string | undefined,
): Promise<LoadedStore & { loadMs: number }> {
  let store: LoadedStore;
  if (impl === 'redis') {
    const redis = new Redis(redisUrl ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    const prefix = `bench:${randomUUID().slice(0, 8)}:`;
    const drop = async () => {
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    };
    store = { redis, inventory: new RedisInventory(redis, { keyPrefix: prefix }), drop };
  } else {
    store = { inventory: new MemoryInventory(), drop: async () => undefined };
  }
  const loadStart = process.hrtime.bigint();
  try {
    await store.inventory.upsertMany(tenant, devices);
  } catch (error) {
    await store.drop();
    throw error;
  }
  return { ...store, loadMs: Math.round(Number(process.hrtime.bigint() - loadStart) / 1e6) };
}

export async function benchInventory(options: BenchInventoryOptions = {}): Promise<BenchInventoryResult> {
  const count = options.devices ?? 100_000;
  const perRound = options.lookups ?? 300;
  const rounds = options.rounds ?? 5;
  const seed = options.seed ?? 42;
  const implementations = options.implementations ?? ['memory', 'redis'];
  const tenant = 'bench-tenant';
  const result: BenchInventoryResult = { devices: count, lookupsPerRound: perRound, loadMs: {} };
  const stores: LoadedStore[] = [];
  try {
    // Every store is loaded before any is timed, and the generated fleet is then let go: a client
    // holding a million devices would time its own garbage collections, which no bot pays.
    const lookups = await (async () => {
      const devices = syntheticDevices({ count, seed, syncGeneration: 1 });
      for (const impl of implementations) {
        const { loadMs, ...store } = await loadStore(impl, devices, tenant, options.redisUrl);
        result.loadMs[impl] = loadMs;
        stores.push(store);
      }
      return buildLookups(devices, perRound * (rounds + 1), seed + 1);
    })();
    const kinds = Object.keys(lookups) as BenchKind[];
    const steps = (inventory: Inventory) =>
      Object.fromEntries(
        kinds.map((kind) => [
          kind,
          (r: number) => timeRound(slice(lookups[kind], r, perRound), searchWith(inventory, tenant)),
        ]),
      ) as Record<BenchKind, (r: number) => Promise<LookupRound>>;
    // Each store is let go once timed, so that the next one is timed without it.
    for (let store = stores.shift(); store; store = stores.shift()) {
      const { inventory, redis } = store;
      try {
        if (redis) {
          // PING through the same client and connection, in the same rounds as the lookups.
          const ping = (r: number) =>
            timeRound(slice(lookups.serial, r, perRound), async () => (await redis.ping()) === 'PONG');
          result.redis = await interleave<RedisStep, LookupRound>(rounds, 1, { ping, ...steps(inventory) });
        } else {
          result.memory = await interleave<BenchKind, LookupRound>(rounds, 1, steps(inventory));
        }
      } finally {
        await store.drop();
      }
    }
  } finally {
    for (const store of stores) await store.drop();
  }
  return result;
}
function parseArgs(argv: string[]): BenchInventoryOptions {
  const options: BenchInventoryOptions = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--devices') options.devices = Number(value);
    else if (flag === '--lookups') options.lookups = Number(value);
    else if (flag === '--rounds') options.rounds = Number(value);
    else if (flag === '--seed') options.seed = Number(value);
    else if (flag === '--redis-url') options.redisUrl = value;
    else if (flag === '--only') options.implementations = [value as BenchImplementation];
    else
      throw new Error(
        `Unknown option ${flag}; use --devices, --lookups, --rounds, --seed, --redis-url or --only memory|redis`,
      );
  }
  return options;
}

if (require.main === module) {
  benchInventory(parseArgs(process.argv.slice(2)))
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
