/**
 * Who is asking: turns a chat user's identity into the roles they hold, and answers whether
 * they may do something to a device. The one permission guard calls `can` for every action.
 */
import { Forbidden } from '../errors';
import { silentLogger, type Logger } from '../log';
import type { AccessConfig } from './access-file';
import {
  BUILT_IN_ROLES,
  END_USER_ROLE,
  isOwnDevicePermission,
  type Permission,
  type RolePermission,
} from './permissions';
import { scopeCovers } from './scope';

/** The chat user, as Teams and Entra know them. */
export interface Identity {
  aadObjectId: string;
  /** User principal name; may differ from the email (e.g. isaiah@ vs isaiahl@). */
  upn?: string;
  email?: string;
  tenantId: string;
  name?: string;
}

/** Transitive Entra group membership, e.g. through Graph's checkMemberGroups. */
export interface GroupMembership {
  /** The subset of groupIds the user belongs to, directly or through nested groups. */
  memberOf(objectId: string, groupIds: string[]): Promise<string[]>;
  /** A group's display name, to show people names rather than object ids; undefined when unknown. */
  groupName?(groupId: string): Promise<string | undefined>;
  /** A person's display name from their object id or UPN; undefined when unknown. */
  userName?(idOrUpn: string): Promise<string | undefined>;
}

/** Someone who holds a role: a person named in the access file, or a group. */
export interface RoleHolder {
  kind: 'user' | 'group';
  /** As the access file names them: UPN or object id. */
  id: string;
  /** Display name from Entra, when it could be read. */
  name?: string;
  /** Org-unit paths; undefined means the whole tenant. */
  scopes?: string[];
}

/** A role of the tenant with what it allows and who holds it. */
export interface RoleListing {
  name: string;
  description: string;
  builtIn: boolean;
  permissions: readonly RolePermission[];
  holders: RoleHolder[];
}

export interface Grant {
  role: string;
  permissions: readonly RolePermission[];
  /** Org-unit paths; undefined means the whole tenant. */
  scopes?: string[];
  /** How the user got it: 'user' (named directly) or the group's object id. */
  via: 'user' | { group: string };
}

export interface UserAccess {
  identity: Identity;
  grants: Grant[];
  /** No role at all: the user can only see and report their own devices. */
  endUserOnly: boolean;
  /** Graph could not be asked about groups: group-derived roles are missing from `grants`. */
  groupLookupFailed: boolean;
}

/** What the guard needs to know about the device an action targets. */
export interface DeviceContext {
  /** Google org unit; Intune devices have none. */
  orgUnitPath?: string;
  /** Lower-cased emails/UPNs of the people the device belongs to. */
  users: string[];
}

export type Decision =
  | { allowed: true; permission: Permission; via: string }
  | {
      allowed: false;
      permission: Permission;
      reason: 'missing-permission' | 'out-of-scope' | 'not-own-device';
      /** Roles that include the permission, to tell the user whom to ask for. */
      grantedBy: string[];
      message: string;
    };

/** One tenant's roles: its access file and how to ask its Entra about groups. */
export interface TenantAccess {
  tenantId: string;
  config: AccessConfig;
  groups: GroupMembership;
}

export type AccessResolverOptions =
  /** Several tenants, each with its own roles: nobody gets a role of a tenant they don't belong to. */
  | { tenants: TenantAccess[]; logger?: Logger }
  /** One set of roles, for one tenant (or, without tenantId, for whoever asks: tests only). */
  | { config: AccessConfig; groups: GroupMembership; tenantId?: string; logger?: Logger };

/** Built-in roles only: how a tenant without an access file, or an unknown tenant, is judged. */
const EMPTY_CONFIG: AccessConfig = { roles: [...BUILT_IN_ROLES], assignments: [] };
const ANY_TENANT = '*';

export class AccessResolver {
  private readonly tenants = new Map<string, TenantAccess & { groupIds: string[] }>();
  private readonly logger: Logger;

  constructor(options: AccessResolverOptions) {
    this.logger = options.logger ?? silentLogger;
    const list =
      'tenants' in options
        ? options.tenants
        : [{ tenantId: options.tenantId ?? ANY_TENANT, config: options.config, groups: options.groups }];
    for (const t of list) {
      const groupIds = [...new Set(t.config.assignments.flatMap((a) => a.groups))];
      this.tenants.set(t.tenantId.toLowerCase(), { ...t, groupIds });
    }
  }

