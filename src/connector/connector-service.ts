import { SingleFlight } from '../single-flight';
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock';
import { FULL_SYNC_LISTING, SYNC_FIELDS, type DirectoryFor } from '../directory';
import { InvalidState } from '../errors';
import { fromChromeDevice, type Inventory } from '../inventory';
import { type Logger, silentLogger } from '../log';
import { friendlyReason } from './friendly-reason';
import { PageWrites } from './page-writes';
import type { DeleteConfirmationStore, Connection, ConnectionStore, DeleteConfirmation, SyncLock } from './types';

export interface ConnectorServiceOptions {
  /** Each tenant's own Google directory; throws for a tenant without a Google connection. */
  directory: DirectoryFor;
  inventory: Inventory;
  store: ConnectionStore;
  lock: SyncLock;
  confirmations: DeleteConfirmationStore;
  /** What `connector setup` shows for a tenant: its service account's client id and the scopes to delegate. */
  setup: (tenantId: string) => SetupInfo;
  clock?: Clock;
  logger?: Logger;
  /** Minutes between periodic syncs, each reading only the devices changed since the last (default 15). */
  resyncMinutes?: number;
  /** Minutes between full reconciliations, which also drop removed devices (default 360). */
  reconcileMinutes?: number;
  /** How far before the last sync's start an incremental sync reads, for clock skew (default 10 minutes). */
  syncOverlapMinutes?: number;
  /** Sync lock lifetime, renewed while the sync runs (default 60 s). */
  lockTtlMs?: number;
  /** How long a delete confirmation can be used (default 5 minutes). */
  confirmationTtlMs?: number;
}

export interface SetupInfo {
  /** Undefined when the key file has no client_id. */
  clientId?: string;
  scopes: string[];
}

export type SyncOutcome =
  | {
      status: 'completed';
      /** full: every device read, removed ones dropped; incremental: only those changed since the last sync. */
      kind: 'full' | 'incremental';
      devices: number;
      removed: number;
      durationMs: number;
      connection: Connection;
    }
  | { status: 'failed'; reason: string; connection?: Connection }
  /** Another instance holds the tenant's sync lock. */
  | { status: 'busy' }
  | { status: 'not-connected' }
  /** The bot is stopping. */
  | { status: 'cancelled' };

export interface ConnectResult {
  connection: Connection;
  /** The first full sync, when the credentials worked. */
  sync?: Promise<SyncOutcome>;
}

export type DeleteDecision =
  | { ok: true; removedDevices: number; existed: boolean }
  | { ok: false; why: 'unknown' | 'not-yours' | 'expired' | 'used'; confirmation?: DeleteConfirmation };

export type CancelDecision =
  { ok: true } | { ok: false; why: 'unknown' | 'not-yours' | 'expired' | 'used'; confirmation?: DeleteConfirmation };

const MINUTE = 60_000;
/**
 * Pages a full sync writes at once: while Redis runs one page's script, the next page's records are
 * read and its script waits, so Redis does not idle while the bot prepares a page.
 */
const FULL_SYNC_WRITES = 3;

/**
 * The tenant already has a Chrome Enterprise connection: one connection per tenant, so a new one
 * needs the old one deleted first (seed 002: *Chrome Enterprise/Update connection settings*,
 * *…/Delete connection settings*).
 */
export class AlreadyConnected extends InvalidState {
  constructor(readonly connection: Connection) {
    super(
      `This tenant is already connected to Google as ${connection.connectedAccount} (since ${connection.connectedAt.slice(0, 10)}). One connection per tenant: delete it first with \`connector delete\`, then connect again.`,
    );
  }
}

/**
 * The Chrome Enterprise connection of each tenant: connect (checked with a real call), full sync
 * of Google's devices into the inventory page by page, periodic re-sync, status and delete.
 */
