/**
 * How the costs grow with the fleet: at each size, one page-fetch bound and one full sync into
 * Redis (each in a fresh process, against the Google emulator answering each page after 20 ms);
 * then 1 % of the fleet checks in and the periodic (incremental) sync that follows is measured
 * against the full one, in time and in requests; then the Redis lookups on a synthetic fleet of
 * that size, with a PING through the same client. One round per size: this is a cost curve, not a
 * steadiness check (the headline figures are).
 *   npm run bench -- --only scale [--sizes 10000,100000,1000000]
 */
import { SYNC_FIELDS } from '../src/directory';
import type { EmulatorStats } from '../src/sandbox/google';
import type { BenchChild } from './bench-child';
import { benchInventory, PLAIN_KINDS, type BenchKind } from './bench-inventory';
import {
  type Emulator,
  type MeasuredSync,
  startSyncEmulator,
  startSyncSession,
  syncRound,
  type SyncRound,
} from './bench-sync';
import { listDevices } from './emulator-list';

export const SCALE_SIZES = [10_000, 100_000, 1_000_000];

/** The share of the fleet that checks in between the full sync and the periodic one. */
export const CHANGED_SHARE = 0.01;

/** A sync measured in the session child, with the requests Google answered for it. */
interface CountedSync extends MeasuredSync {
  requests: number;
}

export interface ScaleRow {
  devices: number;
  bound: SyncRound;
  /** The full sync into Redis. */
  redis: CountedSync;
  /** The periodic sync after CHANGED_SHARE of the fleet checked in. */
  incremental: CountedSync & { changed: number };
  /** Bytes of one 200-device page: with the sync's `fields=`, and Google's FULL projection. */
  pageBytes: { syncFields: number; full: number };
  /** Redis lookup p99 by kind, ms. */
  lookupP99: Record<BenchKind | 'ping', number>;
  /** Redis lookup CPU per lookup by kind, µs. */
  lookupCpu: Record<BenchKind, number>;
  loadMs: number;
  /** Wall time of this size's whole measurement. */
  tookMs: number;
}

/** `sync` measured in the session child, counting the requests the emulator answered meanwhile. */
async function counted(google: BenchChild<Emulator>, sync: () => Promise<MeasuredSync>) {
  await google.ask({ resetStats: true });
  const round = await sync();
  const { requests } = await google.ask<EmulatorStats>({ stats: true });
  return { ...round, requests };
}

/** The full sync, then the periodic sync after a share of the fleet checked in, in one process. */
async function fullThenChanges(google: BenchChild<Emulator>, redisUrl: string) {
  const session = await startSyncSession(google.ready, redisUrl);
  const ask = (sync: 'full' | 'changes') => session.ask<MeasuredSync>({ sync });
  try {
    const redis = await counted(google, () => ask('full'));
    const { changed } = await google.ask<{ changed: number }>({ checkIn: CHANGED_SHARE });
    const incremental = { ...(await counted(google, () => ask('changes'))), changed };
    return { redis, incremental };
  } finally {
    await session.ask({ drop: true });
    await session.close();
  }
}

/** Bytes of the first page, as the sync asks for it and with every field of the FULL projection. */
async function pageBytes(emulator: Emulator): Promise<ScaleRow['pageBytes']> {
  const list = 'maxResults=200&projection=FULL';
  const bytes = async (query: string) => (await (await listDevices(emulator, query)).arrayBuffer()).byteLength;
  return { syncFields: await bytes(`${list}&fields=${encodeURIComponent(SYNC_FIELDS)}`), full: await bytes(list) };
}

async function syncAt(devices: number, redisUrl: string) {
  const google = await startSyncEmulator(devices, 20);
  try {
    const bound = await syncRound('fetch', google.ready, devices, redisUrl);
    return { bound, ...(await fullThenChanges(google, redisUrl)), pageBytes: await pageBytes(google.ready) };
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

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

const pct = (part: number, whole: number) => `${fmt((100 * part) / whole, 2)} %`;

/** The scaling tables: sync, periodic sync and lookups, one row per size. */
export function scaleSection(rows: ScaleRow[]): string {
  const kinds = [...PLAIN_KINDS, 'scopedText'] as BenchKind[];
  const sync = table(
    [
      'devices',
      'page-fetch bound',
      'Redis sync',
      'sync ÷ bound',
      'sync CPU per device',
      'sync peak RSS',
      'requests',
      'bytes per page: sync fields / FULL',
    ],
    rows.map((r) => [
      fmt(r.devices),
      `${fmt(r.bound.ms / 1000, 1)} s`,
      `${fmt(r.redis.ms / 1000, 1)} s`,
      `${fmt(r.redis.ms / r.bound.ms, 2)}×`,
      `${fmt(r.redis.cpuMicrosPerDevice)} µs`,
      `${fmt(r.redis.peakRssMb)} MB`,
      fmt(r.redis.requests),
      `${fmt(r.pageBytes.syncFields)} / ${fmt(r.pageBytes.full)} (${pct(r.pageBytes.syncFields, r.pageBytes.full)})`,
    ]),
  );
  const periodic = table(
    ['devices', 'checked in', 'read', 'periodic sync', '÷ full sync time', 'requests', '÷ full sync requests'],
    rows.map(({ devices, redis, incremental: i }) => [
      fmt(devices),
      fmt(i.changed),
      fmt(i.devices),
      `${fmt(i.ms / 1000, 2)} s`,
      pct(i.ms, redis.ms),
      fmt(i.requests),
      pct(i.requests, redis.requests),
    ]),
  );
  const lookups = table(
    ['devices', ...kinds.map((k) => `${k} p99`), 'PING p99', 'load', 'took'],
    rows.map((r) => [
      fmt(r.devices),
      ...kinds.map((k) => `${fmt(r.lookupP99[k], 2)} ms`),
      `${fmt(r.lookupP99.ping, 2)} ms`,
      `${fmt(r.loadMs / 1000, 1)} s`,
      `${fmt(r.tookMs / 60_000, 1)} min`,
    ]),
  );
  return `### Full sync\n\n${sync}\n\n### Periodic sync after ${fmt(CHANGED_SHARE * 100)} % of the fleet checked in\n\n${periodic}\n\n### Redis lookups\n\n${lookups}`;
}
