/**
 * Every tenant one deployment serves, each with its own connections: its Google Admin
 * connection (customer, service account, admin), its Graph app, its roles. A read or an action
 * goes through the caller's own tenant's connection, or nowhere: nothing falls back to another's.
 */
import type { AccessConfig, GroupMembership, TenantAccess } from '../access';
import type { DeviceDirectory } from '../directory';
import { DeskError } from '../errors';
import type { GraphHttpClient, ManagedDeviceDirectory } from '../intune';

export interface TenantConnections {
  id: string;
  name: string;
  /** Absent: the tenant has no Google connection configured; ChromeOS devices can't be read or acted on. */
  google?: {
    directory: DeviceDirectory;
    /** Paced and retried by bulk runs themselves (their shared quota limiter sees each request). */
    bulkDirectory: DeviceDirectory;
    /** The service account's client id, for `connector setup` (domain-wide delegation). */
    clientId: string;
  };
  /** Absent: no Graph app for this tenant; Intune devices and group roles are not available. */
  intune?: { client: GraphHttpClient; devices: ManagedDeviceDirectory };
  groups: GroupMembership;
  access: AccessConfig;
}

/** The caller's tenant has no Google connection in this deployment. */
export class TenantNotConnected extends DeskError {
  readonly code = 'TENANT_NOT_CONNECTED';
  constructor(readonly tenantId: string) {
    super(
      'Device Desk has no Google Admin connection for your organisation. Ask whoever runs Device Desk to add your tenant’s Google service account to its tenants file.',
    );
  }
}

export class Tenants {
  private readonly byId: Map<string, TenantConnections>;

  constructor(list: TenantConnections[]) {
    this.byId = new Map(list.map((t) => [t.id.toLowerCase(), t]));
  }

  ids(): string[] {
    return [...this.byId.values()].map((t) => t.id);
  }

  get(tenantId: string): TenantConnections | undefined {
    return this.byId.get(tenantId.toLowerCase());
  }

  /** The tenant's own Google directory; TenantNotConnected when it has none. */
  google(tenantId: string): DeviceDirectory {
    const google = this.get(tenantId)?.google;
    if (!google) throw new TenantNotConnected(tenantId);
    return google.directory;
  }

  bulkGoogle(tenantId: string): DeviceDirectory {
    const google = this.get(tenantId)?.google;
    if (!google) throw new TenantNotConnected(tenantId);
    return google.bulkDirectory;
  }

  hasGoogle(tenantId: string): boolean {
    return !!this.get(tenantId)?.google;
  }

  /** The tenant's own Intune, or undefined when it has no Graph app. */
  intune(tenantId: string): ManagedDeviceDirectory | undefined {
    return this.get(tenantId)?.intune?.devices;
  }

  graph(tenantId: string): GraphHttpClient | undefined {
    return this.get(tenantId)?.intune?.client;
  }

  /** Each tenant's roles, for the access resolver. */
  accessByTenant(): TenantAccess[] {
    return [...this.byId.values()].map((t) => ({ tenantId: t.id, config: t.access, groups: t.groups }));
  }
}
