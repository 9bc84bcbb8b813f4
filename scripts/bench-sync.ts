/**
 * Full sync of a large fleet against the emulator:
 *   npx tsx scripts/bench-sync.ts [--devices 100000] [--latency-ms 20]
 * The emulator runs in one child process and each sync in another, so the RSS measured is the
 * syncing bot's alone. Pages are fetched one after the other (each needs the previous page's
 * token), so the page-fetch bound — every page fetched and nothing stored — is the least time a
 * sync can take. The emulator answers each page after `latency-ms`, a conservative stand-in for
 * Google's own latency. Target (DESIGN.md): within 1.1× that bound, RSS ≤ 256 MB.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ConnectorService, createConnectorStores } from '../src/connector';
import { createDeviceDirectory } from '../src/directory';
import { MemoryInventory, RedisInventory } from '../src/inventory';
import type { Inventory } from '../src/inventory/types';
import { silentLogger } from '../src/log';
import { deleteKeysByPrefix } from '../src/store/redis-keys';

type Kind = 'memory' | 'redis';

export interface BenchSyncResult {
  devices: number;
  pages: number;
  latencyMs: number;
  fetchBoundMs: number;
  sync: Record<Kind, { ms: number; ratio: number; peakRssMb: number }>;
}

interface Emulator {
  rootUrl: string;
  accessToken: string;
  customerId: string;
}

const TSX = join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Starts a script of ours in a child process and resolves with the first JSON line it prints. */
async function child(
  script: string,
  args: string[],
): Promise<{ process: ChildProcess; first: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [TSX, join(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { process: proc, first: JSON.parse(line) };
}

/** Child side: one full sync into one kind of inventory; prints {ms, peakRssMb}. */
async function syncOnce(kind: Kind, emulator: Emulator, devices: number, redisUrl: string): Promise<void> {
  const directory = createDeviceDirectory({
    customerId: emulator.customerId,
    rootUrl: emulator.rootUrl,
    accessToken: emulator.accessToken,
    logger: silentLogger,
  });
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
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = Date.now();
  const { sync } = await connector.connect('bench-tenant', 'bench');
  const outcome = await sync;
  const ms = Date.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  connector.stop();
  if (outcome?.status !== 'completed' || outcome.devices !== devices)
    throw new Error(`sync did not complete: ${JSON.stringify(outcome)}`);
  if (redis) {
    await deleteKeysByPrefix(redis, prefix);
    await redis.quit();
  }
  process.stdout.write(`${JSON.stringify({ ms, peakRssMb: Math.round(peak / 1024 / 1024) })}\n`);
}

export async function benchSync(
  options: { devices?: number; latencyMs?: number; redisUrl?: string } = {},
): Promise<BenchSyncResult> {
  const devices = options.devices ?? 100_000;
  const latencyMs = options.latencyMs ?? 20;
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const { process: emulatorProcess, first } = await child('google-emulator.ts', [
    '--devices',
    String(devices),
    '--latency-ms',
    String(latencyMs),
  ]);
  const emulator = first as unknown as Emulator;
  try {
    const directory = createDeviceDirectory({
      customerId: emulator.customerId,
      rootUrl: emulator.rootUrl,
      accessToken: emulator.accessToken,
      logger: silentLogger,
    });
    let pages = 0;
    const fetchStart = Date.now();
    for await (const page of directory.listAll()) pages += page.length > 0 ? 1 : 0;
    const fetchBoundMs = Date.now() - fetchStart;

    const sync = {} as BenchSyncResult['sync'];
    for (const kind of ['memory', 'redis'] as const) {
      const run = await child('bench-sync.ts', [
        '--child',
        kind,
        '--emulator',
        JSON.stringify(emulator),
        '--devices',
        String(devices),
        '--redis-url',
        redisUrl,
      ]);
      const { ms, peakRssMb } = run.first as { ms: number; peakRssMb: number };
      sync[kind] = { ms, ratio: Number((ms / fetchBoundMs).toFixed(2)), peakRssMb };
    }
    return { devices, pages, latencyMs, fetchBoundMs, sync };
  } finally {
    emulatorProcess.kill('SIGTERM');
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const kind = arg('child') as Kind | undefined;
  const devices = arg('devices') ? Number(arg('devices')) : undefined;
  const run = kind
    ? syncOnce(kind, JSON.parse(arg('emulator')!), devices!, arg('redis-url')!)
    : benchSync({ devices, latencyMs: arg('latency-ms') ? Number(arg('latency-ms')) : undefined }).then((r) =>
        console.log(JSON.stringify(r, null, 2)),
      );
  run.then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
