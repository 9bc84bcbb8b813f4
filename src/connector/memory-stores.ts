import type { Clock } from '../clock';
import { systemClock } from '../clock';
import { jsonCopy } from './json-copy';
import type {
  DeleteConfirmationStore,
  Connection,
  ConnectionChange,
  ConnectionStore,
  DeleteConfirmation,
  LockHandle,
  SyncLock,
} from './types';

/** Connections in process memory: the sandbox and single-instance deployments. */
export class MemoryConnectionStore implements ConnectionStore {
  private readonly connections = new Map<string, Connection>();

  async get(tenantId: string): Promise<Connection | undefined> {
    const c = this.connections.get(tenantId);
    return c ? jsonCopy(c) : undefined;
  }

  async put(connection: Connection): Promise<void> {
    this.connections.set(connection.tenantId, jsonCopy(connection));
  }

  async update(tenantId: string, change: ConnectionChange): Promise<Connection | undefined> {
    const current = this.connections.get(tenantId);
    if (!current) return undefined;
    const next = jsonCopy({ ...current, ...change, tenantId });
    this.connections.set(tenantId, next);
    return jsonCopy(next);
  }

  async delete(tenantId: string): Promise<boolean> {
    return this.connections.delete(tenantId);
  }

  async tenants(): Promise<string[]> {
    return [...this.connections.keys()];
  }
}

/** In-process lock: enough when one instance runs the bot. */
export class MemorySyncLock implements SyncLock {
  private readonly held = new Set<string>();

  async acquire(key: string): Promise<LockHandle | undefined> {
    if (this.held.has(key)) return undefined;
    this.held.add(key);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(key);
      },
    };
  }
}

export class MemoryDeleteConfirmationStore implements DeleteConfirmationStore {
  private readonly items = new Map<string, { confirmation: DeleteConfirmation; used: boolean; keepUntil: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async put(confirmation: DeleteConfirmation, keepMs: number): Promise<void> {
    this.purge();
    this.items.set(confirmation.id, {
      confirmation: jsonCopy(confirmation),
      used: false,
      keepUntil: this.clock.now() + keepMs,
    });
  }

  async get(id: string): Promise<DeleteConfirmation | undefined> {
    const item = this.items.get(id);
    return item ? jsonCopy(item.confirmation) : undefined;
  }

  async markUsed(id: string): Promise<boolean> {
    const item = this.items.get(id);
    if (!item || item.used) return false;
    item.used = true;
    return true;
  }

  /** Forgets confirmations long past their expiry, so the map can't grow without bound. */
  private purge(): void {
    const now = this.clock.now();
    for (const [id, item] of this.items) if (item.keepUntil < now) this.items.delete(id);
  }
}
