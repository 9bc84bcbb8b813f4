/**
 * Full sync of a large fleet against the emulator:
 *   npx tsx scripts/bench-sync.ts [--devices 100000] [--latency-ms 20] [--rounds 5]
 * The emulator runs in one child process and each sync in another, so the CPU time and RSS
 * measured are the syncing bot's alone. Pages are fetched one after the other (each needs the
 * previous page's token), so the page-fetch bound — every page fetched and nothing stored — is the
 * least time a sync can take; it is measured the same way (in a fresh child) in every round, next
 * to the Redis sync, so that both see the same machine. The emulator answers each page after
 * `latency-ms`, a conservative stand-in for Google's own latency.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ConnectorService, createConnectorStores } from '../src/connector';
import { createDeviceDirectory, type DeviceDirectory, SYNC_FIELDS } from '../src/directory';
import { MemoryInventory, RedisInventory } from '../src/inventory';
import type { Inventory } from '../src/inventory/types';
import { silentLogger } from '../src/log';
import { deleteKeysByPrefix } from '../src/store/redis-keys';
import { cpuMicros, startChild } from './bench-child';
import { interleave } from './bench-steadiness';

/** fetch: every page read and nothing stored (the bound); memory, redis: a full sync into that inventory. */
export type SyncKind = 'fetch' | 'memory' | 'redis';

export interface SyncRound {
  ms: number;
  /** The syncing process's CPU time (user + system) per device, µs. */
  cpuMicrosPerDevice: number;
  peakRssMb: number;
}

export interface BenchSyncResult {
  devices: number;
  pages: number;
  latencyMs: number;
  /** Interleaved rounds of the bound, the Redis sync and the memory sync (warm-up dropped). */
  rounds: { fetch: SyncRound[]; redis: SyncRound[]; memory: SyncRound[] };
}

export interface Emulator {
  rootUrl: string;
  accessToken: string;
  customerId: string;
}

/** The bound reads the very pages a sync reads: the same fields, so the same bytes. */
async function fetchAll(directory: DeviceDirectory): Promise<number> {
  let devices = 0;
  for await (const page of directory.listAll({ fields: SYNC_FIELDS })) devices += page.length;
  return devices;
}

async function syncInto(kind: 'memory' | 'redis', directory: DeviceDirectory, redisUrl: string): Promise<number> {
  const redis = kind === 'redis' ? new Redis(redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  const prefix = `bench:${randomUUID().slice(0, 8)}:`;
  const inventory: Inventory = redis ? new RedisInventory(redis, { keyPrefix: prefix }) : new MemoryInventory();
  const connector = new ConnectorService({
    directory: () => directory,
    inventory,
    ...createConnectorStores(),
    setup: () => ({ scopes: [] }),
    logger: silentLogger,
  });
  try {
    const { sync } = await connector.connect('bench-tenant', 'bench');
    const outcome = await sync;
    if (outcome?.status !== 'completed') throw new Error(`sync did not complete: ${JSON.stringify(outcome)}`);
    return outcome.devices;
  } finally {
    connector.stop();
    if (redis) {
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    }
  }
}

/** Child side: one fetch or one full sync; prints its SyncRound. */
async function syncOnce(kind: SyncKind, emulator: Emulator, devices: number, redisUrl: string): Promise<void> {
  const directory = createDeviceDirectory({
    customerId: emulator.customerId,
    rootUrl: emulator.rootUrl,
    accessToken: emulator.accessToken,
    logger: silentLogger,
  });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpuBefore = cpuMicros();
  const started = Date.now();
  const got = kind === 'fetch' ? await fetchAll(directory) : await syncInto(kind, directory, redisUrl);
  const ms = Date.now() - started;
  const cpu = cpuMicros() - cpuBefore;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (got !== devices) throw new Error(`${kind} got ${got} devices of ${devices}`);
  const round: SyncRound = { ms, cpuMicrosPerDevice: cpu / devices, peakRssMb: Math.round(peak / 1048576) };
  process.stdout.write(`${JSON.stringify(round)}\n`);
}

/** The Google emulator in a child process of its own, serving `devices` generated devices. */
export async function startSyncEmulator(devices: number, latencyMs: number) {
  return startChild<Emulator>('google-emulator.ts', [
    '--devices',
    String(devices),
    '--latency-ms',
    String(latencyMs),
    '--until-stdin-closes',
  ]);
}

/** One fetch of every page, or one full sync, in a fresh child process. */
export async function syncRound(
  kind: SyncKind,
  emulator: Emulator,
  devices: number,
  redisUrl: string,
): Promise<SyncRound> {
  const run = await startChild<SyncRound>('bench-sync.ts', [
    '--child',
    kind,
    '--emulator',
    JSON.stringify(emulator),
    '--devices',
    String(devices),
    '--redis-url',
    redisUrl,
  ]);
  await run.close();
  return run.ready;
}

export async function benchSync(
  options: { devices?: number; latencyMs?: number; redisUrl?: string; rounds?: number } = {},
): Promise<BenchSyncResult> {
  const devices = options.devices ?? 100_000;
  const latencyMs = options.latencyMs ?? 20;
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const google = await startSyncEmulator(devices, latencyMs);
  const once = (kind: SyncKind) => syncRound(kind, google.ready, devices, redisUrl);
  try {
    // The warm-up round only fetches: it wakes the emulator; a sync runs in a fresh process anyway.
    const rounds = await interleave<SyncKind, SyncRound | undefined>(options.rounds ?? 5, 1, {
      fetch: () => once('fetch'),
      redis: (round) => (round < 0 ? Promise.resolve(undefined) : once('redis')),
      memory: (round) => (round < 0 ? Promise.resolve(undefined) : once('memory')),
    });
    return { devices, pages: Math.ceil(devices / 200), latencyMs, rounds: rounds as BenchSyncResult['rounds'] };
  } finally {
    await google.close();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const kind = arg('child') as SyncKind | undefined;
  const devices = arg('devices') ? Number(arg('devices')) : undefined;
  const run = kind
    ? syncOnce(kind, JSON.parse(arg('emulator')!), devices!, arg('redis-url')!)
    : benchSync({
        devices,
        latencyMs: arg('latency-ms') ? Number(arg('latency-ms')) : undefined,
        rounds: arg('rounds') ? Number(arg('rounds')) : undefined,
      }).then((r) => console.log(JSON.stringify(r, null, 2)));
  run.then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
