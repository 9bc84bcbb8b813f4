import { randomBytes } from 'node:crypto';
import { RemoteLockService } from '../../src/actions/intune-lock';
import { MemoryPinVault, PinCipher } from '../../src/actions/pin-vault';
import { MemoryActionRequestStore } from '../../src/actions/request-store';
import type { ActionRequest } from '../../src/actions/types';
import { MemoryAuditTrail } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { InvalidState } from '../../src/errors';
import { GraphHttpClient } from '../../src/intune/graph-http';
import { GraphManagedDeviceDirectory } from '../../src/intune/graph-managed-devices';
import { silentLogger } from '../../src/log';
import { sandboxIntuneFleet, type IntuneFleetDevice } from '../../src/sandbox/fleet/intune-fleet';
import { startGraphEmulator, type GraphEmulator } from '../../src/sandbox/graph';
import { LOCK_STEP_MS } from '../../src/sandbox/graph/managed-devices';

const START = Date.parse('2026-03-02T10:00:00Z');
const TENANT = 'tenant-1';

describe('RemoteLockService against the emulator', () => {
  let graph: GraphEmulator;
  let service: RemoteLockService;
  let vault: MemoryPinVault;
  let requests: MemoryActionRequestStore;
  let audit: MemoryAuditTrail;
  const clock = new ManualClock(START);
  const fleet = sandboxIntuneFleet(START);
  const used = new Set<string>();
  let n = 0;

  beforeAll(async () => {
    graph = await startGraphEmulator({ managedDevices: fleet, clock });
    const client = new GraphHttpClient({
      auth: { kind: 'fixed-token', token: graph.fixedToken },
      baseUrl: graph.baseUrl,
      clock,
      sleep: async () => undefined,
    });
    vault = new MemoryPinVault(new PinCipher(randomBytes(32)), clock);
    requests = new MemoryActionRequestStore();
    audit = new MemoryAuditTrail(clock);
    service = new RemoteLockService({
      devices: () => new GraphManagedDeviceDirectory(client),
      vault,
      requests,
      audit,
      clock,
      logger: silentLogger,
    });
  });
  afterAll(() => graph.close());
  afterEach(() => {
    graph.intune.pinReported = 'at-issue';
  });

  const take = (match: (d: IntuneFleetDevice) => boolean) => {
    const d = fleet.find((x) => !used.has(x.id) && match(x))!;
    used.add(d.id);
    return d;
  };
  const onlineMac = (d: IntuneFleetDevice) => d.operatingSystem === 'macOS' && d.behaviour.connectivity === 'online';

  async function requestFor(d: IntuneFleetDevice): Promise<ActionRequest> {
    const now = clock.now();
    const r: ActionRequest = {
      id: `DD-TEST${String(++n).padStart(2, '0')}`,
      requester: { teamsId: 'user-id-1', name: 'Megan Bowen', upn: 'meganb@example.com', tenantId: TENANT },
      action: 'remoteLock',
      device: { id: d.id, serialNumber: d.serialNumber, model: d.model },
      params: {},
      state: 'Pending',
      createdAt: now,
      updatedAt: now,
      history: [{ state: 'Pending', at: now }],
      pollSeq: 0,
    };
    await requests.save(r);
    return r;
  }

  it('keeps a Mac PIN that Intune reports only once the lock ran, and says it is pending until then', async () => {
    graph.intune.pinReported = 'when-done';
    const mac = take(onlineMac);
    const r = await requestFor(mac);
    const executed = await service.execute(r);
    expect(executed).toMatchObject({ state: 'Pending', pinPending: true });
    expect(executed.pin).toBeUndefined();
    expect(r.macPin).toBe('pending');
    expect(await vault.info(TENANT, mac.id)).toBeUndefined();

    clock.advance(LOCK_STEP_MS);
    expect(await service.observe(r)).toEqual({ state: 'Acknowledged' });
    clock.advance(LOCK_STEP_MS);
    expect(await service.observe(r)).toEqual({ state: 'Done' });
    expect(r.macPin).toBe('kept');
    const kept = await vault.read(TENANT, mac.id);
    expect(kept?.pin).toBe(graph.intune.currentPin(mac.id));
    expect(kept?.record).toMatchObject({ requestId: r.id, issuedTo: { name: 'Megan Bowen' } });

    const trail = await audit.latest({ tenantId: TENANT, targetId: mac.id });
    expect(trail.map((a) => a.detail?.step)).toEqual(['PIN issued']);
    expect(JSON.stringify(trail)).not.toContain(kept!.pin);
    // Observing again neither stores nor audits a second time.
    await service.observe(r);
    expect(await audit.latest({ tenantId: TENANT, targetId: mac.id })).toHaveLength(1);
  });

  it('refuses while Intune has a lock pending, while a request is under way, and while a PIN is unused', async () => {
    const offline = take((d) => d.behaviour.connectivity === 'offline');
    graph.intune.lock(offline.id);
    await expect(service.precheck(TENANT, offline.id, offline.serialNumber)).rejects.toThrow(/still has a remote lock/);

    const busy = take((d) => d.operatingSystem === 'iOS' && d.behaviour.connectivity === 'online');
    const r = await requestFor(busy);
    await expect(service.precheck(TENANT, busy.id, busy.serialNumber)).rejects.toThrow(
      new RegExp(`still under way \\(${r.id}`),
    );
    r.state = 'Done';
    await requests.save(r);
    await expect(service.precheck(TENANT, busy.id, busy.serialNumber)).resolves.toBeUndefined();

    const mac = take(onlineMac);
    const lock = await requestFor(mac);
    expect((await service.execute(lock)).pin).toMatch(/^\d{6}$/);
    clock.advance(3 * LOCK_STEP_MS);
    lock.state = 'Done';
    await requests.save(lock);
    await expect(service.precheck(TENANT, mac.id, mac.serialNumber)).rejects.toBeInstanceOf(InvalidState);
    await vault.markUsed(TENANT, mac.id);
    await expect(service.precheck(TENANT, mac.id, mac.serialNumber)).resolves.toBeUndefined();
  });

  it('drops the PIN of a Mac lock that failed, so it does not block the next lock', async () => {
    const mac = take(onlineMac);
    graph.intune.setBehaviour(mac.id, { connectivity: 'failing' });
    const r = await requestFor(mac);
    const executed = await service.execute(r);
    expect(executed.pin).toMatch(/^\d{6}$/);
    expect(await vault.info(TENANT, mac.id)).toBeDefined();
    clock.advance(LOCK_STEP_MS);
    expect(await service.observe(r)).toEqual({
      state: 'Failed',
      error: 'Intune reports that the device could not be locked.',
    });
    expect(await vault.info(TENANT, mac.id)).toBeUndefined();
    const steps = (await audit.latest({ tenantId: TENANT, targetId: mac.id })).map((a) => a.detail?.step);
    expect(steps).toEqual(['PIN discarded', 'PIN issued']);
    r.state = 'Failed';
    await requests.save(r);
    await expect(service.precheck(TENANT, mac.id, mac.serialNumber)).resolves.toBeUndefined();
  });

  it('does not resend a lock whose answer was lost: Unknown, with what to check', async () => {
    const d = take((x) => x.operatingSystem === 'Android' && x.behaviour.connectivity === 'online');
    // Intune takes the lock, then the connection drops before the answer.
    graph.addRoute('POST', new RegExp(`^/deviceManagement/managedDevices/${d.id}/remoteLock$`), ({ req }) => {
      graph.intune.lock(d.id);
      req.socket.destroy();
      return { status: 204 };
    });
    const before = graph.requests.length;
    const executed = await service.execute(await requestFor(d));
    expect(executed.state).toBe('Unknown');
    expect(executed.error).toMatch(/may still have received the lock/);
    expect(graph.intune.lockCount(d.id)).toBe(1);
    expect(graph.requests.slice(before).filter((x) => x.path.endsWith('/remoteLock'))).toHaveLength(1);
  });
});
