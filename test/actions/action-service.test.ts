/**
 * The single-device action flow without Teams: the real directory client against the Google
 * emulator, memory stores, the sandbox's roles. What a chat turn would do, as plain calls.
 */
import { AccessResolver, Guard, parseAccessFile, type Requester } from '../../src/access';
import {
  ActionService,
  ActionTracker,
  createActionCatalogue,
  MemoryActionConfirmationStore,
  MemoryActionRequestStore,
  type ActionRequest,
  type ActionRequestStore,
} from '../../src/actions';
import { MemoryAuditTrail } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { DeviceReader } from '../../src/devices';
import { createDeviceDirectory, type DeviceDirectory } from '../../src/directory';
import { MemoryInventory, type Inventory } from '../../src/inventory';
import { fromChromeDevice } from '../../src/inventory/from-chrome';
import { silentLogger } from '../../src/log';
import { milestoneOf, sandboxFleet, type FleetDevice } from '../../src/sandbox/fleet';
import { startGoogleEmulator, type GoogleEmulator } from '../../src/sandbox/google';
import { MemoryJobQueue } from '../../src/store';
import { fastTracker, RecordingNotifier } from './tracker-fixtures';

const START = Date.parse('2026-03-02T10:00:00Z');
const TENANT = 'tenant-a';
const TTL = 5 * 60_000;

const ACCESS = parseAccessFile(
  `
assignments:
  - role: Help Desk Operator
    users: [megan@example.com]
  - role: School Administrator
    users: [isaiah@example.com]
    scopes: [/Schools/North]
`,
  'access.yaml',
);

