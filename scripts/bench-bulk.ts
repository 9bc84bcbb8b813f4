/**
 * Bulk run of 10,000 devices against the emulator's enforced quota (DESIGN.md): the time from
 * start to the last device, against the quota-bound minimum, and a check that every device got
 * exactly one command. Google's quota is per minute, so the run uses a clock that goes `speed`
 * times faster than real time for the emulator, the limiter and the runner alike.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  BULK_QUOTA_SHARE,
  BulkCounts,
  BulkResultRow,
  BulkRun,
  BulkRunner,
  createRateLimiter,
  MemoryBulkRunStore,
} from '../src/actions/bulk';
import { MemoryAuditTrail } from '../src/audit';
import type { Clock } from '../src/clock';
import { createDeviceDirectory } from '../src/directory';
import { silentLogger } from '../src/log';
import { generateFleet } from '../src/sandbox/fleet';
import type { FleetDevice } from '../src/sandbox/fleet/types';
import { EmulatorStats, startGoogleEmulator } from '../src/sandbox/google';
import { MemoryJobQueue } from '../src/store/job-queue';
import { cpuMicros } from './bench-child';

export interface BenchBulkResult {
  devices: number;
  quotaPerMinute: number;
  speed: number;
  /** Virtual seconds (the quota's own time). */
  seconds: number;
  minimumSeconds: number;
  ratio: number;
  targetMet: boolean;
  commandsAccepted: number;
  distinctCommands: number;
  throttled: number;
  done: number;
  failed: number;
  realSeconds: number;
  /** CPU time (user + system) of the bot's process per device, µs: the runner, limiter and client. */
  cpuMicrosPerDevice: number;
}

export async function benchBulk(
  options: { devices?: number; quotaPerMinute?: number; speed?: number } = {},
): Promise<BenchBulkResult> {
  const devices = options.devices ?? 10_000;
  const quota = options.quotaPerMinute ?? 2400;
  const speed = options.speed ?? 4;
  const t0 = Date.parse('2026-03-02T10:00:00Z');
  const real0 = Date.now();
  const clock: Clock = { now: () => t0 + (Date.now() - real0) * speed };
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms / speed)));

  const fleet = benchFleet(devices, t0);
  // Google in its own process, as in production: the bot's process doesn't pay for Google's work.
  const google = await emulatorProcess({ devices, quota, t0, real0, speed });
  const directory = createDeviceDirectory({
    customerId: 'my_customer',
    rootUrl: google.rootUrl,
    accessToken: google.accessToken,
    clock,
    retry: { maxAttempts: 1 },
  });
  const store = new MemoryBulkRunStore(() => clock.now());
  const queue = new MemoryJobQueue();
  let finished: ((v: { counts: BulkCounts; rows: BulkResultRow[] }) => void) | undefined;
  const ended = new Promise<{ counts: BulkCounts; rows: BulkResultRow[] }>((r) => (finished = r));
  const runner = new BulkRunner({
    google: () => directory,
    store,
    queue,
    limiter: createRateLimiter({ limit: Math.floor(quota * BULK_QUOTA_SHARE), clock, sleep }),
    clock,
    audit: new MemoryAuditTrail(clock),
    logger: silentLogger,
    notifier: { progress: async () => undefined, finished: async (_r, counts, rows) => finished?.({ counts, rows }) },
    sleep,
    settings: { concurrency: 16, progressIntervalMs: 3_000 },
  });
  try {
    await runner.start();
    const run: BulkRun = {
      id: 'BR-BENCH1',
      tenantId: 'bench',
      requester: { teamsId: 'bench', name: 'Bench', tenantId: 'bench' },
      action: 'wipeUsers',
      params: {},
      source: 'bench',
      state: 'queued',
      total: devices,
      limit: devices,
      skipped: [],
      duplicates: 0,
      blanks: 0,
      createdAt: clock.now(),
      updatedAt: clock.now(),
      previewExpiresAt: clock.now(),
    };
    await store.create(
      run,
      fleet.map((d) => ({
        deviceId: d.deviceId,
        serialNumber: d.serialNumber,
        input: d.serialNumber,
        context: { orgUnitPath: d.orgUnitPath, users: [] },
      })),
    );
    await google.ask('reset');
    const started = clock.now();
    const realStarted = Date.now();
    const cpuBefore = cpuMicros();
    await runner.enqueue(run.id);
    const { counts, rows } = await ended;
    const seconds = (clock.now() - started) / 1000;
    const cpuMicrosPerDevice = (cpuMicros() - cpuBefore) / devices;
    // The n-th call (0-based) can't be admitted before floor(n / quota) full windows have passed.
    const minimumSeconds = Math.floor((devices - 1) / quota) * 60;
    const stats = (await google.ask('stats')) as EmulatorStats;
    const ratio = Number((seconds / minimumSeconds).toFixed(3));
    const distinct = new Set(rows.map((r) => r.commandId).filter(Boolean)).size;
    return {
      devices,
      quotaPerMinute: quota,
      speed,
      seconds: Number(seconds.toFixed(1)),
      minimumSeconds,
      ratio,
      targetMet: ratio <= 1.1 && distinct === devices && (stats.byStatus['200'] ?? 0) === devices,
      commandsAccepted: stats.byStatus['200'] ?? 0,
      distinctCommands: distinct,
      throttled: stats.throttled,
      done: counts.done,
      failed: counts.failed,
      realSeconds: Number(((Date.now() - realStarted) / 1000).toFixed(1)),
      cpuMicrosPerDevice,
    };
  } finally {
    runner.stop();
    await queue.close();
    google.close();
  }
}

