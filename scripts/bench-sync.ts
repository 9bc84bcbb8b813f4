/**
 * Full sync of a large fleet against the emulator, which runs in a child process so that this
 * process's memory is the bot's alone:
 *   npx tsx scripts/bench-sync.ts [--devices 100000]
 * Target (DESIGN.md): within 1.1× the page-fetch bound (the time to fetch every page and do
 * nothing with it), RSS ≤ 256 MB.
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

export interface BenchSyncResult {
  devices: number;
  pages: number;
  fetchBoundMs: number;
  sync: Record<'memory' | 'redis', { ms: number; ratio: number; peakRssMb: number }>;
}

async function startEmulatorProcess(devices: number): Promise<{ child: ChildProcess; rootUrl: string; accessToken: string; customerId: string }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'google-emulator.ts'), '--devices', String(devices)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, ...JSON.parse(line) };
}

function peakRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
    },
  };
}

export async function benchSync(options: { devices?: number; redisUrl?: string } = {}): Promise<BenchSyncResult> {
  const count = options.devices ?? 100_000;
  const emulator = await startEmulatorProcess(count);
  const directory = createDeviceDirectory({ customerId: emulator.customerId, rootUrl: emulator.rootUrl, accessToken: emulator.accessToken, logger: silentLogger });
  const redis = new Redis(options.redisUrl ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `bench:${randomUUID().slice(0, 8)}:`;
  try {
    // Warm-up and the bound: every page fetched one after the other, nothing stored.
    for await (const page of directory.listAll()) void page;
    let pages = 0;
    const fetchStart = Date.now();
    for await (const page of directory.listAll()) pages += page.length > 0 ? 1 : 0;
    const fetchBoundMs = Date.now() - fetchStart;

    const sync = {} as BenchSyncResult['sync'];
    for (const kind of ['memory', 'redis'] as const) {
      const inventory: Inventory = kind === 'memory' ? new MemoryInventory() : new RedisInventory(redis, { keyPrefix: prefix });
      const connector = new ConnectorService({ directory, inventory, ...createConnectorStores(), setup: { scopes: [] }, logger: silentLogger });
      global.gc?.();
      const rss = peakRss();
      const started = Date.now();
      const { sync: running } = await connector.connect('bench-tenant', 'bench');
      const outcome = await running;
      const ms = Date.now() - started;
      const peakRssMb = rss.stop();
      if (outcome?.status !== 'completed' || outcome.devices !== count) throw new Error(`sync did not complete: ${JSON.stringify(outcome)}`);
      sync[kind] = { ms, ratio: Number((ms / fetchBoundMs).toFixed(2)), peakRssMb };
      connector.stop();
    }
    return { devices: count, pages, fetchBoundMs, sync };
  } finally {
    emulator.child.kill('SIGTERM');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--devices');
  benchSync({ devices: i > 0 ? Number(process.argv[i + 1]) : undefined })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