  /** The roles of the caller's own tenant; another tenant's never apply, whatever the email says. */
  private tenantOf(tenantId: string): (TenantAccess & { groupIds: string[] }) | undefined {
    return this.tenants.get(tenantId.toLowerCase()) ?? this.tenants.get(ANY_TENANT);
  }

  async resolve(identity: Identity): Promise<UserAccess> {
    const tenant = this.tenantOf(identity.tenantId ?? '');
    if (!tenant) return { identity, grants: [], endUserOnly: true, groupLookupFailed: false };
    const names = new Set(
      [identity.aadObjectId, identity.upn, identity.email].filter((v): v is string => !!v).map((v) => v.toLowerCase()),
    );

    let memberOf = new Set<string>();
    let groupLookupFailed = false;
    if (tenant.groupIds.length > 0) {
      try {
        memberOf = new Set(
          (await tenant.groups.memberOf(identity.aadObjectId, tenant.groupIds)).map((g) => g.toLowerCase()),
        );
      } catch (err) {
        // Direct assignments still count; the guard tells the user why a group role is missing.
        groupLookupFailed = true;
        this.logger.warn({ err, aadObjectId: identity.aadObjectId }, 'group membership lookup failed');
      }
    }

    const grants: Grant[] = [];
    for (const a of tenant.config.assignments) {
      const role = tenant.config.roles.find((r) => r.name === a.role);
      if (!role) continue;
      const direct = a.users.some((u) => names.has(u));
      const group = direct ? undefined : a.groups.find((g) => memberOf.has(g));
      if (!direct && !group) continue;
      grants.push({
        role: role.name,
        permissions: role.permissions,
        ...(a.scopes ? { scopes: [...a.scopes] } : {}),
        via: direct ? 'user' : { group: group as string },
      });
    }
    return { identity, grants, endUserOnly: grants.length === 0, groupLookupFailed };
  }

  /** Every role of the tenant, with its permissions and who holds it (names read from Entra where it can). */
  async roster(tenantId: string): Promise<RoleListing[]> {
    const tenant = this.tenantOf(tenantId);
    const config = tenant?.config ?? EMPTY_CONFIG;
    const holdersOf = async (role: string): Promise<RoleHolder[]> => {
      const holders: RoleHolder[] = [];
      for (const a of config.assignments.filter((x) => x.role === role)) {
        const scopes = a.scopes ? { scopes: [...a.scopes] } : {};
        for (const id of a.users)
          holders.push({ kind: 'user', id, name: await this.nameOf(tenant, 'user', id), ...scopes });
        for (const id of a.groups)
          holders.push({ kind: 'group', id, name: await this.nameOf(tenant, 'group', id), ...scopes });
      }
      return holders;
    };
    const listings: RoleListing[] = [];
    for (const r of config.roles) listings.push({ ...r, holders: await holdersOf(r.name) });
    return listings;
  }

  /** Display names of groups of the caller's tenant, by object id (those Entra could not name are left out). */
  async groupNames(tenantId: string, groupIds: string[]): Promise<Map<string, string>> {
    const tenant = this.tenantOf(tenantId);
    const names = new Map<string, string>();
    for (const id of new Set(groupIds)) {
      const name = await this.nameOf(tenant, 'group', id);
      if (name) names.set(id, name);
    }
    return names;
  }

  private async nameOf(
    tenant: TenantAccess | undefined,
    kind: 'user' | 'group',
    id: string,
  ): Promise<string | undefined> {
    const ask = kind === 'group' ? tenant?.groups.groupName : tenant?.groups.userName;
    if (!ask) return undefined;
    try {
      return await ask.call(tenant!.groups, id);
    } catch (err) {
      // A name is a courtesy: the listing shows the id instead.
      this.logger.warn({ err, kind }, 'could not read a display name from Entra');
      return undefined;
    }
  }

  /** Role names of the tenant whose permission set includes the permission. */
  rolesGranting(permission: Permission, tenantId: string): string[] {
    return rolesGranting(this.configOf(tenantId), permission);
  }

