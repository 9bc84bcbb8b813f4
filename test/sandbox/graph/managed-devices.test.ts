import { ManualClock } from '../../../src/clock';
import { generateIntuneFleet, sandboxIntuneFleet } from '../../../src/sandbox/fleet/intune-fleet';
import { startGraphEmulator, type GraphEmulator } from '../../../src/sandbox/graph';
import { parseFilter } from '../../../src/sandbox/graph/managed-device-routes';
import { LOCK_STEP_MS } from '../../../src/sandbox/graph/managed-devices';

const START = Date.parse('2026-03-02T10:00:00Z');

describe('Graph emulator: Intune managed devices over HTTP', () => {
  let graph: GraphEmulator;
  const clock = new ManualClock(START);
  const fleet = sandboxIntuneFleet(START);

  beforeAll(async () => {
    graph = await startGraphEmulator({ managedDevices: fleet, clock });
  });
  afterAll(() => graph.close());

  const api = (path: string, init: RequestInit = {}, version = 'v1.0') =>
    fetch(`${graph.authorityHost}/${version}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${graph.fixedToken}`, ...(init.headers as Record<string, string>) },
    });

  it('generates the same fleet for the same start, a different one for another seed', () => {
    expect(sandboxIntuneFleet(START)).toEqual(fleet);
    expect(generateIntuneFleet({ now: START, seed: 'other' }).map((d) => d.serialNumber)).not.toEqual(
      fleet.map((d) => d.serialNumber),
    );
    expect(new Set(fleet.map((d) => d.serialNumber)).size).toBe(fleet.length);
    expect(fleet.filter((d) => d.userPrincipalName === 'adelev@example.com').map((d) => d.operatingSystem)).toEqual([
      'iOS',
      'macOS',
    ]);
  });

  it('pages with $top and an absolute @odata.nextLink that keeps the query', async () => {
    const first = (await (await api('/deviceManagement/managedDevices?$top=5&$select=id,serialNumber')).json()) as {
      value: Record<string, unknown>[];
      '@odata.nextLink': string;
    };
    expect(first.value).toHaveLength(5);
    expect(Object.keys(first.value[0]).sort()).toEqual(['@odata.type', 'id', 'serialNumber']);
    const next = new URL(first['@odata.nextLink']);
    expect(next.searchParams.get('$select')).toBe('id,serialNumber');
    expect(next.searchParams.get('$skiptoken')).toBe('5');
  });

  it('answers unsupported filters and unknown devices in Graph’s error shape', async () => {
    const bad = await api(`/deviceManagement/managedDevices?$filter=${encodeURIComponent("contains(deviceName,'x')")}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
    expect((await api('/deviceManagement/managedDevices/nope')).status).toBe(404);
    expect(typeof parseFilter("serialNumber eq 'a' or deviceName eq 'b'")).toBe('string');
    expect(typeof parseFilter("serialNumber eq 'O''Brien' and startswith(deviceName,'Ad')")).toBe('function');
  });

  it('moves a lock result on its own clock and serves approval requests under beta', async () => {
    const d = fleet.find((x) => x.operatingSystem === 'Android' && x.behaviour.connectivity === 'online')!;
    expect((await api(`/deviceManagement/managedDevices/${d.id}/remoteLock`, { method: 'POST' })).status).toBe(204);
    const read = async () =>
      (
        (await (await api(`/deviceManagement/managedDevices/${d.id}`)).json()) as {
          deviceActionResults: Array<Record<string, string>>;
        }
      ).deviceActionResults[0];
    expect(await read()).toMatchObject({ actionName: 'remoteLock', actionState: 'pending' });
    clock.advance(2 * LOCK_STEP_MS);
    expect(await read()).toMatchObject({ actionState: 'done' });

    graph.intune.approvalRequired = true;
    const refused = await api(`/deviceManagement/managedDevices/${d.id}/remoteLock`, { method: 'POST' });
    expect(refused.status).toBe(403);
    const filed = await api(`/deviceManagement/managedDevices/${d.id}/remoteLock`, {
      method: 'POST',
      headers: { 'x-msft-approval-justification': 'why' },
    });
    expect(filed.status).toBe(202);
    const approval = (await filed.json()) as { id: string; status: string };
    expect(approval.status).toBe('needsApproval');
    const viaBeta = (await (
      await api(`/deviceManagement/operationApprovalRequests/${approval.id}`, {}, 'beta')
    ).json()) as { status: string };
    expect(viaBeta.status).toBe('needsApproval');
    // Nobody decided within a day: the request expires.
    clock.advance(25 * 3_600_000);
    expect(
      (
        (await (await api(`/deviceManagement/operationApprovalRequests/${approval.id}`, {}, 'beta')).json()) as {
          status: string;
        }
      ).status,
    ).toBe('expired');
    graph.intune.approvalRequired = false;
  });
});