export class ConnectorService {
  private readonly directory: DirectoryFor;
  private readonly inventory: Inventory;
  private readonly store: ConnectionStore;
  private readonly lock: SyncLock;
  private readonly confirmations: DeleteConfirmationStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly resyncMs: number;
  private readonly reconcileMs: number;
  private readonly overlapMs: number;
  private readonly lockTtlMs: number;
  private readonly confirmationTtlMs: number;
  private readonly setup: (tenantId: string) => SetupInfo;
  /** Syncs running in this process: a second call joins the first instead of starting another. */
  private readonly inflight = new SingleFlight<SyncOutcome>();
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(options: ConnectorServiceOptions) {
    this.directory = options.directory;
    this.inventory = options.inventory;
    this.store = options.store;
    this.lock = options.lock;
    this.confirmations = options.confirmations;
    this.setup = options.setup;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.resyncMs = (options.resyncMinutes ?? 15) * MINUTE;
    this.reconcileMs = (options.reconcileMinutes ?? 360) * MINUTE;
    this.overlapMs = (options.syncOverlapMinutes ?? 10) * MINUTE;
    this.lockTtlMs = options.lockTtlMs ?? MINUTE;
    this.confirmationTtlMs = options.confirmationTtlMs ?? 5 * MINUTE;
  }

  setupInfo(tenantId: string): SetupInfo & { account: string } {
    const setup = this.setup(tenantId);
    return { ...setup, scopes: [...setup.scopes], account: this.directory(tenantId).account };
  }

  status(tenantId: string): Promise<Connection | undefined> {
    return this.store.get(tenantId);
  }

  /** Is a sync of the tenant running in this process? */
  isSyncing(tenantId: string): boolean {
    return this.inflight.isRunning(tenantId);
  }

  /**
   * Checks the credentials with one real call, records the connection and starts a full sync.
   * When Google refuses, the connection is recorded as Error with the reason and no sync starts.
   */
  async connect(tenantId: string, connectedBy: string): Promise<ConnectResult> {
    const existing = await this.store.get(tenantId);
    // A connection whose credentials check failed never connected: trying again is how it is fixed.
    if (existing && (existing.state !== 'Error' || existing.lastCheckIn !== undefined))
      throw new AlreadyConnected(existing);
    const directory = this.directory(tenantId);
    const now = this.iso();
    const base = {
      tenantId,
      connectedAccount: directory.account,
      connectedBy,
      connectedAt: now,
      devicesSynced: existing?.devicesSynced ?? (await this.inventory.count(tenantId, 'chrome')),
      generation: existing?.generation ?? 0,
      lastFullSync: existing?.lastFullSync,
    };
    try {
      await directory.listPage({ maxResults: 1, fields: 'nextPageToken,chromeosdevices(deviceId)' });
    } catch (error) {
      const reason = friendlyReason(error, 'connect');
      this.logger.warn(
        { tenantId, err: { message: (error as Error)?.message } },
        'connector: credentials check failed',
      );
      const connection: Connection = { ...base, state: 'Error', error: reason, lastCheckIn: existing?.lastCheckIn };
      await this.store.put(connection);
      return { connection };
    }
    const connection: Connection = { ...base, state: 'Syncing', lastCheckIn: now, syncStartedAt: now };
    await this.store.put(connection);
    this.logger.info({ tenantId, account: connection.connectedAccount, connectedBy }, 'connector: connected');
    return { connection, sync: this.sync(tenantId) };
  }

  /**
   * An action just talked to Google for this tenant: the connection's last check-in moves too, as
   * a sync's does. Nothing happens for a tenant without a connection; a failure here never fails
   * the action that called it.
   */
  async recordCheckIn(tenantId: string): Promise<void> {
    try {
      await this.store.update(tenantId, { lastCheckIn: this.iso() });
    } catch (error) {
      this.logger.warn(
        { tenantId, err: { message: (error as Error).message } },
        'connector: could not record a check-in',
      );
    }
  }

  /** A full sync; concurrent calls in this process share one run, other instances are locked out. */
  sync(tenantId: string): Promise<SyncOutcome> {
    return this.inflight.run(tenantId, () => this.runSync(tenantId, 'full'));
  }

