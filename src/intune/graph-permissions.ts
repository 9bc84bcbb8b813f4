/**
 * The Microsoft Graph application permissions Device Desk's app registration needs, what each is
 * for, and which one a call needs: what the setup card names and what a 403 is turned into.
 */

export interface GraphAppPermission {
  permission: string;
  /** What the bot does with it, for the admin who grants it. */
  usedFor: string;
  /** Microsoft's page that lists it for the call. */
  source: string;
}

export const GRAPH_APP_PERMISSIONS: readonly GraphAppPermission[] = [
  {
    permission: 'DeviceManagementManagedDevices.Read.All',
    usedFor: 'list, find and read Intune managed devices and their action results',
    source: 'https://learn.microsoft.com/graph/api/intune-devices-manageddevice-get',
  },
  {
    permission: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
    usedFor: 'remote lock, sync, restart, retire, wipe, reset passcode, lost mode and locate',
    source: 'https://learn.microsoft.com/graph/api/intune-devices-manageddevice-remotelock',
  },
  {
    permission: 'DeviceManagementConfiguration.Read.All',
    usedFor: 'read Multi Admin Approval requests (DeviceManagementRBAC.Read.All also does)',
    source: 'https://learn.microsoft.com/graph/api/intune-rbac-operationapprovalrequest-get?view=graph-rest-beta',
  },
  {
    permission: 'GroupMember.Read.All',
    usedFor: 'check group membership for role assignments made to groups, and show the groups’ names',
    source: 'https://learn.microsoft.com/graph/api/directoryobject-checkmembergroups',
  },
  {
    permission: 'User.Read.All',
    usedFor: 'show the names of people in role assignments',
    source: 'https://learn.microsoft.com/graph/api/user-get',
  },
];

const NEEDS: { method: string; pattern: RegExp; permission: string }[] = [
  {
    method: 'POST',
    pattern:
      /\/deviceManagement\/managedDevices\/[^/]+\/(remoteLock|syncDevice|rebootNow|retire|wipe|resetPasscode|enableLostMode|disableLostMode|locateDevice)$/i,
    permission: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
  },
  {
    method: 'GET',
    pattern: /\/deviceManagement\/managedDevices(\/[^/]+)?$/i,
    permission: 'DeviceManagementManagedDevices.Read.All',
  },
  {
    method: 'GET',
    pattern: /\/deviceManagement\/operationApprovalRequests(\/[^/]+)?$/i,
    permission: 'DeviceManagementConfiguration.Read.All',
  },
  { method: 'POST', pattern: /\/users\/[^/]+\/checkMemberGroups$/i, permission: 'GroupMember.Read.All' },
  { method: 'GET', pattern: /\/users\/[^/]+\/transitiveMemberOf$/i, permission: 'GroupMember.Read.All' },
  { method: 'GET', pattern: /\/groups\/[^/]+$/i, permission: 'GroupMember.Read.All' },
  { method: 'GET', pattern: /\/users\/[^/]+$/i, permission: 'User.Read.All' },
];

/** The permission Device Desk asks admins to grant for this call, when it is one the bot makes. */
export function graphPermissionFor(method: string, path: string): string | undefined {
  return NEEDS.find((n) => n.method === method.toUpperCase() && n.pattern.test(path))?.permission;
}

/**
 * The scopes a 403 names. Intune's refusal says "Application must have one of the following
 * scopes: A, B - Operation ID …" (quoted in microsoftgraph/microsoft-graph-docs-contrib#87);
 * the directory's Authorization_RequestDenied names none.
 */
export function scopesNamedIn(message: string): string[] {
  const m = /must have one of the following scopes:\s*([A-Za-z0-9._,\s]+?)(?:\s+-\s|\\|"|$)/i.exec(message);
  return m
    ? m[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}