/**
 * The bulk run in rounds, each with a fresh emulator (its quota window and pending commands start
 * empty). The warm-up is a smaller run of `warmUpDevices`, thrown away.
 */
export async function benchBulkRounds(options: {
  rounds: number;
  devices: number;
  speed: number;
  warmUpDevices?: number;
}): Promise<BenchBulkResult[]> {
  await benchBulk({ devices: options.warmUpDevices ?? 3_000, speed: options.speed });
  const rounds: BenchBulkResult[] = [];
  for (let i = 0; i < options.rounds; i++)
    rounds.push(await benchBulk({ devices: options.devices, speed: options.speed }));
  return rounds;
}

function benchFleet(devices: number, t0: number): FleetDevice[] {
  const fleet = generateFleet({ seed: 'bench-bulk', size: devices, domain: 'school.example', now: t0 });
  // Offline devices keep their commands pending: the bench times the sending, and the emulator's
  // per-request settling of executed commands would otherwise grow with every command in flight.
  for (const d of fleet) Object.assign(d, { status: 'ACTIVE', behaviour: { connectivity: 'offline', kiosk: false } });
  return fleet;
}

interface EmulatorArgs {
  devices: number;
  quota: number;
  t0: number;
  real0: number;
  speed: number;
}

/** Starts this file as the emulator process; both sides compute the same fast clock from t0, real0 and speed. */
async function emulatorProcess(
  args: EmulatorArgs,
): Promise<{ rootUrl: string; accessToken: string; ask: (cmd: string) => Promise<unknown>; close: () => void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, __filename, '--emulator', JSON.stringify(args)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(v: unknown) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise<unknown>((r) => waiting.push(r));
  const ready = (await next()) as { rootUrl: string; accessToken: string };
  return {
    ...ready,
    ask: (cmd) => {
      const answer = next();
      child.stdin!.write(`${cmd}\n`);
      return answer;
    },
    close: () => {
      child.stdin!.end();
      lines.close();
    },
  };
}

async function emulatorMain(args: EmulatorArgs): Promise<void> {
  const clock: Clock = { now: () => args.t0 + (Date.now() - args.real0) * args.speed };
  const google = await startGoogleEmulator({
    devices: benchFleet(args.devices, args.t0),
    clock,
    quotaPerMinute: args.quota,
  });
  process.stdout.write(`${JSON.stringify({ rootUrl: google.rootUrl, accessToken: google.accessToken })}\n`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (cmd) => {
    if (cmd === 'reset') google.resetStats();
    process.stdout.write(`${JSON.stringify(cmd === 'stats' ? google.stats() : { ok: true })}\n`);
  });
  input.on('close', () => void google.close().then(() => process.exit(0)));
}

if (require.main === module && process.argv[2] === '--emulator') {
  emulatorMain(JSON.parse(process.argv[3]) as EmulatorArgs).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else if (require.main === module) {
  benchBulk()
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
