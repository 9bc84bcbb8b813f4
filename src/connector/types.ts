/** The Chrome Enterprise connection of a tenant: how it was made and how its syncs are going. */

export type ConnectionState = 'Syncing' | 'Active' | 'Error';

export interface FullSyncSummary {
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  /** Devices Google listed. */
  devices: number;
  /** Devices that had disappeared from Google and were dropped from the inventory. */
  removed: number;
  durationMs: number;
}

/** A periodic sync that read only the devices Google heard from since the previous sync. */
export interface IncrementalSyncSummary {
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  /** Devices Google listed as synced since the watermark (less the overlap). */
  devices: number;
  durationMs: number;
}

export interface Connection {
  tenantId: string;
  /** The Google admin the service account acts as. */
  connectedAccount: string;
  /** UPN of whoever connected. */
  connectedBy: string;
  /** ISO 8601. */
  connectedAt: string;
  state: ConnectionState;
  /** Why the state is Error, fit for chat. */
  error?: string;
  /** Last successful contact with Google (ISO 8601). */
  lastCheckIn?: string;
  lastFullSync?: FullSyncSummary;
  lastIncrementalSync?: IncrementalSyncSummary;
  /**
   * Start of the last completed sync, full or incremental (ISO 8601): the next incremental sync
   * reads the devices whose last sync is later, less a small overlap for clock skew.
   */
  syncWatermark?: string;
  /** ChromeOS devices in the inventory for this tenant. */
  devicesSynced: number;
  /** Generation of the last sync started: devices not seen by a completed sync are stale. */
  generation: number;
  /** When the running sync started (ISO 8601), while state is Syncing. */
  syncStartedAt?: string;
}

export type ConnectionChange = Partial<Omit<Connection, 'tenantId'>>;

/** One connection per tenant. */
export interface ConnectionStore {
  get(tenantId: string): Promise<Connection | undefined>;
  /** Creates or replaces the tenant's connection. */
  put(connection: Connection): Promise<void>;
  /**
   * Merges a change into the connection only if it still exists (a sync must not bring back a
   * connection deleted meanwhile). A key set to undefined is removed. Resolves with the result.
   */
  update(tenantId: string, change: ConnectionChange): Promise<Connection | undefined>;
  /** Resolves true when there was a connection to delete. */
  delete(tenantId: string): Promise<boolean>;
  /** Tenants that have a connection, for the periodic re-sync. */
  tenants(): Promise<string[]>;
}

export interface LockHandle {
  release(): Promise<void>;
}

/** Mutual exclusion across instances (Redis) or within one process (memory). */
export interface SyncLock {
  /** Undefined when someone else holds the lock. The lock is kept alive until released. */
  acquire(key: string, ttlMs: number): Promise<LockHandle | undefined>;
}

/** A pending "delete the connection" request, waiting for its requester to confirm. */
export interface DeleteConfirmation {
  id: string;
  tenantId: string;
  /** Teams id of the requester: only they can confirm. */
  requesterTeamsId: string;
  requesterName: string;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  /** Devices the bot held when the confirmation was shown. */
  devices: number;
}

export interface DeleteConfirmationStore {
  put(confirmation: DeleteConfirmation, keepMs: number): Promise<void>;
  get(id: string): Promise<DeleteConfirmation | undefined>;
  /** True for the first caller only: a confirmation is single-use. */
  markUsed(id: string, keepMs: number): Promise<boolean>;
}
