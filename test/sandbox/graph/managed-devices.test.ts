import { ManualClock } from '../../../src/clock';
import { generateIntuneFleet, sandboxIntuneFleet } from '../../../src/sandbox/fleet/intune-fleet';
import reference from '../../../src/sandbox/graph/graph-intune-reference.json';
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
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("Header 'x-msft-approval-justification' is required");
    // The justification must be Base64 (Microsoft's MAA-with-Graph article): plain text is refused.
    const plain = await api(`/deviceManagement/managedDevices/${d.id}/remoteLock`, {
      method: 'POST',
      headers: { 'x-msft-approval-justification': 'lost on the bus' },
    });
    expect(plain.status).toBe(400);
    const filed = await api(`/deviceManagement/managedDevices/${d.id}/remoteLock`, {
      method: 'POST',
      headers: { 'x-msft-approval-justification': Buffer.from('why').toString('base64') },
    });
    expect(filed.status).toBe(403);
    const code = filed.headers.get('x-msft-approval-code')!;
    expect(((await filed.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'ApprovalRequired',
      message: expect.stringContaining(`x-msft-approval-code: ${code}`),
    });
    const listed = (await (
      await api(`/deviceManagement/operationApprovalRequests?$filter=requestId eq '${code}'`, {}, 'beta')
    ).json()) as { value: { id: string; status: string; requestJustification: string }[] };
    expect(listed.value).toEqual([
      expect.objectContaining({ id: code, status: 'needsApproval', requestJustification: 'why' }),
    ]);
    const approval = { id: code };
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

  it("serves managed devices and approval requests with only the properties Graph's reference lists", async () => {
    const props = new Set(Object.keys(reference.entityTypes.managedDevice));
    for (const d of fleet.slice(0, 3).concat(fleet.slice(-5))) {
      const body = (await (await api(`/deviceManagement/managedDevices/${d.id}`)).json()) as Record<string, unknown>;
      expect(Object.keys(body).filter((k) => !k.startsWith('@odata') && !props.has(k))).toEqual([]);
      expect(reference.enums.managementState).toContain(body.managementState);
      expect([
        ...reference.enums.deviceEnrollmentType,
        ...reference.enumsBetaExtraMembers.deviceEnrollmentType,
      ]).toContain(body.deviceEnrollmentType);
    }
    graph.intune.approvalRequired = true;
    const target = fleet[0];
    const filed = await api(`/deviceManagement/managedDevices/${target.id}/remoteLock`, {
      method: 'POST',
      headers: { 'x-msft-approval-justification': Buffer.from('lost').toString('base64') },
    });
    const code = filed.headers.get('x-msft-approval-code')!;
    graph.intune.decide(code, 'approved', 'alexw@example.com');
    const approval = (await (
      await api(`/deviceManagement/operationApprovalRequests/${code}`, {}, 'beta')
    ).json()) as Record<string, unknown>;
    const allowed = new Set(['id', ...reference.namesOnlyBeta.operationApprovalRequest.properties]);
    expect(Object.keys(approval).filter((k) => !k.startsWith('@odata') && !allowed.has(k))).toEqual([]);
    expect(approval.approver).toMatchObject({
      user: { id: '00000000-0000-0000-0000-0000000000020', displayName: 'Alex Wilber' },
    });
    graph.intune.approvalRequired = false;
  });
});