describe('the action service', () => {
  const clock = new ManualClock(START);
  const fleet = sandboxFleet(START);
  let google: GoogleEmulator;
  let directory: DeviceDirectory;
  let inventory: Inventory;
  let resolver: AccessResolver;
  let audit: MemoryAuditTrail;
  let requests: ActionRequestStore;
  let queue: MemoryJobQueue;
  let notifier: RecordingNotifier;
  let service: ActionService;
  let megan: Requester;
  let isaiah: Requester;

  const person = async (upn: string, teamsId: string): Promise<Requester> => ({
    teamsId,
    name: upn.split('@')[0],
    upn,
    tenantId: TENANT,
    access: await resolver.resolve({ aadObjectId: `aad-${teamsId}`, upn, tenantId: TENANT, name: upn }),
  });

  function build(requestStore: ActionRequestStore = new MemoryActionRequestStore()): ActionService {
    requests = requestStore;
    const guard = new Guard(resolver, audit, silentLogger);
    const tracker = fastTracker({ directory, requests, queue, clock, audit, notifier }, { sweepIntervalMs: 60_000 });
    return new ActionService({
      catalogue: createActionCatalogue(),
      confirmations: new MemoryActionConfirmationStore(clock),
      requests,
      tracker,
      executors: {},
      google: () => directory,
      devices: new DeviceReader({
        google: () => directory,
        intune: () => undefined,
        inventory,
        guard,
        logger: silentLogger,
      }),
      guard,
      audit,
      clock,
      logger: silentLogger,
      settings: { confirmationTtlMs: TTL, skipConfirmation: false },
    });
  }

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: fleet, clock });
    directory = createDeviceDirectory({
      customerId: 'my_customer',
      rootUrl: google.rootUrl,
      accessToken: google.accessToken,
      clock,
      retry: { maxAttempts: 1 },
    });
    inventory = new MemoryInventory();
    for await (const page of directory.listAll({}))
      await inventory.upsertMany(
        TENANT,
        page.map((d) => fromChromeDevice(d, 1)),
      );
    resolver = new AccessResolver({ config: ACCESS, groups: { memberOf: async () => [] }, tenantId: TENANT });
    megan = await person('megan@example.com', 'teams-megan');
    isaiah = await person('isaiah@example.com', 'teams-isaiah');
  });
  afterAll(async () => {
    await google.close();
  });
  beforeEach(() => {
    google.resetStats();
    audit = new MemoryAuditTrail(clock);
    queue = new MemoryJobQueue();
    notifier = new RecordingNotifier();
    service = build();
  });
  afterEach(async () => {
    await queue.close();
  });

  let next = 0;
  /** A fresh active Chromebook of the North schools that restarts (ChromeOS ≥ 113), online. */
  const take = (where = '/Schools/North'): FleetDevice => {
    for (;;) {
      const d = fleet[next++ % fleet.length];
      if (d.status !== 'ACTIVE' || d.behaviour.kiosk || milestoneOf(d.osVersion) < 113) continue;
      if (!(d.orgUnitPath ?? '').startsWith(where)) continue;
      google.setBehaviour(d.deviceId, { connectivity: 'online' });
      return d;
    }
  };
  const place = { conversation: { conversation: { id: 'conv-1' } } as never };
  /** Remote commands sent to Google since the test began (every attempt, whatever the answer). */
  const commandsSent = () => google.stats().byMethod['customer.devices.chromeos.issueCommand'] ?? 0;
  const outcomes = async () =>
    (await audit.latest({ tenantId: TENANT, limit: 50 })).map((r) => `${r.action} ${r.outcome}`);

  async function asked(
    who: Requester,
    device: FleetDevice,
    action: 'lostMode.on' | 'wipeUsers' | 'reboot' = 'lostMode.on',
  ) {
    const outcome = await service.request(who, action, device.deviceId, {}, place);
    if (outcome.kind !== 'confirm') throw new Error(`expected a confirmation, got ${outcome.kind}`);
    return outcome.confirmation;
  }

  it('asks first, runs once on confirm, and hands the request to the tracker', async () => {
    const d = take();
    const c = await asked(megan, d);
    expect((await directory.get(d.deviceId)).status).toBe('ACTIVE');
    const done = await service.confirm(megan, c.id, undefined, { ...place, cardActivityId: 'card-1' });
    expect(done.kind).toBe('executed');
    if (done.kind !== 'executed') return;
    expect(done.request.state).toBe('Sent');
    expect(done.request.cardActivityId).toBe('card-1');
    expect((await directory.get(d.deviceId)).status).toBe('DISABLED');
    expect((await requests.get(done.request.id))?.state).toBe('Sent');
    // The tracker shows the state at once on the card.
    expect(notifier.changes.map((r) => r.id)).toEqual([done.request.id]);
    expect(await outcomes()).toEqual(['lostMode.on approved', 'lostMode.on requested']);
  });

  it('a second confirm of the same card sends nothing more', async () => {
    const d = take();
    const c = await asked(megan, d, 'wipeUsers');
    const [first, second] = await Promise.all([
      service.confirm(megan, c.id, undefined, place),
      service.confirm(megan, c.id, undefined, place),
    ]);
    expect([first.kind, second.kind].sort()).toEqual(['executed', 'used']);
    expect(commandsSent()).toBe(1);
    const third = await service.confirm(megan, c.id, undefined, place);
    expect(third.kind).toBe('gone');
    expect(commandsSent()).toBe(1);
  });

  it('only the requester can confirm or cancel; the others are refused, audited, and the card stays usable', async () => {
    const d = take();
    const c = await asked(megan, d);
    expect((await service.confirm(isaiah, c.id, undefined, place)).kind).toBe('not-requester');
    expect((await service.cancel(isaiah, c.id)).kind).toBe('not-requester');
    expect((await directory.get(d.deviceId)).status).toBe('ACTIVE');
    const denied = (await audit.latest({ tenantId: TENANT, limit: 10 })).filter((r) => r.outcome === 'denied');
    expect(denied.map((r) => r.detail?.step)).toEqual(['cancel', 'confirm']);
    expect((await service.view(c.id, isaiah.teamsId)).kind === 'pending').toBe(true);
    expect((await service.cancel(megan, c.id)).kind).toBe('cancelled');
    expect((await service.confirm(megan, c.id, undefined, place)).kind).toBe('gone');
  });

  it('an expired confirmation sends nothing and is audited as cancelled', async () => {
    const d = take();
    const c = await asked(megan, d);
    const view = await service.view(c.id, megan.teamsId);
    expect(view.kind === 'pending' && view.canAct).toBe(true);
    clock.advance(TTL + 1_000);
    const expired = await service.view(c.id, megan.teamsId);
    expect(expired.kind === 'pending' && expired.canAct).toBe(false);
    expect((await service.confirm(megan, c.id, undefined, place)).kind).toBe('expired');
    expect((await directory.get(d.deviceId)).status).toBe('ACTIVE');
    const last = (await audit.latest({ tenantId: TENANT, limit: 1 }))[0];
    expect(last.outcome).toBe('cancelled');
    expect(last.reason).toBe('The confirmation expired.');
  });

  it('a device whose state changed between request and confirm is not acted on', async () => {
    const d = take();
    const c = await asked(megan, d);
    // Someone else put it in lost mode meanwhile, from the console.
    await directory.batchChangeStatus([d.deviceId], 'DISABLE');
    const outcome = await service.confirm(megan, c.id, undefined, place);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') expect(outcome.message).toContain('already on');
    expect(await requests.listActive()).toHaveLength(0);
    await directory.batchChangeStatus([d.deviceId], 'REENABLE');
  });

  it('a device that left the requester’s scope between request and confirm is not acted on', async () => {
    const d = take('/Schools/North');
    const c = await asked(isaiah, d, 'reboot');
    const before = d.orgUnitPath;
    d.orgUnitPath = '/Schools/South/Moved';
    try {
      const outcome = await service.confirm(isaiah, c.id, undefined, place);
      expect(outcome.kind).toBe('refused');
      expect(commandsSent()).toBe(0);
      expect((await audit.latest({ tenantId: TENANT, limit: 5 })).some((r) => r.action === 'access.denied')).toBe(true);
    } finally {
      d.orgUnitPath = before;
    }
  });

  it('saves the request before it calls Google: a crash in between leaves a request the tracker reports', async () => {
    const d = take();
    class CrashAfterFirstSave extends MemoryActionRequestStore {
      saves = 0;
      async save(r: ActionRequest) {
        await super.save(r);
        if (++this.saves === 1) throw new Error('process killed');
      }
    }
    const store = new CrashAfterFirstSave();
    service = build(store);
    const c = await asked(megan, d, 'wipeUsers');
    await expect(service.confirm(megan, c.id, undefined, place)).rejects.toThrow('process killed');
    expect(commandsSent()).toBe(0);
    const [left] = await store.listActive();
    expect(left).toMatchObject({ action: 'wipeUsers', state: 'Pending', device: { id: d.deviceId } });
    expect(left.commandId).toBeUndefined();

    // The restarted process picks it up and ends it, so nobody waits on a "pending" forever.
    const tracker = new ActionTracker({
      google: () => directory,
      requests: store,
      queue,
      clock,
      audit,
      logger: silentLogger,
      notifier,
    });
    await tracker.start();
    await tracker.poll(left.id, left.pollSeq);
    tracker.stop();
    const ended = await store.get(left.id);
    expect(ended?.state).toBe('Unknown');
    expect(ended?.error).toContain('may have been sent');
    expect(notifier.ends.map((r) => r.id)).toEqual([left.id]);
    // Google may have received it: the trail says unknown, never failed.
    const trail = (await audit.latest({ tenantId: TENANT, limit: 50 })).filter((r) => r.requestId === left.id);
    expect(trail.map((r) => `${r.action} ${r.outcome}`)).toContain('wipeUsers unknown');
    expect(trail.map((r) => r.outcome)).not.toContain('failed');
  });

  it('Google refusing the call ends the request as Failed with Google’s reason, audited', async () => {
    const d = take();
    const c = await asked(megan, d, 'wipeUsers');
    // The first is met by the fresh read at confirm time (which falls back to the last sync), the second by the command.
    google.forceErrors(2, 'quotaExceeded');
    const outcome = await service.confirm(megan, c.id, undefined, place);
    expect(outcome.kind).toBe('executed');
    if (outcome.kind !== 'executed') return;
    expect(outcome.request.state).toBe('Failed');
    expect(outcome.request.error).toBeTruthy();
    // One attempt: a remote command is never re-sent blindly.
    expect(commandsSent()).toBe(1);
    expect(notifier.ends.map((r) => r.id)).toEqual([outcome.request.id]);
    expect(await outcomes()).toContain('wipeUsers failed');
  });

  it('from text, acts only on exactly one device named by its serial', async () => {
    const d = take();
    const exact = await service.requestByQuery(megan, 'lostMode.on', d.serialNumber, {}, place);
    expect(exact.kind).toBe('confirm');
    const byUser = await service.requestByQuery(
      megan,
      'lostMode.on',
      d.annotatedUser ?? 'nobody@example.com',
      {},
      place,
    );
    expect(byUser.kind === 'pick' || byUser.kind === 'no-match').toBe(true);
    const none = await service.requestByQuery(megan, 'lostMode.on', 'ZZZNOSUCHSERIAL', {}, place);
    expect(none.kind).toBe('no-match');
  });
});
