/**
 * The Intune side of the bot's connections: which Microsoft Graph application permissions the
 * app must be granted, which it holds now (its token says), whether Graph answers, and how many
 * Intune devices the last sync brought in. What `intune setup` and `intune status` show.
 */
import { DeskError } from '../errors';
import {
  GRAPH_APP_PERMISSIONS,
  type GraphAppPermission,
  type GraphHttpClient,
  type IntuneSync,
  type IntuneSyncOutcome,
  type ManagedDeviceDirectory,
} from '../intune';
import type { Inventory } from '../inventory';

export type GraphPermissionNeed = GraphAppPermission;

export interface IntunePermissionState extends GraphAppPermission {
  /** Held by the app now; undefined when the token does not say. */
  granted: boolean | undefined;
}

export type IntuneStatus =
  | { configured: false; permissions: readonly GraphAppPermission[] }
  | {
      configured: true;
      permissions: IntunePermissionState[];
      /** Graph answered a read of managed devices; otherwise why not, in words an admin can act on. */
      reachable: boolean;
      problem?: string;
      devices: number;
      lastSync?: IntuneSyncOutcome;
    };

export interface IntuneConnectionDeps {
  inventory: Inventory;
  /** The tenant's own Graph app; undefined when it has none. */
  graph: (
    tenantId: string,
  ) => { client: Pick<GraphHttpClient, 'grantedPermissions'>; devices: ManagedDeviceDirectory } | undefined;
  sync?: IntuneSync;
}

export class IntuneConnection {
  constructor(private readonly deps: IntuneConnectionDeps) {}

  /** What to grant, and what each permission is for. */
  setup(): readonly GraphAppPermission[] {
    return GRAPH_APP_PERMISSIONS;
  }

  async status(tenantId: string): Promise<IntuneStatus> {
    const { inventory } = this.deps;
    const graph = this.deps.graph(tenantId);
    if (!graph) return { configured: false, permissions: GRAPH_APP_PERMISSIONS };
    const granted = await graph.client.grantedPermissions().catch(() => undefined);
    const permissions = GRAPH_APP_PERMISSIONS.map((p) => ({
      ...p,
      granted: granted ? granted.includes(p.permission) : undefined,
    }));
    const probe = await this.probe(graph.devices);
    return {
      configured: true,
      permissions,
      ...probe,
      devices: await inventory.count(tenantId, 'intune'),
      lastSync: this.deps.sync?.lastOutcome(tenantId),
    };
  }

  /** One small read, as a sync would start: does Graph answer, and if not, why. */
  private async probe(devices: ManagedDeviceDirectory): Promise<{ reachable: boolean; problem?: string }> {
    try {
      for await (const page of devices.pages(1)) {
        void page;
        break;
      }
      return { reachable: true };
    } catch (error) {
      const problem = error instanceof DeskError ? error.userMessage : 'Microsoft Graph did not answer.';
      return { reachable: false, problem };
    }
  }
}
