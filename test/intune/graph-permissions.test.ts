import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GraphGroupMembership,
  GraphHttpClient,
  GraphManagedDeviceDirectory,
  MissingGraphPermission,
} from '../../src/intune';
import { GRAPH_APP_PERMISSIONS } from '../../src/intune/graph-permissions';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import reference from '../../src/sandbox/graph/graph-intune-reference.json';
import {
  readAppToken,
  SANDBOX_GRANTED_PERMISSIONS,
  startGraphEmulator,
  type GraphEmulator,
} from '../../src/sandbox/graph';
import { SANDBOX_PEOPLE } from '../../src/sandbox/people';

const START = Date.parse('2026-03-02T10:00:00Z');
const fleet = sandboxIntuneFleet(START);
const ALEX = SANDBOX_PEOPLE[0];

async function emulatorWithout(permission: string): Promise<GraphEmulator> {
  return startGraphEmulator({ managedDevices: fleet, withoutPermissions: [permission] });
}

function clientsFor(graph: GraphEmulator, auth: 'fixed' | 'secret' = 'fixed') {
  const client = new GraphHttpClient({
    auth:
      auth === 'fixed'
        ? { kind: 'fixed-token', token: graph.fixedToken }
        : {
            kind: 'client-credentials',
            tenantId: graph.tenantId,
            clientId: graph.clientId,
            clientSecret: graph.clientSecret,
            authorityHost: graph.authorityHost,
          },
    baseUrl: graph.baseUrl,
    sleep: async () => undefined,
  });
  return { client, devices: new GraphManagedDeviceDirectory(client), groups: new GraphGroupMembership(client) };
}

describe('Graph application permissions', () => {
  it('issues app-only tokens whose roles claim lists the granted permissions, the fixed token too', async () => {
    const graph = await emulatorWithout('GroupMember.Read.All');
    try {
      const form = new URLSearchParams({
        client_id: graph.clientId,
        client_secret: graph.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      });
      const res = await fetch(graph.tokenUrl, { method: 'POST', body: form });
      const { access_token } = (await res.json()) as { access_token: string };
      const expected = SANDBOX_GRANTED_PERMISSIONS.filter((p) => p !== 'GroupMember.Read.All');
      expect(readAppToken(access_token)?.roles).toEqual(expected);
      expect(readAppToken(graph.fixedToken)?.roles).toEqual(expected);
      expect(graph.grantedPermissions).toEqual(expected);
    } finally {
      await graph.close();
    }
  });

  it('grants by default exactly what the bot asks admins for', () => {
    expect([...SANDBOX_GRANTED_PERMISSIONS].sort()).toEqual(GRAPH_APP_PERMISSIONS.map((p) => p.permission).sort());
  });

  it('refuses reading managed devices without DeviceManagementManagedDevices.Read.All, as Intune does', async () => {
    const graph = await emulatorWithout('DeviceManagementManagedDevices.Read.All');
    try {
      const res = await fetch(`${graph.baseUrl}/deviceManagement/managedDevices`, {
        headers: { authorization: `Bearer ${graph.fixedToken}` },
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('Forbidden');
      expect(body.error.message).toContain(
        'Application must have one of the following scopes: DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.ReadWrite.All',
      );

      const { devices } = clientsFor(graph, 'secret');
      const error = await devices.get(fleet[0].id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingGraphPermission);
      expect(error).toMatchObject({ status: 403, permission: 'DeviceManagementManagedDevices.Read.All' });
      expect((error as MissingGraphPermission).userMessage).toContain('DeviceManagementManagedDevices.Read.All');
    } finally {
      await graph.close();
    }
  });

  it('refuses a remote lock without PrivilegedOperations.All, and nothing is locked', async () => {
    const graph = await emulatorWithout('DeviceManagementManagedDevices.PrivilegedOperations.All');
    try {
      const { devices } = clientsFor(graph);
      const target = fleet.find((d) => d.operatingSystem === 'iOS')!;
      // Reading still works: only the lock needs the privileged permission.
      await expect(devices.get(target.id)).resolves.toMatchObject({ id: target.id });
      const error = await devices.remoteLock(target.id, { justification: 'x' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ permission: 'DeviceManagementManagedDevices.PrivilegedOperations.All' });
      expect(graph.intune.lockCount(target.id)).toBe(0);
    } finally {
      await graph.close();
    }
  });

  it('refuses group checks without a group permission with Authorization_RequestDenied', async () => {
    const graph = await emulatorWithout('GroupMember.Read.All');
    try {
      // User.Read.All also reads memberships for checkMemberGroups (reference permissionsOtherFiles).
      const stricter = await startGraphEmulator({ permissions: ['DeviceManagementManagedDevices.Read.All'] });
      try {
        const res = await fetch(`${stricter.baseUrl}/users/${ALEX.aadObjectId}/checkMemberGroups`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stricter.fixedToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ groupIds: ['00000000-0000-0000-0000-000000000041'] }),
        });
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        });
        const error = await clientsFor(stricter)
          .groups.memberOf(ALEX.aadObjectId, ['00000000-0000-0000-0000-000000000041'])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MissingGraphPermission);
        expect(error).toMatchObject({ permission: 'GroupMember.Read.All' });
      } finally {
        await stricter.close();
      }
      await expect(
        clientsFor(graph).groups.memberOf(ALEX.aadObjectId, ['00000000-0000-0000-0000-000000000041']),
      ).resolves.toEqual([]);
    } finally {
      await graph.close();
    }
  });

  it('refuses reading approval requests without a Configuration or RBAC read permission', async () => {
    const graph = await emulatorWithout('DeviceManagementConfiguration.Read.All');
    try {
      graph.intune.approvalRequired = true;
      const { devices } = clientsFor(graph);
      const submitted = await devices.remoteLock(fleet[0].id, { justification: 'x' });
      if (submitted.kind !== 'approval') throw new Error('expected an approval');
      await expect(devices.approval(submitted.approval.id)).rejects.toMatchObject({
        permission: 'DeviceManagementConfiguration.Read.All',
        accepted: expect.arrayContaining(['DeviceManagementRBAC.Read.All']),
      });
    } finally {
      await graph.close();
    }
  });

  it('enforces what the Graph reference maps to each path', () => {
    const byPath = reference.permissionsByPath as Record<string, Record<string, string[]>>;
    expect(Object.keys(byPath['POST /devicemanagement/manageddevices/{id}/remotelock'])).toEqual([
      'DeviceManagementManagedDevices.PrivilegedOperations.All',
    ]);
    expect(Object.keys(byPath['GET /devicemanagement/manageddevices/{id}'])).toContain(
      'DeviceManagementManagedDevices.Read.All',
    );
    expect(Object.keys(byPath['POST /users/{id}/checkmembergroups'])).toContain('GroupMember.Read.All');
    expect(Object.keys(byPath['GET /devicemanagement/operationapprovalrequests/{id}'])).toContain(
      'DeviceManagementRBAC.Read.All',
    );
  });

  it("keeps the emulator's copy of the Graph reference equal to the shared one", () => {
    const shared = path.resolve(__dirname, '../../../shared/reference/graph-intune-reference.json');
    // The shared folder sits beside the checkout on every machine of the project.
    expect(existsSync(shared)).toBe(true);
    expect(JSON.parse(readFileSync(shared, 'utf8'))).toEqual(reference);
  });
});
