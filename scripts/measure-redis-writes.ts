/**
 * What writing a fleet into the Redis inventory costs Redis itself, command by command:
 *   npx tsx scripts/measure-redis-writes.ts [--devices 100000] [--order serial|fleet] [--redis redis://127.0.0.1:6379]
 * The bench's fleet is written in pages of 200, as a sync writes it (in serial order, as a full
 * sync lists it, or in the generated fleet's random order), under a fresh key prefix that is
 * dropped afterwards. Redis's command statistics are reset first (CONFIG RESETSTAT: run it on a
 * Redis of its own), so the times are Redis's busy time for these writes alone. Beside them: the
 * index entries per device, by the family of the index and by how many devices share its key,
 * because a sorted-set entry costs Redis more the larger its set (see docs/performance.md).
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { toChromeDevice } from '../src/directory';
import { fromChromeDevice, RedisInventory, type InventoryDevice } from '../src/inventory';
import { deviceTerms, sortKey } from '../src/inventory/indexing';
import { generateFleet } from '../src/sandbox/fleet';
import { deleteKeysByPrefix } from '../src/store/redis-keys';

const PAGE = 200;
const SIZE_CLASSES: Array<[label: string, atMost: number]> = [
  ['1 device', 1],
  ['2–128', 128],
  ['129–10,000', 10_000],
  ['over 10,000', Infinity],
];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Index keys of one device by family, as the Redis inventory writes them (the generation aside). */
function familyKeys(device: InventoryDevice): Array<[family: string, key: string]> {
  const t = deviceTerms(device);
  return [
    ['serial order', 'all'],
    ...(t.assetId ? [['asset, user, location', `asset:${t.assetId}`] as [string, string]] : []),
    ...t.users.map((u): [string, string] => ['asset, user, location', `user:${u}`]),
    ...(t.location ? [['asset, user, location', `loc:${t.location}`] as [string, string]] : []),
    ...t.tokens.map((w): [string, string] => ['words', `tok:${w}`]),
    ...t.orgUnits.map((p): [string, string] => ['org units', `ou:${p}`]),
  ];
}

/** Entries per device, by family and by the final size of the set each lands in. */
function entryTable(devices: InventoryDevice[]): string[] {
  const perDevice = devices.map(familyKeys);
  const sizes = new Map<string, number>();
  for (const keys of perDevice) for (const [, key] of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  const table = new Map<string, number[]>();
  for (const keys of perDevice)
    for (const [family, key] of keys) {
      const row = table.get(family) ?? SIZE_CLASSES.map(() => 0);
      row[SIZE_CLASSES.findIndex(([, atMost]) => sizes.get(key)! <= atMost)]++;
      table.set(family, row);
    }
  const n = devices.length;
  const lines = [`| family | ${SIZE_CLASSES.map(([label]) => label).join(' | ')} |`];
  lines.push(`|---|${SIZE_CLASSES.map(() => '---').join('|')}|`);
  for (const [family, row] of table) lines.push(`| ${family} | ${row.map((c) => (c / n).toFixed(2)).join(' | ')} |`);
  return lines;
}

/** Calls and busy µs per command since the last reset. */
async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_(\S+?):calls=(\d+),usec=(\d+)/g))
    out.set(m[1], { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

async function main(): Promise<void> {
  const count = Number(option('devices', '100000'));
  const order = option('order', 'serial');
  if (order !== 'serial' && order !== 'fleet') throw new Error('--order takes serial or fleet');
  const devices = generateFleet({ seed: 7, size: count, domain: 'example.com', now: Date.UTC(2026, 10, 1) }).map((d) =>
    fromChromeDevice(toChromeDevice(d), 1),
  );
  // A full sync lists devices by serial number (FULL_SYNC_LISTING); the fleet's own order is random.
  if (order === 'serial') {
    const keys = new Map(devices.map((d) => [d, sortKey(d)]));
    devices.sort((a, b) => (keys.get(a)! < keys.get(b)! ? -1 : 1));
  }
  console.log(`Index entries per device (${count} devices, in ${order} order), by the size of their set:\n`);
  console.log(entryTable(devices).join('\n'));
  const redis = new Redis(option('redis', 'redis://127.0.0.1:6379'));
  const prefix = `measure:${randomUUID().slice(0, 8)}:`;
  try {
    const inventory = new RedisInventory(redis, { keyPrefix: prefix });
    const memoryBefore = Number((await redis.info('memory')).match(/used_memory:(\d+)/)![1]);
    await redis.config('RESETSTAT');
    const cpu = process.cpuUsage();
    const started = Date.now();
    for (let at = 0; at < devices.length; at += PAGE) await inventory.upsertMany('t', devices.slice(at, at + PAGE));
    const ms = Date.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    const stats = await commandStats(redis);
    const memoryAfter = Number((await redis.info('memory')).match(/used_memory:(\d+)/)![1]);
    const perDevice = (usec: number) => (usec / count).toFixed(1);
    console.log(
      `\nWritten in ${(ms / 1000).toFixed(1)} s; this process's CPU ${perDevice(user + system)} µs per device.`,
    );
    console.log('\n| Redis command | calls | Redis busy µs per device |\n|---|---|---|');
    for (const [name, { calls, usec }] of stats)
      if (!name.startsWith('config')) console.log(`| ${name} | ${calls} | ${perDevice(usec)} |`);
    // A connection's first page sends the script itself (EVAL), the rest its SHA (EVALSHA).
    const script = (stats.get('evalsha')?.usec ?? 0) + (stats.get('eval')?.usec ?? 0);
    // Besides the script, the writes send only MGET (the previous records).
    const outside = new Set(['evalsha', 'eval', 'mget']);
    const inside = [...stats].reduce(
      (sum, [name, { usec }]) => (outside.has(name) || name.startsWith('config') ? sum : sum + usec),
      0,
    );
    console.log(
      `\nThe write script's own work (EVAL and EVALSHA less the commands it calls): ${perDevice(script - inside)} µs per device.`,
    );
    console.log(`Redis memory: +${Math.round((memoryAfter - memoryBefore) / count)} bytes per device.`);
  } finally {
    await deleteKeysByPrefix(redis, prefix);
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