  /**
   * Reads only the devices Google heard from since the last sync; a full sync when there has been
   * none. A sync already running in this process is joined instead.
   */
  syncChanges(tenantId: string): Promise<SyncOutcome> {
    return this.inflight.run(tenantId, () => this.runSync(tenantId, 'incremental'));
  }

  /**
   * Step one of deleting: a confirmation only `requester` can use, once, within the TTL.
   * Resolves undefined when the tenant has no connection.
   */
  async requestDelete(
    tenantId: string,
    requester: { teamsId: string; name: string },
  ): Promise<DeleteConfirmation | undefined> {
    if (!(await this.store.get(tenantId))) return undefined;
    const now = this.clock.now();
    const confirmation: DeleteConfirmation = {
      id: randomUUID(),
      tenantId,
      requesterTeamsId: requester.teamsId,
      requesterName: requester.name,
      createdAt: now,
      expiresAt: now + this.confirmationTtlMs,
      devices: await this.inventory.count(tenantId, 'chrome'),
    };
    await this.confirmations.put(confirmation, this.keepMs());
    return confirmation;
  }

  /** Step two: checks whose and how old the confirmation is, uses it up, then deletes. */
  async confirmDelete(tenantId: string, confirmationId: string, requesterTeamsId: string): Promise<DeleteDecision> {
    const checked = await this.useConfirmation(tenantId, confirmationId, requesterTeamsId);
    if (!checked.ok) return checked;
    const { removedDevices, existed } = await this.delete(tenantId);
    return { ok: true, removedDevices, existed };
  }

  async cancelDelete(tenantId: string, confirmationId: string, requesterTeamsId: string): Promise<CancelDecision> {
    const checked = await this.useConfirmation(tenantId, confirmationId, requesterTeamsId);
    return checked.ok ? { ok: true } : checked;
  }

  /** Removes every synced ChromeOS device and the connection settings; Google is not touched. */
  async delete(tenantId: string): Promise<{ removedDevices: number; existed: boolean }> {
    const existed = await this.store.delete(tenantId);
    let removedDevices = await this.inventory.removeAll(tenantId, 'chrome');
    // A sync in this process stops at its next page once it sees the connection gone; what it
    // wrote meanwhile is removed too.
    const running = this.inflight.current(tenantId);
    if (running) {
      await running.catch(() => undefined);
      removedDevices += await this.inventory.removeAll(tenantId, 'chrome');
    }
    this.logger.info({ tenantId, removedDevices, existed }, 'connector: connection deleted');
    return { removedDevices, existed };
  }

  /**
   * Periodic sync of every connected tenant: incremental, with a full reconciliation once the last
   * one is `reconcileMinutes` old. The timer does not keep the process alive.
   */
  start(): void {
    if (this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => void this.resyncAll(), this.resyncMs);
    this.timer.unref();
  }

