/**
 * How the costs grow with the fleet: at each size, one page-fetch bound and one full sync into
 * Redis (each in a fresh process, against the Google emulator answering each page after 20 ms),
 * then the Redis lookups on a synthetic fleet of that size, with a PING through the same client.
 * One round per size: this is a cost curve, not a steadiness check (the headline figures are).
 *   npm run bench -- --only scale [--sizes 10000,100000,1000000]
 */
import { benchInventory, PLAIN_KINDS, type BenchKind } from './bench-inventory';
import { startSyncEmulator, syncRound, type SyncRound } from './bench-sync';

export const SCALE_SIZES = [10_000, 100_000, 1_000_000];

export interface ScaleRow {
  devices: number;
  bound: SyncRound;
  redis: SyncRound;
  /** Redis lookup p99 by kind, ms. */
  lookupP99: Record<BenchKind | 'ping', number>;
  /** Redis lookup CPU per lookup by kind, µs. */
  lookupCpu: Record<BenchKind, number>;
  loadMs: number;
  /** Wall time of this size's whole measurement. */
  tookMs: number;
}

async function syncAt(devices: number, redisUrl: string): Promise<Pick<ScaleRow, 'bound' | 'redis'>> {
  const google = await startSyncEmulator(devices, 20);
  try {
    const bound = await syncRound('fetch', google.ready, devices, redisUrl);
    const redis = await syncRound('redis', google.ready, devices, redisUrl);
    return { bound, redis };
  } finally {
    await google.close();
  }
}

async function lookupsAt(devices: number, redisUrl: string) {
  const result = await benchInventory({ devices, lookups: 200, rounds: 1, redisUrl, implementations: ['redis'] });
  const redis = result.redis!;
  const kinds = [...PLAIN_KINDS, 'scopedText'] as BenchKind[];
  return {
    lookupP99: Object.fromEntries(
      [...kinds, 'ping'].map((k) => [k, redis[k as BenchKind | 'ping'][0].p99]),
    ) as ScaleRow['lookupP99'],
    lookupCpu: Object.fromEntries(kinds.map((k) => [k, redis[k][0].cpuMicrosPer])) as ScaleRow['lookupCpu'],
    loadMs: result.loadMs.redis ?? 0,
  };
}

export async function benchScale(options: { sizes?: number[]; redisUrl: string }): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const devices of options.sizes ?? SCALE_SIZES) {
    const started = Date.now();
    console.error(`bench: scale ${devices.toLocaleString('en')} devices…`);
    const sync = await syncAt(devices, options.redisUrl);
    const lookups = await lookupsAt(devices, options.redisUrl);
    rows.push({ devices, ...sync, ...lookups, tookMs: Date.now() - started });
  }
  return rows;
}

const fmt = (v: number, digits = 0) =>
  v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The scaling table: one row per size. */
export function scaleSection(rows: ScaleRow[]): string {
  const kinds = [...PLAIN_KINDS, 'scopedText'] as BenchKind[];
  const head = [
    'devices',
    'page-fetch bound',
    'Redis sync',
    'sync ÷ bound',
    'sync CPU per device',
    'sync peak RSS',
    ...kinds.map((k) => `${k} p99`),
    'PING p99',
    'took',
  ];
  const line = (r: ScaleRow) =>
    [
      fmt(r.devices),
      `${fmt(r.bound.ms / 1000, 1)} s`,
      `${fmt(r.redis.ms / 1000, 1)} s`,
      `${fmt(r.redis.ms / r.bound.ms, 2)}×`,
      `${fmt(r.redis.cpuMicrosPerDevice)} µs`,
      `${fmt(r.redis.peakRssMb)} MB`,
      ...kinds.map((k) => `${fmt(r.lookupP99[k], 2)} ms`),
      `${fmt(r.lookupP99.ping, 2)} ms`,
      `${fmt(r.tookMs / 60_000, 1)} min`,
    ].join(' | ');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${line(r)} |`)].join(
    '\n',
  );
}
