import { randomBytes } from 'node:crypto';
import { BulkTarget, MemoryBulkRunStore } from '../../../src/actions/bulk';
import { RemoteLockService } from '../../../src/actions/intune-lock';
import { MemoryPinVault, PinCipher } from '../../../src/actions/pin-vault';
import { MemoryActionRequestStore } from '../../../src/actions/request-store';
import { MemoryAuditTrail } from '../../../src/audit';
import { GraphHttpClient } from '../../../src/intune/graph-http';
import { GraphManagedDeviceDirectory } from '../../../src/intune/graph-managed-devices';
import { silentLogger } from '../../../src/log';
import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../../src/sandbox/fleet/intune-fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../../src/sandbox/google';
import { startGraphEmulator, type GraphEmulator } from '../../../src/sandbox/graph';
import { MemoryJobQueue } from '../../../src/store/job-queue';
import { directoryFor, fastClock, makeRunner, NOW, queuedRun } from './runner-fixtures';

/** Bulk remote locks against the Graph emulator over HTTP: each device locked at most once. */
describe('bulk runner: Intune remote lock', () => {
  const clock = fastClock(1);
  const fleet = sandboxIntuneFleet(NOW);
  const used = new Set<string>();
  let graph: GraphEmulator;
  let google: GoogleEmulator;
  let service: RemoteLockService;
  let devices: GraphManagedDeviceDirectory;
  const queues: MemoryJobQueue[] = [];
  let n = 0;

  beforeAll(async () => {
    graph = await startGraphEmulator({ managedDevices: fleet, clock });
    google = await startGoogleEmulator({ devices: [], clock });
    // One retry of its own, so a storm reaches the runner's backoff too.
    const client = new GraphHttpClient({
      auth: { kind: 'fixed-token', token: graph.fixedToken },
      baseUrl: graph.baseUrl,
      clock,
      maxRetries: 1,
      sleep: async () => undefined,
    });
    devices = new GraphManagedDeviceDirectory(client);
    service = new RemoteLockService({
      devices: () => devices,
      vault: new MemoryPinVault(new PinCipher(randomBytes(32)), clock),
      requests: new MemoryActionRequestStore(),
      audit: new MemoryAuditTrail(clock),
      clock,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    for (const q of queues) await q.close();
    await graph.close();
    await google.close();
  });
  afterEach(() => {
    graph.intune.approvalRequired = false;
    graph.throttleNext(0);
    graph.failNext(0);
  });

  const take = (match: (d: IntuneFleetDevice) => boolean): IntuneFleetDevice => {
    const d = fleet.find((x) => !used.has(x.id) && match(x));
    if (!d) throw new Error('no such Intune device left in the sandbox fleet');
    used.add(d.id);
    return d;
  };
  const online = (os: string) => (d: IntuneFleetDevice) =>
    d.operatingSystem === os && d.behaviour.connectivity === 'online';
  const targetsOf = (list: IntuneFleetDevice[]): BulkTarget[] =>
    list.map((d) => ({
      deviceId: d.id,
      serialNumber: d.serialNumber,
      input: d.serialNumber,
      context: { users: [d.userPrincipalName.toLowerCase()] },
    }));
  const lockPosts = (d: IntuneFleetDevice) =>
    graph.requests.filter((r) => r.method === 'POST' && r.path.includes(`${d.id}/remoteLock`));

  async function runLock(
    list: IntuneFleetDevice[],
    options: {
      precheck?: boolean;
      concurrency?: number;
      before?: (store: MemoryBulkRunStore, id: string) => Promise<void>;
    } = {},
  ) {
    const queue = new MemoryJobQueue({ retryDelayMs: 10 });
    queues.push(queue);
    const store = new MemoryBulkRunStore(() => clock.now());
    const { runner, notifier, audit } = makeRunner({
      directory: directoryFor(google, clock),
      store,
      queue,
      clock,
      quotaPerMinute: 60_000,
      managedDevices: devices,
      lockPrecheck: options.precheck === false ? undefined : service.precheck.bind(service),
      settings: { concurrency: options.concurrency ?? 4 },
    });
    const id = `BR-LOCK${String.fromCharCode(65 + n++)}`;
    const targets = targetsOf(list);
    await store.create(queuedRun(id, 'remoteLock', targets.length), targets);
    await options.before?.(store, id);
    await runner.start();
    await runner.enqueue(id);
    const result = await notifier.done();
    runner.stop();
    return { ...result, audit };
  }

  it('locks iPhones, iPads and Android devices once each, and refuses one whose lock is still pending', async () => {
    const good = [take(online('iOS')), take(online('iPadOS')), take(online('Android'))];
    // A lock an earlier request left waiting for a device that does not check in.
    const busy = take(online('iOS'));
    graph.intune.setBehaviour(busy.id, { connectivity: 'offline' });
    graph.intune.lock(busy.id);
    const { counts, rows, run, audit } = await runLock([...good, busy]);
    expect(run.state).toBe('completed');
    expect(counts).toEqual({ total: 4, done: 3, failed: 1, unknown: 0, pending: 0 });
    for (const d of good) expect(graph.intune.lockCount(d.id)).toBe(1);
    expect(graph.intune.lockCount(busy.id)).toBe(1);
    expect(lockPosts(busy)).toHaveLength(0);
    expect(rows.find((r) => r.deviceId === busy.id)).toMatchObject({
      result: 'failed',
      detail: expect.stringContaining('Nothing was sent'),
    });
    const records = [];
    for await (const r of audit.all()) records.push(r);
    expect(records.filter((r) => r.action === 'bulk.remoteLock' && r.detail?.step === 'remoteLock')).toHaveLength(4);
  });

  it('under Multi Admin Approval, a device waits for approval: not failed, not locked, with what to do', async () => {
    graph.intune.approvalRequired = true;
    const list = [take(online('iOS')), take(online('Android'))];
    const { counts, rows } = await runLock(list);
    expect(counts).toEqual({ total: 2, done: 0, failed: 0, unknown: 0, approval: 2, pending: 0 });
    for (const d of list) {
      expect(graph.intune.lockCount(d.id)).toBe(0);
      const row = rows.find((r) => r.deviceId === d.id)!;
      expect(row.result).toBe('waiting for approval');
      expect(row.detail).toContain('Multi Admin Approval');
      expect(graph.intune.approval(row.commandId!)?.status).toBe('needsApproval');
    }
  });

  it('a 429 storm is waited out: every device locked, once', async () => {
    const list = [take(online('iOS')), take(online('Android')), take(online('iOS'))];
    const before = graph.requests.length;
    graph.throttleNext(9, 0);
    const { counts } = await runLock(list, { concurrency: 2 });
    expect(counts).toEqual({ total: 3, done: 3, failed: 0, unknown: 0, pending: 0 });
    expect(graph.requests.slice(before).filter((r) => r.status === 429)).toHaveLength(9);
    for (const d of list) expect(graph.intune.lockCount(d.id)).toBe(1);
  });

  it('a server error on the lock is reported unknown and never sent again', async () => {
    const d = take(online('iOS'));
    graph.failNext(1, 503);
    const { counts, rows } = await runLock([d], { precheck: false });
    expect(counts).toEqual({ total: 1, done: 0, failed: 0, unknown: 1, pending: 0 });
    expect(lockPosts(d)).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      result: 'unknown',
      detail: expect.stringContaining('Intune may have received the lock'),
    });
  });

  it('after a restart, a lock with no recorded answer is reported unknown, not sent again', async () => {
    const victim = take(online('Android'));
    const other = take(online('iOS'));
    const { counts, rows } = await runLock([victim, other], {
      before: (store, id) => store.record(id, [{ deviceId: victim.id, state: 'inflight', at: clock.now() }]),
    });
    expect(counts).toEqual({ total: 2, done: 1, failed: 0, unknown: 1, pending: 0 });
    expect(lockPosts(victim)).toHaveLength(0);
    expect(graph.intune.lockCount(other.id)).toBe(1);
    expect(rows.find((r) => r.deviceId === victim.id)).toMatchObject({
      result: 'unknown',
      detail: expect.stringContaining('was not sent again'),
    });
  });
});
