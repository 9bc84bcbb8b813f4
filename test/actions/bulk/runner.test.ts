import { AccessResolver, BUILT_IN_ROLES, type DeviceContext } from '../../../src/access';
import { MemoryBulkRunStore, TargetRecheck } from '../../../src/actions/bulk';
import type { DeviceDirectory } from '../../../src/directory/types';
import { GoogleEmulator, startGoogleEmulator } from '../../../src/sandbox/google';
import { MemoryJobQueue } from '../../../src/store/job-queue';
import { activeFleet, directoryFor, fastClock, makeRunner, queuedRun, targetsOf } from './runner-fixtures';

const BATCH = 'customer.devices.chromeos.batchChangeStatus';
const ISSUE = 'customer.devices.chromeos.issueCommand';
const GET = 'chromeosdevices.get';

describe('bulk runner against the Google emulator', () => {
  const emulators: GoogleEmulator[] = [];
  const queues: MemoryJobQueue[] = [];
  afterAll(async () => {
    for (const q of queues) await q.close();
    for (const e of emulators) await e.close();
  });

  async function setup(size: number, seed: string, quotaPerMinute: number, speed: number) {
    const clock = fastClock(speed);
    const fleet = activeFleet(size, seed);
    const google = await startGoogleEmulator({ devices: fleet, clock, quotaPerMinute });
    emulators.push(google);
    const queue = new MemoryJobQueue({ retryDelayMs: 10 });
    queues.push(queue);
    const store = new MemoryBulkRunStore(() => clock.now());
    return { clock, fleet, google, queue, store, directory: directoryFor(google, clock) };
  }

  it('2,000 devices into lost mode: 40 calls of 50, every device once, every result checked', async () => {
    const s = await setup(2000, 'bulk-2000', 2400, 1);
    // Two devices Google will refuse (already in lost mode): per-device errors inside the HTTP 200.
    const refused = [s.fleet[7], s.fleet[1500]];
    const targets = targetsOf(s.fleet);
    for (const d of refused) d.status = 'DISABLED';
    const { runner, notifier } = makeRunner({ ...s, quotaPerMinute: 2400 });
    await runner.start();
    await s.store.create(queuedRun('BR-AAAAAA', 'lostMode.on', targets.length), targets);
    await runner.enqueue('BR-AAAAAA');
    const { counts, rows, run } = await notifier.done();
    expect(run.state).toBe('completed');
    expect(counts).toEqual({ total: 2000, done: 1998, failed: 2, unknown: 0, pending: 0 });
    expect(s.google.stats().byMethod[BATCH]).toBe(40);
    expect(s.fleet.every((d) => s.google.readDevice(d.deviceId)?.status === 'DISABLED')).toBe(true);
    const failed = rows.filter((r) => r.result === 'failed');
    expect(failed.map((r) => r.deviceId).sort()).toEqual(refused.map((d) => d.deviceId).sort());
    expect(failed[0].detail).toMatch(/Google Admin refused/);
    expect(rows.find((r) => r.input === 'NOPE')?.result).toBe('not-found');
    expect(notifier.progressCalls.length).toBeGreaterThan(1);
    runner.stop();
  });

  it('a device that left the requester’s scope since the preview is skipped and reported, never acted on', async () => {
    const s = await setup(120, 'bulk-scope', 2400, 1);
    const targets = targetsOf(s.fleet);
    // As the inventory has each device now: ten of them moved to another school after the preview.
    const now = new Map<string, DeviceContext>(
      targets.map((t) => [t.deviceId, { orgUnitPath: '/Schools/North', users: [] }]),
    );
    const moved = s.fleet.slice(30, 40);
    for (const d of moved) now.set(d.deviceId, { orgUnitPath: '/Schools/South', users: [] });
    const access = new AccessResolver({
      config: {
        roles: [...BUILT_IN_ROLES],
        assignments: [
          { role: 'School Administrator', users: ['isaiah@example.com'], groups: [], scopes: ['/Schools/North'] },
        ],
      },
      groups: { memberOf: async () => [] },
    });
    const recheck = new TargetRecheck({
      device: async (_tenant, id) => now.get(id),
      access: (run) => access.resolve({ aadObjectId: '', upn: run.requester.upn, tenantId: run.tenantId }),
      decide: (a, permission, device) => access.can(a, permission, device),
      permissions: () => ['Remote tasks/Wipe'],
      now: () => s.clock.now(),
    });
    const { runner, notifier } = makeRunner({ ...s, quotaPerMinute: 2400, recheck });
    await runner.start();
    const run = {
      ...queuedRun('BR-SCOPE1', 'wipeUsers', targets.length),
      requester: { teamsId: 'u-isaiah', name: 'Isaiah', upn: 'isaiah@example.com', tenantId: 'tenant-1' },
    };
    await s.store.create(run, targets);
    await runner.enqueue('BR-SCOPE1');
    const { counts, rows } = await notifier.done();
    expect(counts).toMatchObject({ total: 120, done: 110, skipped: 10, failed: 0, pending: 0 });
    expect(s.google.stats().byMethod[ISSUE]).toBe(110);
    const skipped = rows.filter((r) => r.result === 'out-of-scope');
    expect(skipped.map((r) => r.deviceId).sort()).toEqual(moved.map((d) => d.deviceId).sort());
    expect(skipped[0].detail).toMatch(/Not sent: You hold "Remote tasks\/Wipe" only for \/Schools\/North/);
    runner.stop();
  });

  it('a quota storm and an enforced quota: commands wait and retry, none is lost or sent twice', async () => {
    const quota = 30;
    const s = await setup(120, 'bulk-storm', quota, 200);
    const targets = targetsOf(s.fleet);
    const { runner, notifier } = makeRunner({ ...s, quotaPerMinute: quota });
    await runner.start();
    s.google.forceErrors(6, 'userRateLimitExceeded');
    const started = s.clock.now();
    await s.store.create(queuedRun('BR-BBBBBB', 'wipeUsers', targets.length), targets);
    await runner.enqueue('BR-BBBBBB');
    const { counts, rows } = await notifier.done();
    expect(counts).toEqual({ total: 120, done: 120, failed: 0, unknown: 0, pending: 0 });
    const stats = s.google.stats();
    // Six forced refusals, then every command accepted exactly once; the limiter kept the real quota from tripping.
    expect(stats.byStatus['403']).toBe(6);
    expect(stats.byStatus['200']).toBe(120);
    expect(stats.throttled).toBe(0);
    expect(new Set(rows.filter((r) => r.commandId).map((r) => r.commandId)).size).toBe(120);
    // 120 calls at 27 a minute (90 % of 30) need four more windows after the first.
    expect(s.clock.now() - started).toBeGreaterThanOrEqual(4 * 60_000);
    runner.stop();
  });

  it('a crash between Google and the record: status changes are read back, not sent again', async () => {
    const s = await setup(120, 'bulk-crash-status', 2400, 1);
    let crashes = 1;
    // The process "dies" right after Google accepted the second batch, before anything was recorded.
    const crashing: DeviceDirectory = Object.create(s.directory);
    let calls = 0;
    crashing.batchChangeStatus = async (...args) => {
      const result = await s.directory.batchChangeStatus(...args);
      if (++calls === 2 && crashes-- > 0) throw new Error('process died');
      return result;
    };
    const { runner, notifier } = makeRunner({ ...s, directory: crashing, quotaPerMinute: 2400 });
    await runner.start();
    const targets = targetsOf(s.fleet);
    await s.store.create(queuedRun('BR-CCCCCC', 'lostMode.on', targets.length), targets);
    await runner.enqueue('BR-CCCCCC');
    const { counts } = await notifier.done();
    expect(counts).toEqual({ total: 120, done: 120, failed: 0, unknown: 0, pending: 0 });
    const stats = s.google.stats().byMethod;
    expect(stats[BATCH]).toBe(3);
    // The 50 devices of the lost batch were read back once each.
    expect(stats[GET]).toBe(50);
    runner.stop();
  });

  it('a crash between Google and the record: a command is never sent twice, it is reported unknown', async () => {
    const s = await setup(20, 'bulk-crash-command', 2400, 1);
    const victim = s.fleet[5].deviceId;
    let crashed = false;
    const crashing: DeviceDirectory = Object.create(s.directory);
    crashing.issueCommand = async (...args) => {
      const id = await s.directory.issueCommand(...args);
      if (args[0] === victim && !crashed) {
        crashed = true;
        throw new Error('process died');
      }
      return id;
    };
    const { runner, notifier } = makeRunner({
      ...s,
      directory: crashing,
      quotaPerMinute: 2400,
      settings: { concurrency: 1 },
    });
    await runner.start();
    const targets = targetsOf(s.fleet);
    await s.store.create(queuedRun('BR-DDDDDD', 'powerwash', targets.length), targets);
    await runner.enqueue('BR-DDDDDD');
    const { counts, rows } = await notifier.done();
    expect(counts).toEqual({ total: 20, done: 19, failed: 0, unknown: 1, pending: 0 });
    expect(rows.find((r) => r.deviceId === victim)).toMatchObject({
      result: 'unknown',
      detail: expect.stringContaining('was not sent again'),
    });
    expect(s.google.stats().byMethod[ISSUE]).toBe(20);
    runner.stop();
  });
});
