/**
 * Microsoft Graph application permissions as the emulator enforces them: which permission a route
 * needs (any one of a list), and the app-only tokens that carry them in their `roles` claim.
 */
import { randomBytes } from 'node:crypto';

/** The application permissions Device Desk's app registration is granted in the sandbox. */
export const SANDBOX_GRANTED_PERMISSIONS = [
  'DeviceManagementManagedDevices.Read.All',
  'DeviceManagementManagedDevices.PrivilegedOperations.All',
  'DeviceManagementConfiguration.Read.All',
  'GroupMember.Read.All',
  'User.Read.All',
] as const;

export interface RoutePermission {
  /** Any one of these application permissions will do. */
  anyOf: readonly string[];
  /** Which 403 body Graph answers with: Intune's own, or the directory's Authorization_RequestDenied. */
  body: 'intune' | 'directory';
}

interface Rule extends RoutePermission {
  method: string;
  pattern: RegExp;
}

const RULES: Rule[] = [
  // https://learn.microsoft.com/graph/api/intune-devices-manageddevice-list (Application:
  // DeviceManagementManagedDevices.Read.All, …ReadWrite.All); reference permissionsByPath
  // "GET /devicemanagement/manageddevices" and ".../{id}".
  {
    method: 'GET',
    pattern: /^\/deviceManagement\/managedDevices(\/[^/]+)?$/,
    anyOf: ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.ReadWrite.All'],
    body: 'intune',
  },
  // https://learn.microsoft.com/graph/api/intune-devices-manageddevice-remotelock (Application:
  // DeviceManagementManagedDevices.PrivilegedOperations.All only); reference permissionsByPath
  // "POST /devicemanagement/manageddevices/{id}/remotelock".
  {
    method: 'POST',
    pattern: /^\/deviceManagement\/managedDevices\/[^/]+\/remoteLock$/,
    anyOf: ['DeviceManagementManagedDevices.PrivilegedOperations.All'],
    body: 'intune',
  },
  // wipe: https://learn.microsoft.com/graph/api/intune-devices-manageddevice-wipe (Application:
  // DeviceManagementManagedDevices.ReadWrite.All, …PrivilegedOperations.All); reference
  // permissionsByPath "POST /devicemanagement/manageddevices/{id}/wipe" names both.
  {
    method: 'POST',
    pattern: /^\/deviceManagement\/managedDevices\/[^/]+\/wipe$/,
    anyOf: ['DeviceManagementManagedDevices.PrivilegedOperations.All', 'DeviceManagementManagedDevices.ReadWrite.All'],
    body: 'intune',
  },
  // syncDevice, rebootNow, retire, resetPasscode, enableLostMode, disableLostMode, locateDevice:
  // reference permissionsByPath names PrivilegedOperations.All only for each
  // (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-syncdevice and its siblings).
  {
    method: 'POST',
    pattern:
      /^\/deviceManagement\/managedDevices\/[^/]+\/(syncDevice|rebootNow|retire|resetPasscode|enableLostMode|disableLostMode|locateDevice)$/,
    anyOf: ['DeviceManagementManagedDevices.PrivilegedOperations.All'],
    body: 'intune',
  },
  // https://learn.microsoft.com/graph/api/intune-rbac-operationapprovalrequest-get?view=graph-rest-beta
  // (Application, least to most privileged: DeviceManagementConfiguration.Read.All, …ReadWrite.All,
  // DeviceManagementRBAC.Read.All, …ReadWrite.All). The 2022 reference permissionsByPath names
  // only the RBAC pair; the current page adds the Configuration pair.
  {
    method: 'GET',
    pattern: /^\/deviceManagement\/operationApprovalRequests(\/[^/]+)?$/,
    anyOf: [
      'DeviceManagementConfiguration.Read.All',
      'DeviceManagementConfiguration.ReadWrite.All',
      'DeviceManagementRBAC.Read.All',
      'DeviceManagementRBAC.ReadWrite.All',
    ],
    body: 'intune',
  },
  // Reference permissionsByPath "POST /users/{id}/checkmembergroups" (GroupMember.Read.All) and
  // permissionsOtherFiles (Group.*, Directory.*, User.Read.All, User.ReadWrite.All, Application.*).
  {
    method: 'POST',
    pattern: /^\/users\/[^/]+\/checkMemberGroups$/,
    anyOf: [
      'GroupMember.Read.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
      'User.Read.All',
      'User.ReadWrite.All',
      'Application.Read.All',
      'Application.ReadWrite.All',
    ],
    body: 'directory',
  },
  // https://learn.microsoft.com/graph/api/user-list-transitivememberof — unconfirmed here which
  // application permissions the page lists today; the emulator accepts the group and directory
  // readers and User.Read.All.
  {
    method: 'GET',
    pattern: /^\/users\/[^/]+\/transitiveMemberOf$/,
    anyOf: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'User.Read.All'],
    body: 'directory',
  },
  // https://learn.microsoft.com/graph/api/user-get (Application: User.Read.All and higher).
  {
    method: 'GET',
    pattern: /^\/users\/[^/]+$/,
    anyOf: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    body: 'directory',
  },
  // https://learn.microsoft.com/graph/api/group-get (Application: GroupMember.Read.All and higher).
  {
    method: 'GET',
    pattern: /^\/groups\/[^/]+$/,
    anyOf: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All'],
    body: 'directory',
  },
];

/** The permission a route needs, or undefined for a route the emulator does not guard. */
export function permissionFor(method: string, path: string): RoutePermission | undefined {
  const rule = RULES.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  return rule && { anyOf: rule.anyOf, body: rule.body };
}

export interface AppTokenClaims {
  aud: string;
  tid: string;
  appid: string;
  /** Application permissions granted to the app (Entra's `roles` claim of app-only tokens). */
  roles: string[];
  /** Seconds since the epoch. */
  exp: number;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An app-only access token in the shape Entra issues (a JWT whose `roles` claim lists the granted
 * application permissions). Unsigned: only the emulator reads it, and it is opaque to the client.
 */
export function mintAppToken(claims: AppTokenClaims): string {
  return `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url(claims)}.${randomBytes(16).toString('base64url')}`;
}

export function readAppToken(token: string): AppTokenClaims | undefined {
  const [, payload] = token.split('.');
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AppTokenClaims;
    return Array.isArray(claims.roles) ? claims : undefined;
  } catch {
    return undefined;
  }
}
