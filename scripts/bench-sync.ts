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
import { ConnectorService, createConnectorStores, type SyncOutcome } from '../src/connector';
import { createDeviceDirectory, type DeviceDirectory, FULL_SYNC_LISTING } from '../src/directory';
import { MemoryInventory, RedisInventory } from '../src/inventory';
import type { Inventory } from '../src/inventory/types';
import { silentLogger } from '../src/log';
import { deleteKeysByPrefix } from '../src/store/redis-keys';
import { cpuMicros, serveCommands, startChild } from './bench-child';
import { interleave } from './bench-steadiness';

/** fetch: every page read and nothing stored (the bound); memory, redis: a full sync into that inventory. */
export type SyncKind = 'fetch' | 'memory' | 'redis';

export interface SyncRound {
  ms: number;
  /** The syncing process's CPU time (user + system) per device, µs. */
  cpuMicrosPerDevice: number;
  peakRssMb: number;
}

/** A sync measured with the devices it read (what the sync child answers). */
export type MeasuredSync = SyncRound & { devices: number };

export interface BenchSyncResult {
  devices: number;
  pages: number;
  latencyMs: number;
  /** Interleaved rounds of the bound, the Redis sync and the memory sync (warm-up dropped). */
  rounds: { fetch: SyncRound[]; redis: SyncRound[]; memory: SyncRound[] };
}

const BENCH_TENANT = 'bench-tenant';

export interface Emulator {
  rootUrl: string;
  accessToken: string;
  customerId: string;
}

/** The bound reads the very pages a sync reads: the same fields and order, so the same bytes and the same work for Google. */
async function fetchAll(directory: DeviceDirectory): Promise<number> {
  let devices = 0;
  for await (const page of directory.listAll(FULL_SYNC_LISTING)) devices += page.length;
  return devices;
}

/** A connector syncing the bench tenant into an inventory of its own (Redis keys under a fresh prefix, or memory). */
function benchConnector(kind: 'memory' | 'redis', directory: DeviceDirectory, redisUrl: string) {
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
  const close = async () => {
    connector.stop();
    if (redis) {
      await deleteKeysByPrefix(redis, prefix);
      await redis.quit();
    }
  };
  return { connector, close };
}

/** Devices read by a completed sync; anything else is an error. */
function devicesOf(outcome: SyncOutcome | undefined): number {
  if (outcome?.status !== 'completed') throw new Error(`sync did not complete: ${JSON.stringify(outcome)}`);
  return outcome.devices;
}

function benchDirectory(emulator: Emulator): DeviceDirectory {
  return createDeviceDirectory({
    customerId: emulator.customerId,
    rootUrl: emulator.rootUrl,
    accessToken: emulator.accessToken,
    logger: silentLogger,
  });
}

/** Runs `work` (which answers the devices it handled), measuring its time, CPU and the process's peak RSS. */
async function measured(work: () => Promise<number>): Promise<MeasuredSync> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpuBefore = cpuMicros();
  const started = Date.now();
  try {
    const devices = await work();
    const ms = Date.now() - started;
    const cpu = cpuMicros() - cpuBefore;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { ms, cpuMicrosPerDevice: cpu / Math.max(devices, 1), peakRssMb: Math.round(peak / 1048576), devices };
  } finally {
    clearInterval(sampler);
  }
}

/** Child side: one fetch or one full sync; prints its SyncRound. */
async function syncOnce(kind: SyncKind, emulator: Emulator, devices: number, redisUrl: string): Promise<void> {
  const directory = benchDirectory(emulator);
  const bench = kind === 'fetch' ? undefined : benchConnector(kind, directory, redisUrl);
  // Only the sync is measured: dropping the bench's keys afterwards is not part of it.
  const { devices: got, ...round } = await measured(async () =>
    bench ? devicesOf(await (await bench.connector.connect(BENCH_TENANT, 'bench')).sync) : fetchAll(directory),
  ).finally(() => bench?.close());
  if (got !== devices) throw new Error(`${kind} got ${got} devices of ${devices}`);
  process.stdout.write(`${JSON.stringify(round)}\n`);
}

/**
 * Child side: one tenant synced into Redis and kept across commands, so that a periodic sync can
 * follow the full one: {"sync": "full"} connects and reads every device, {"sync": "changes"} reads
 * what changed since. Each answers its SyncRound and the devices it read. {"drop": true} ends it.
 */
function serveSyncSession(emulator: Emulator, redisUrl: string): void {
  const { connector, close } = benchConnector('redis', benchDirectory(emulator), redisUrl);
  const run = async (command: Record<string, unknown>) => {
    if (command.sync === 'full') return devicesOf(await (await connector.connect(BENCH_TENANT, 'bench')).sync);
    if (command.sync === 'changes') return devicesOf(await connector.syncChanges(BENCH_TENANT));
    throw new Error(`unknown command ${JSON.stringify(command)}`);
  };
  // {"drop": true} removes the tenant's keys: at a million devices that takes longer than a child
  // is given to leave once its stdin closes.
  serveCommands({}, async (command) => (command.drop ? close().then(() => ({})) : measured(() => run(command))));
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

/** A child that keeps one synced tenant across commands (see serveSyncSession). */
export function startSyncSession(emulator: Emulator, redisUrl: string) {
  return startChild<object>('bench-sync.ts', ['--session', JSON.stringify(emulator), '--redis-url', redisUrl]);
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

if (require.main === module && arg('session')) {
  serveSyncSession(JSON.parse(arg('session')!), arg('redis-url')!);
} else if (require.main === module) {
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