  /** Stops the timer and lets running syncs end at their next page. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight.settle();
  }

  /** One round of the periodic re-sync (exposed for tests). */
  async resyncAll(): Promise<void> {
    let tenants: string[];
    try {
      tenants = await this.store.tenants();
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'connector: could not list connections for the re-sync',
      );
      return;
    }
    for (const tenantId of tenants) {
      if (this.stopping) return;
      const c = await this.store.get(tenantId).catch(() => undefined);
      const due = c && this.dueSync(c);
      if (!due) continue;
      const outcome = due === 'full' ? await this.sync(tenantId) : await this.syncChanges(tenantId);
      this.logger.info({ tenantId, due, outcome: outcome.status }, 'connector: periodic sync');
    }
  }

  /** Which sync the tenant needs now, if any. */
  private dueSync(c: Connection): 'full' | 'incremental' | undefined {
    const now = this.clock.now();
    const fullAt = c.lastFullSync ? Date.parse(c.lastFullSync.finishedAt) : 0;
    const incrementalAt = c.lastIncrementalSync ? Date.parse(c.lastIncrementalSync.finishedAt) : 0;
    // Another instance may have synced it moments ago.
    if (now - Math.max(fullAt, incrementalAt) < this.resyncMs / 2) return undefined;
    return !c.syncWatermark || now - fullAt >= this.reconcileMs ? 'full' : 'incremental';
  }

  private async useConfirmation(
    tenantId: string,
    id: string,
    requesterTeamsId: string,
  ): Promise<
    { ok: true } | { ok: false; why: 'unknown' | 'not-yours' | 'expired' | 'used'; confirmation?: DeleteConfirmation }
  > {
    const confirmation = await this.confirmations.get(id);
    if (!confirmation || confirmation.tenantId !== tenantId) return { ok: false, why: 'unknown' };
    if (confirmation.requesterTeamsId !== requesterTeamsId) return { ok: false, why: 'not-yours', confirmation };
    if (this.clock.now() > confirmation.expiresAt) return { ok: false, why: 'expired', confirmation };
    if (!(await this.confirmations.markUsed(id, this.keepMs()))) return { ok: false, why: 'used', confirmation };
    return { ok: true };
  }

  /** Kept past expiry so a late click is told "expired", not "unknown". */
  private keepMs(): number {
    return this.confirmationTtlMs + 60 * MINUTE;
  }

  private async runSync(tenantId: string, kind: 'full' | 'incremental'): Promise<SyncOutcome> {
    if (!(await this.store.get(tenantId))) return { status: 'not-connected' };
    const lock = await this.lock.acquire(`sync:${tenantId}`, this.lockTtlMs);
    if (!lock) return { status: 'busy' };
    try {
      return kind === 'full' ? await this.fullSync(tenantId) : await this.incrementalSync(tenantId);
    } finally {
      await lock
        .release()
        .catch((error) =>
          this.logger.warn(
            { tenantId, err: { message: (error as Error).message } },
            'connector: could not release the sync lock',
          ),
        );
    }
  }

  private async fullSync(tenantId: string): Promise<SyncOutcome> {
    // Read again under the lock: another instance may have synced or deleted meanwhile.
    const before = await this.store.get(tenantId);
    if (!before) return { status: 'not-connected' };
    const generation = before.generation + 1;
    const started = this.clock.now();
    const startedAt = new Date(started).toISOString();
    if (
      !(await this.store.update(tenantId, { state: 'Syncing', error: undefined, generation, syncStartedAt: startedAt }))
    ) {
      return { status: 'not-connected' };
    }
    this.logger.info({ tenantId, generation }, 'connector: full sync started');
    const writes = new PageWrites(this.inventory, tenantId, FULL_SYNC_WRITES);
    let lastCheckIn = before.lastCheckIn;
    try {
      // A few pages at a time: memory stays flat whatever the fleet size.
      for await (const page of this.directory(tenantId).listAll(FULL_SYNC_LISTING)) {
        lastCheckIn = this.iso();
        if (this.stopping) {
          await writes.settle();
          return await this.interrupted(tenantId, lastCheckIn);
        }
        // The page goes first: on a shared Redis the store's read would wait for the write before.
        await writes.add(page.map((d) => fromChromeDevice(d, generation)));
        if (!(await this.store.get(tenantId))) {
          await writes.settle();
          return await this.deletedMeanwhile(tenantId);
        }
      }
      await writes.finish();
      const devices = writes.written;
      lastCheckIn = this.iso();
      const removed = await this.inventory.removeStale(tenantId, 'chrome', generation);
      const devicesSynced = await this.inventory.count(tenantId, 'chrome');
      const finished = this.clock.now();
      const durationMs = finished - started;
      const connection = await this.store.update(tenantId, {
        state: 'Active',
        error: undefined,
        syncStartedAt: undefined,
        lastCheckIn,
        devicesSynced,
        lastFullSync: { startedAt, finishedAt: new Date(finished).toISOString(), devices, removed, durationMs },
        syncWatermark: startedAt,
      });
      if (!connection) return await this.deletedMeanwhile(tenantId);
      this.logger.info({ tenantId, devices, removed, durationMs }, 'connector: full sync finished');
      return { status: 'completed', kind: 'full', devices, removed, durationMs, connection };
    } catch (error) {
      await writes.settle();
      return await this.failed(tenantId, 'full', error, writes.written, lastCheckIn, before.devicesSynced);
    }
  }

  /**
   * Reads only the devices Google heard from since the last sync's start (less the overlap): new,
   * re-enrolled and checked-in devices. Removals, and changes that don't move a device's last sync
   * (an admin's edit, a status change), wait for the next full reconciliation.
   */
  private async incrementalSync(tenantId: string): Promise<SyncOutcome> {
    const before = await this.store.get(tenantId);
    if (!before) return { status: 'not-connected' };
    if (!before.syncWatermark || !before.lastFullSync) return await this.fullSync(tenantId);
    const started = this.clock.now();
    const startedAt = new Date(started).toISOString();
    const since = new Date(Date.parse(before.syncWatermark) - this.overlapMs).toISOString();
    let devices = 0;
    let lastCheckIn = before.lastCheckIn;
    try {
      for await (const page of this.directory(tenantId).listChangedSince(since, { fields: SYNC_FIELDS })) {
        lastCheckIn = this.iso();
        if (this.stopping) return await this.interrupted(tenantId, lastCheckIn);
        if (!(await this.store.get(tenantId))) return await this.deletedMeanwhile(tenantId);
        // The current generation: a device seen here is not stale for the next reconciliation either.
        await this.inventory.upsertMany(
          tenantId,
          page.map((d) => fromChromeDevice(d, before.generation)),
        );
        devices += page.length;
      }
      lastCheckIn = this.iso();
      const finished = this.clock.now();
      const durationMs = finished - started;
      const connection = await this.store.update(tenantId, {
        state: 'Active',
        error: undefined,
        lastCheckIn,
        devicesSynced: await this.inventory.count(tenantId, 'chrome'),
        lastIncrementalSync: { startedAt, finishedAt: new Date(finished).toISOString(), devices, durationMs },
        syncWatermark: startedAt,
      });
      if (!connection) return await this.deletedMeanwhile(tenantId);
      this.logger.info({ tenantId, devices, since, durationMs }, 'connector: incremental sync finished');
      return { status: 'completed', kind: 'incremental', devices, removed: 0, durationMs, connection };
    } catch (error) {
      return await this.failed(tenantId, 'incremental', error, devices, lastCheckIn, before.devicesSynced);
    }
  }

  private async failed(
    tenantId: string,
    kind: 'full' | 'incremental',
    error: unknown,
    devices: number,
    lastCheckIn: string | undefined,
    devicesBefore: number,
  ): Promise<SyncOutcome> {
    const reason = friendlyReason(error, 'sync');
    this.logger.warn(
      { tenantId, kind, devices, err: { message: (error as Error)?.message } },
      `connector: ${kind} sync failed`,
    );
    const devicesSynced = await this.inventory.count(tenantId, 'chrome').catch(() => devicesBefore);
    const connection = await this.store
      .update(tenantId, { state: 'Error', error: reason, syncStartedAt: undefined, lastCheckIn, devicesSynced })
      .catch(() => undefined);
    return { status: 'failed', reason, connection };
  }

  private async interrupted(tenantId: string, lastCheckIn: string): Promise<SyncOutcome> {
    const devicesSynced = await this.inventory.count(tenantId, 'chrome');
    await this.store.update(tenantId, {
      state: 'Error',
      error:
        'The sync was interrupted because the bot stopped; it runs again at the next re-sync or with `connector sync`.',
      syncStartedAt: undefined,
      lastCheckIn,
      devicesSynced,
    });
    return { status: 'cancelled' };
  }

  private async deletedMeanwhile(tenantId: string): Promise<SyncOutcome> {
    await this.inventory.removeAll(tenantId, 'chrome');
    this.logger.info({ tenantId }, 'connector: connection deleted during the sync; sync stopped');
    return { status: 'not-connected' };
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
