/** A bulk runner wired to the real directory client and the Google emulator over HTTP. */
import {
  BulkCounts,
  BulkNotifier,
  BulkResultRow,
  BulkRun,
  BulkRunner,
  BulkRunnerDeps,
  BulkRunStore,
  BulkTarget,
  createRateLimiter,
  RunnerSettings,
} from '../../../src/actions/bulk';
import { MemoryAuditTrail } from '../../../src/audit';
import type { Clock } from '../../../src/clock';
import { createDeviceDirectory } from '../../../src/directory';
import type { DeviceDirectory } from '../../../src/directory/types';
import { silentLogger } from '../../../src/log';
import { generateFleet } from '../../../src/sandbox/fleet';
import type { FleetDevice } from '../../../src/sandbox/fleet/types';
import type { GoogleEmulator } from '../../../src/sandbox/google';
import type { JobQueue } from '../../../src/store/job-queue';
import type { ManagedDeviceDirectory } from '../../../src/intune';
import type Redis from 'ioredis';

export const NOW = Date.parse('2026-03-02T10:00:00Z');

/** A clock running `speed` times faster than real time, so minutes of quota pass in moments. */
export function fastClock(speed: number): Clock & { sleep: (ms: number) => Promise<void> } {
  const real0 = Date.now();
  return {
    now: () => NOW + (Date.now() - real0) * speed,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms / speed))),
  };
}

export function activeFleet(size: number, seed: string): FleetDevice[] {
  const fleet = generateFleet({ seed, size, domain: 'school.example', now: NOW });
  for (const d of fleet)
    Object.assign(d, {
      status: 'ACTIVE',
      osVersion: '130.0.6723.116',
      behaviour: { connectivity: 'online', kiosk: false },
    });
  return fleet;
}

export function targetsOf(fleet: FleetDevice[]): BulkTarget[] {
  return fleet.map((d) => ({
    deviceId: d.deviceId,
    serialNumber: d.serialNumber,
    input: d.serialNumber,
    context: { orgUnitPath: d.orgUnitPath, users: [] },
  }));
}

export class RecordingNotifier implements BulkNotifier {
  readonly progressCalls: BulkCounts[] = [];
  finishedWith?: { run: BulkRun; counts: BulkCounts; rows: BulkResultRow[] };
  private waiters: Array<() => void> = [];

  async progress(_run: BulkRun, counts: BulkCounts): Promise<void> {
    this.progressCalls.push(counts);
  }

  async finished(run: BulkRun, counts: BulkCounts, rows: BulkResultRow[]): Promise<void> {
    this.finishedWith = { run, counts, rows };
    for (const w of this.waiters) w();
  }

  done(timeoutMs = 20_000): Promise<NonNullable<RecordingNotifier['finishedWith']>> {
    if (this.finishedWith) return Promise.resolve(this.finishedWith);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('bulk run did not finish in time')), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(this.finishedWith!);
      });
    });
  }
}

export function directoryFor(
  google: GoogleEmulator,
  clock: Clock,
  options: { timeoutMs?: number } = {},
): DeviceDirectory {
  return createDeviceDirectory({
    customerId: 'my_customer',
    rootUrl: google.rootUrl,
    accessToken: google.accessToken,
    clock,
    // As src/index.ts builds it for bulk runs: every request passes the runner's limiter and backoff.
    retry: { maxAttempts: 1 },
    ...options,
  });
}

export interface RunnerParts {
  directory: DeviceDirectory;
  store: BulkRunStore;
  queue: JobQueue;
  clock: Clock & { sleep?: (ms: number) => Promise<void> };
  quotaPerMinute: number;
  redis?: Redis;
  limiterKey?: string;
  settings?: Partial<RunnerSettings>;
  /** Intune, for remote lock runs. */
  managedDevices?: Pick<ManagedDeviceDirectory, 'remoteLock' | 'deviceAction' | 'get'>;
  lockPrecheck?: BulkRunnerDeps['lockPrecheck'];
  /** The requester's scope, checked again before each device. */
  recheck?: BulkRunnerDeps['recheck'];
}

export function makeRunner(p: RunnerParts): {
  runner: BulkRunner;
  notifier: RecordingNotifier;
  audit: MemoryAuditTrail;
} {
  const notifier = new RecordingNotifier();
  const audit = new MemoryAuditTrail();
  const runner = new BulkRunner({
    google: () => p.directory,
    intune: () => p.managedDevices,
    lockPrecheck: p.lockPrecheck,
    recheck: p.recheck,
    store: p.store,
    queue: p.queue,
    limiter: createRateLimiter({
      redis: p.redis,
      key: p.limiterKey,
      limit: Math.floor(p.quotaPerMinute * 0.9),
      clock: p.clock,
      sleep: p.clock.sleep,
    }),
    clock: p.clock,
    audit,
    logger: silentLogger,
    notifier,
    sleep: p.clock.sleep,
    settings: {
      progressIntervalMs: 0,
      backoffBaseMs: 50,
      backoffMaxMs: 2_000,
      leaseMs: 2_000,
      sweepIntervalMs: 60_000,
      ...p.settings,
    },
  });
  return { runner, notifier, audit };
}

export function queuedRun(
  id: string,
  action: BulkRun['action'],
  total: number,
  params: BulkRun['params'] = {},
): BulkRun {
  return {
    id,
    tenantId: 'tenant-1',
    requester: { teamsId: 'user-1', name: 'Megan Bowen', tenantId: 'tenant-1' },
    action,
    params,
    source: 'a test list',
    state: 'queued',
    total,
    limit: 100_000,
    skipped: [{ input: 'NOPE', reason: 'not-found', detail: 'No device has the serial "NOPE".' }],
    duplicates: 0,
    blanks: 0,
    createdAt: NOW,
    updatedAt: NOW,
    previewExpiresAt: NOW + 60_000,
  };
}