  private configOf(tenantId: string): AccessConfig {
    return this.tenantOf(tenantId)?.config ?? EMPTY_CONFIG;
  }

  /**
   * May the user use the permission, on this device if one is given? Without a device, the
   * question is whether they hold it anywhere (e.g. to show a button or start a flow).
   */
  can(access: UserAccess, permission: Permission, device?: DeviceContext): Decision {
    return can(this.configOf(access.identity.tenantId ?? ''), access, permission, device);
  }

  /** `can`, throwing Forbidden with the explanation when denied. */
  assertCan(access: UserAccess, permission: Permission, device?: DeviceContext): void {
    const decision = this.can(access, permission, device);
    if (!decision.allowed) throw new Forbidden(decision.message, permission);
  }
}

export function rolesGranting(config: AccessConfig, permission: Permission): string[] {
  if (isOwnDevicePermission(permission)) return [END_USER_ROLE];
  return config.roles.filter((r) => (r.permissions as readonly string[]).includes(permission)).map((r) => r.name);
}

export function can(
  config: AccessConfig,
  access: UserAccess,
  permission: Permission,
  device?: DeviceContext,
): Decision {
  if (isOwnDevicePermission(permission)) {
    if (!device || ownsDevice(access.identity, device)) return { allowed: true, permission, via: END_USER_ROLE };
    return {
      allowed: false,
      permission,
      reason: 'not-own-device',
      grantedBy: [END_USER_ROLE],
      message: `"${permission}" covers only devices assigned to you, and this one is not.`,
    };
  }

  const holding = access.grants.filter((g) => (g.permissions as readonly string[]).includes(permission));
  const grantedBy = rolesGranting(config, permission);
  if (holding.length === 0) {
    const groupNote = access.groupLookupFailed
      ? ' (Your group memberships could not be checked just now; roles given through groups may be missing. Try again shortly.)'
      : '';
    return {
      allowed: false,
      permission,
      reason: 'missing-permission',
      grantedBy,
      message: `You need "${permission}", which comes with ${listRoles(grantedBy)}. Ask your Intune administrator for one of these roles.${groupNote}`,
    };
  }
  if (!device) return { allowed: true, permission, via: holding[0].role };

  const covering = holding.find((g) => covers(g, device));
  if (covering) return { allowed: true, permission, via: covering.role };
  const scopes = holding.flatMap((g) => g.scopes ?? []);
  const where = device.orgUnitPath ? `in ${device.orgUnitPath}` : 'outside Google org units (Intune)';
  return {
    allowed: false,
    permission,
    reason: 'out-of-scope',
    grantedBy,
    message: `You hold "${permission}" only for ${scopes.join(', ')}; this device is ${where}.`,
  };
}

/** Does the grant reach the device? Unscoped grants reach every device, Intune ones included. */
function covers(grant: Grant, device: DeviceContext): boolean {
  if (!grant.scopes) return true;
  const path = device.orgUnitPath;
  if (path === undefined || path === '') return false;
  return grant.scopes.some((s) => scopeCovers(s, path));
}

export function ownsDevice(identity: Identity, device: DeviceContext): boolean {
  const mine = [identity.upn, identity.email].filter((v): v is string => !!v).map((v) => v.toLowerCase());
  return device.users.some((u) => mine.includes(u.toLowerCase()));
}

/**
 * Which devices a permission reaches, for filtering searches and lists: everything, or devices
 * in some org units plus, for own-device permissions, the user's own.
 */
export function reach(
  access: UserAccess,
  permission: Permission,
): { all: true } | { all: false; orgUnits: string[]; users: string[] } {
  const ownUsers = [access.identity.upn, access.identity.email]
    .filter((v): v is string => !!v)
    .map((v) => v.toLowerCase());
  if (isOwnDevicePermission(permission)) return { all: false, orgUnits: [], users: [...new Set(ownUsers)] };
  const holding = access.grants.filter((g) => (g.permissions as readonly string[]).includes(permission));
  if (holding.some((g) => !g.scopes)) return { all: true };
  return { all: false, orgUnits: [...new Set(holding.flatMap((g) => g.scopes ?? []))], users: [] };
}

function listRoles(roles: string[]): string {
  if (roles.length === 0) return 'no role';
  const quoted = roles.map((r) => `"${r}"`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
