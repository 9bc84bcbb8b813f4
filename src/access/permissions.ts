/**
 * Permissions and built-in roles, named as Intune names them so that an Intune admin reads an
 * access file without a glossary. docs/roles.md shows the same table for people.
 */

/** Permissions a role can carry: they act on devices or on the tenant, within an assignment's scopes. */
export const ROLE_PERMISSIONS = [
  'Managed devices/Read',
  'Remote tasks/Retire',
  'Remote tasks/Wipe',
  'Remote tasks/Reboot now',
  'Remote tasks/Enable lost mode',
  'Remote tasks/Disable lost mode',
  'Remote tasks/Remote lock',
  'Remote tasks/Sync devices',
  'Remote tasks/Reset passcode',
  'Remote tasks/Locate device',
  // Device Desk's own, not Intune's: reading a Mac's recovery PIN that someone else was given.
  'Remote lock PINs/Read',
  'Chrome Enterprise/Update connection settings',
  'Chrome Enterprise/Delete connection settings',
  'Audit/Read',
  'Organization/Read',
  'Organization/Update',
  'Roles/Read',
  'Lost reports/Manage',
] as const;

/**
 * Permissions every signed-in user holds for the devices assigned to them (the implicit End user
 * role). They can't be put in a role: a role that "reads own devices" would mean nothing more.
 */
export const OWN_DEVICE_PERMISSIONS = ['Own devices/Read', 'Own devices/Report lost'] as const;

export type RolePermission = (typeof ROLE_PERMISSIONS)[number];
export type OwnDevicePermission = (typeof OWN_DEVICE_PERMISSIONS)[number];
export type Permission = RolePermission | OwnDevicePermission;

export const ALL_PERMISSIONS: readonly Permission[] = [...ROLE_PERMISSIONS, ...OWN_DEVICE_PERMISSIONS];

export function isRolePermission(value: string): value is RolePermission {
  return (ROLE_PERMISSIONS as readonly string[]).includes(value);
}

export function isOwnDevicePermission(value: string): value is OwnDevicePermission {
  return (OWN_DEVICE_PERMISSIONS as readonly string[]).includes(value);
}

export interface RoleDefinition {
  name: string;
  description: string;
  permissions: readonly RolePermission[];
  builtIn: boolean;
}

export const END_USER_ROLE = 'End user';

const REMOTE_TASKS: RolePermission[] = [
  'Remote tasks/Retire',
  'Remote tasks/Wipe',
  'Remote tasks/Reboot now',
  'Remote tasks/Enable lost mode',
  'Remote tasks/Disable lost mode',
  'Remote tasks/Remote lock',
  'Remote tasks/Sync devices',
  'Remote tasks/Reset passcode',
  'Remote tasks/Locate device',
];

/**
 * Intune's built-in roles, cut down to what this bot does, as Microsoft's built-in role reference
 * lists them (https://learn.microsoft.com/intune/intune-service/fundamentals/role-based-access-control-reference;
 * MicrosoftDocs/memdocs memdocs/intune/fundamentals/role-based-access-control-reference.md at
 * 09c7fd2e). Audit data/Read → Audit/Read, Roles/Read → Roles/Read, Remote tasks/* by name.
 * Intune Administrator is the Entra role that holds every Intune permission. Lost reports,
 * Chrome Enterprise and Organization/Update are Device Desk's own: given to the roles whose job
 * they fit. In practice a School Administrator assignment is scoped to the school's org units.
 */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  {
    name: 'Intune Administrator',
    description: 'Everything the bot can do, tenant-wide administration included.',
    permissions: [...ROLE_PERMISSIONS],
    builtIn: true,
  },
  {
    name: 'Help Desk Operator',
    description: 'Runs remote tasks on devices and handles lost-device reports.',
    permissions: [
      'Managed devices/Read',
      ...REMOTE_TASKS,
      'Audit/Read',
      'Organization/Read',
      'Roles/Read',
      'Lost reports/Manage',
    ],
    builtIn: true,
  },
  {
    name: 'School Administrator',
    description: 'Runs remote tasks on the devices of their schools and handles their lost-device reports.',
    permissions: ['Managed devices/Read', ...REMOTE_TASKS, 'Audit/Read', 'Organization/Read', 'Lost reports/Manage'],
    builtIn: true,
  },
  {
    name: 'Endpoint Security Manager',
    description: 'Contains compromised devices: lock, restart and sync; neither retire, wipe nor lost mode.',
    // Microsoft's reference gives it Reboot now and Remote lock among remote tasks, not Retire or Wipe;
    // Sync devices per https://learn.microsoft.com/intune/device-management/actions/sync (roles listed).
    permissions: [
      'Managed devices/Read',
      'Remote tasks/Reboot now',
      'Remote tasks/Remote lock',
      'Remote tasks/Sync devices',
      'Audit/Read',
      'Organization/Read',
      'Roles/Read',
    ],
    builtIn: true,
  },
  {
    name: 'Read Only Operator',
    description: 'Sees devices, the audit trail, the connection and who holds which role; changes nothing.',
    permissions: ['Managed devices/Read', 'Audit/Read', 'Organization/Read', 'Roles/Read'],
    builtIn: true,
  },
];

export const BUILT_IN_ROLE_NAMES: readonly string[] = BUILT_IN_ROLES.map((r) => r.name);
