import { ManualClock } from '../../src/clock';
import { DeviceNotFound } from '../../src/errors';
import { GraphHttpClient, GraphOutcomeUnknown, GraphRequestError } from '../../src/intune/graph-http';
import { GraphManagedDeviceDirectory } from '../../src/intune/graph-managed-devices';
import { IntuneSync } from '../../src/intune/intune-sync';
import { latestActionResult, unlockPinOf, type ManagedDevice } from '../../src/intune/managed-device-types';
import { MemoryInventory } from '../../src/inventory';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { LOCK_STEP_MS } from '../../src/sandbox/graph/managed-devices';

const START = Date.parse('2026-03-02T10:00:00Z');

describe('GraphManagedDeviceDirectory against the emulator', () => {
  let graph: GraphEmulator;
  let devices: GraphManagedDeviceDirectory;
  const clock = new ManualClock(START);
  const fleet = sandboxIntuneFleet(START);
  const sleeps: number[] = [];

  beforeAll(async () => {
    graph = await startGraphEmulator({ managedDevices: fleet, clock });
    const client = new GraphHttpClient({
      auth: { kind: 'fixed-token', token: graph.fixedToken },
      baseUrl: graph.baseUrl,
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    devices = new GraphManagedDeviceDirectory(client);
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
    sleeps.length = 0;
    graph.throttleNext(0);
    graph.failNext(0);
    graph.intune.approvalRequired = false;
  });

  const adeles = () => fleet.filter((d) => d.userPrincipalName === 'adelev@example.com');
  const byOs = (os: string, passcode = true) =>
    fleet.find(
      (d) =>
        d.operatingSystem === os &&
        d.behaviour.passcode === passcode &&
        d.behaviour.connectivity === 'online' &&
        !d.userPrincipalName.startsWith('adele'),
    )!;

  it('lists every device page by page, following @odata.nextLink', async () => {
    const pages: ManagedDevice[][] = [];
    for await (const page of devices.pages(7)) pages.push(page);
    expect(pages.length).toBe(Math.ceil(fleet.length / 7));
    const all = pages.flat();
    expect(new Set(all.map((d) => d.id)).size).toBe(fleet.length);
    expect(all.every((d) => d.serialNumber && d.operatingSystem && Array.isArray(d.deviceActionResults))).toBe(true);
    expect(graph.requests.filter((r) => r.path === '/deviceManagement/managedDevices')).toHaveLength(pages.length);
  });

  it('has iOS, iPadOS, macOS, Android, Windows and Linux devices; Adele has an iPhone and a MacBook', () => {
    expect(new Set(fleet.map((d) => d.operatingSystem))).toEqual(
      new Set(['iOS', 'iPadOS', 'macOS', 'Android', 'Windows', 'Linux']),
    );
    expect(adeles().map((d) => d.model)).toEqual(['iPhone 15', 'MacBook Air (M2, 2022)']);
    expect(fleet.some((d) => !d.behaviour.passcode)).toBe(true);
    // Deterministic: the same start gives the same devices.
    expect(sandboxIntuneFleet(START)).toEqual(fleet);
  });

  it('searches by serial, device name, user and operating system', async () => {
    const mac = adeles()[1];
    expect((await devices.search({ serialNumber: mac.serialNumber.toLowerCase() })).map((d) => d.id)).toEqual([mac.id]);
    expect((await devices.search({ deviceName: mac.deviceName })).map((d) => d.id)).toContain(mac.id);
    const hers = await devices.search({ userPrincipalName: 'AdeleV@example.com' });
    expect(hers.map((d) => d.id).sort()).toEqual(
      adeles()
        .map((d) => d.id)
        .sort(),
    );
    const macs = await devices.search({ userPrincipalName: 'adelev@example.com', operatingSystem: 'macOS' });
    expect(macs.map((d) => d.id)).toEqual([mac.id]);
    expect(await devices.search({ serialNumber: "O'Brien" })).toEqual([]);
  });

  it('gets one device, and says DeviceNotFound for an unknown id', async () => {
    const phone = adeles()[0];
    const d = await devices.get(phone.id);
    expect(d).toMatchObject({
      id: phone.id,
      serialNumber: phone.serialNumber,
      operatingSystem: 'iOS',
      userPrincipalName: 'adelev@example.com',
      deviceActionResults: [],
    });
    await expect(devices.get('00000000-0000-0000-0000-00000000dead')).rejects.toBeInstanceOf(DeviceNotFound);
  });

  it.each([
    ['iOS', true],
    ['iPadOS', true],
    ['Android', true],
    ['Android', false],
    ['iOS', false],
  ])('locks an %s device (passcode %s): pending → active → done, no PIN', async (os, passcode) => {
    const target = fleet.find(
      (d) =>
        d.operatingSystem === os &&
        d.behaviour.passcode === passcode &&
        d.behaviour.connectivity === 'online' &&
        graph.intune.lockCount(d.id) === 0,
    )!;
    expect(target).toBeDefined();
    expect(await devices.remoteLock(target.id, { justification: 'test' })).toEqual({ kind: 'sent' });
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = latestActionResult(await devices.get(target.id), 'remoteLock');
      states.push(r!.actionState);
      expect(unlockPinOf(r)).toBeUndefined();
      clock.advance(LOCK_STEP_MS);
    }
    expect(states).toEqual(['pending', 'active', 'done']);
  });

  it('locks a Mac and reports the six-digit recovery PIN with the result', async () => {
    const mac = byOs('macOS');
    await devices.remoteLock(mac.id, { justification: 'test' });
    const result = latestActionResult(await devices.get(mac.id), 'remoteLock');
    expect(result).toMatchObject({ actionName: 'remoteLock', actionState: 'pending' });
    expect(unlockPinOf(result)).toMatch(/^\d{6}$/);
    expect(unlockPinOf(result)).toBe(graph.intune.currentPin(mac.id));
  });

  it('reports a failed lock, and leaves an offline device pending', async () => {
    const failing = fleet.find((d) => d.behaviour.connectivity === 'failing')!;
    const offline = fleet.find((d) => d.behaviour.connectivity === 'offline')!;
    await devices.remoteLock(failing.id, { justification: 't' });
    await devices.remoteLock(offline.id, { justification: 't' });
    clock.advance(10 * LOCK_STEP_MS);
    expect(latestActionResult(await devices.get(failing.id), 'remoteLock')?.actionState).toBe('failed');
    expect(latestActionResult(await devices.get(offline.id), 'remoteLock')?.actionState).toBe('pending');
  });

  it('does not retry a remote lock after a server error: the outcome is unknown, it may have been sent', async () => {
    const target = byOs('iOS');
    const before = graph.intune.lockCount(target.id);
    graph.failNext(1, 503);
    const error = await devices.remoteLock(target.id, { justification: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphOutcomeUnknown);
    expect(error).toMatchObject({ status: 0, upstreamStatus: 503, outcomeUnknown: true });
    expect((error as Error).message).toContain('may have been sent');
    expect(graph.requests.filter((r) => r.path.endsWith('/remoteLock'))).toHaveLength(1);
    expect(graph.intune.lockCount(target.id)).toBe(before);
  });

  it('waits out a 429 with Retry-After and then sends the lock once', async () => {
    const target = byOs('Android');
    const before = graph.intune.lockCount(target.id);
    graph.throttleNext(2, 3);
    expect(await devices.remoteLock(target.id, { justification: 't' })).toEqual({ kind: 'sent' });
    expect(sleeps).toEqual([3000, 3000]);
    expect(graph.requests.filter((r) => r.path.endsWith('/remoteLock')).map((r) => r.status)).toEqual([429, 429, 204]);
    expect(graph.intune.lockCount(target.id)).toBe(before + 1);
  });

  it('reads through throttling on list and get too', async () => {
    graph.throttleNext(1, 1);
    const d = await devices.get(adeles()[0].id);
    expect(d.id).toBe(adeles()[0].id);
    expect(sleeps).toEqual([1000]);
  });

  describe('Multi Admin Approval', () => {
    it('files an approval request with the justification, and locks only once it is approved', async () => {
      graph.intune.approvalRequired = true;
      const target = byOs('iPadOS');
      const before = graph.intune.lockCount(target.id);
      const submitted = await devices.remoteLock(target.id, {
        justification: 'Lost on the bus — Megan Bowen via Device Desk',
      });
      expect(submitted.kind).toBe('approval');
      if (submitted.kind !== 'approval') return;
      expect(submitted.approval).toMatchObject({
        status: 'needsApproval',
        requestJustification: 'Lost on the bus — Megan Bowen via Device Desk',
      });
      // Without the header Graph refuses; with the Base64 justification it files the request and
      // answers 403 ApprovalRequired carrying the code (Microsoft's MAA-with-Graph article).
      expect(graph.requests.filter((r) => r.path.endsWith('/remoteLock')).map((r) => r.status)).toEqual([400, 403]);
      expect(graph.intune.approval(submitted.approval.id)?.requestJustification).toBe(
        'Lost on the bus — Megan Bowen via Device Desk',
      );
      expect(graph.intune.lockCount(target.id)).toBe(before);

      // Resubmitting before the approval is refused by Graph.
      await expect(devices.resubmitRemoteLock(target.id, submitted.approval.id)).rejects.toBeInstanceOf(
        GraphRequestError,
      );
      expect((await devices.approval(submitted.approval.id)).status).toBe('needsApproval');
      expect(graph.requests.some((r) => r.path === '/deviceManagement/operationApprovalRequests')).toBe(true);

      graph.intune.decide(submitted.approval.id, 'approved', 'alexw@example.com', 'ok');
      // Graph names the approver as an identitySet user: {id, displayName}, no UPN.
      expect(await devices.approval(submitted.approval.id)).toMatchObject({
        status: 'approved',
        approverId: '00000000-0000-0000-0000-0000000000020',
        approverName: 'Alex Wilber',
      });
      await devices.resubmitRemoteLock(target.id, submitted.approval.id);
      expect(graph.intune.lockCount(target.id)).toBe(before + 1);
      expect((await devices.approval(submitted.approval.id)).status).toBe('completed');
      // A completed approval can't be used for a second lock.
      await expect(devices.resubmitRemoteLock(target.id, submitted.approval.id)).rejects.toMatchObject({ status: 400 });
    });

    it('reports a rejection', async () => {
      graph.intune.approvalRequired = true;
      const target = byOs('Android');
      const submitted = await devices.remoteLock(target.id, { justification: 'x' });
      if (submitted.kind !== 'approval') throw new Error('expected an approval');
      graph.intune.decide(submitted.approval.id, 'rejected', 'alexw@example.com');
      expect((await devices.approval(submitted.approval.id)).status).toBe('rejected');
    });
  });

  it('syncs every Intune device into the inventory, found by serial, name, user and platform', async () => {
    const inventory = new MemoryInventory();
    const tenant = 'tenant-1';
    const client = new GraphHttpClient({
      auth: { kind: 'fixed-token', token: graph.fixedToken },
      baseUrl: graph.baseUrl,
    });
    const sync = new IntuneSync({
      devices: () => new GraphManagedDeviceDirectory(client),
      inventory,
      tenantIds: [tenant],
      clock,
      pageSize: 10,
    });
    // A device Intune no longer has is dropped by the next full sync.
    await inventory.upsertMany(tenant, [
      { id: 'gone', source: 'intune', serialNumber: 'GONE123', users: [], syncGeneration: 1 },
    ]);
    const outcome = await sync.sync(tenant);
    expect(outcome).toMatchObject({ status: 'completed', devices: fleet.length, removed: 1 });
    expect(await inventory.count(tenant, 'intune')).toBe(fleet.length);
    const mac = adeles()[1];
    const bySerial = await inventory.search(tenant, mac.serialNumber);
    expect(bySerial.devices).toEqual([
      expect.objectContaining({
        id: mac.id,
        source: 'intune',
        platform: 'macOS',
        osVersion: mac.osVersion,
        name: mac.deviceName,
        users: ['adelev@example.com'],
        status: 'COMPLIANT',
        lastSync: mac.lastSyncDateTime,
      }),
    ]);
    expect((await inventory.search(tenant, 'adelev@example.com')).total).toBe(2);
    const lynne = fleet.find((d) => d.userPrincipalName === 'lynner@example.com')!;
    expect((await inventory.get(tenant, lynne.id))?.status).toBe('NONCOMPLIANT');
    await sync.stop();
  });
});
