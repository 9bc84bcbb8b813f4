/**
 * Syncs Intune's managed devices into the shared inventory (source 'intune'), so that the same
 * `find` finds iPhones, Macs and Android phones next to Chromebooks. Full syncs only: Intune
 * fleets of a help desk's size list in a few pages.
 */
import { SingleFlight } from '../single-flight';
import { systemClock, type Clock } from '../clock';
import type { Inventory } from '../inventory';
import { silentLogger, type Logger } from '../log';
import type { ManagedDevicesFor } from './managed-device-types';
import { fromManagedDevice } from './to-inventory';

export interface IntuneSyncOptions {
  /** Each tenant's own Intune (its own Graph app). */
  devices: ManagedDevicesFor;
  inventory: Inventory;
  /** Tenants whose Intune devices are synced (the app registration's tenant). */
  tenantIds: string[];
  clock?: Clock;
  logger?: Logger;
  /** Minutes between periodic syncs (default 15, as the Chrome connector). */
  resyncMinutes?: number;
  pageSize?: number;
}

export type IntuneSyncOutcome =
  | { status: 'completed'; devices: number; removed: number; durationMs: number; finishedAt: string }
  | { status: 'failed'; reason: string };

export class IntuneSync {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly resyncMs: number;
  private readonly inflight = new SingleFlight<IntuneSyncOutcome>();
  private readonly last = new Map<string, IntuneSyncOutcome>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: IntuneSyncOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.resyncMs = (options.resyncMinutes ?? 15) * 60_000;
  }

  /** The outcome of the tenant's last sync in this process. */
  lastOutcome(tenantId: string): IntuneSyncOutcome | undefined {
    return this.last.get(tenantId);
  }

  /** A full sync; a second call while one runs joins it. */
  sync(tenantId: string): Promise<IntuneSyncOutcome> {
    return this.inflight.run(tenantId, () => this.run(tenantId));
  }

  async syncAll(): Promise<void> {
    for (const tenantId of this.options.tenantIds) await this.sync(tenantId);
  }

  /** Periodic sync; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.syncAll(), this.resyncMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight.settle();
  }

  private async run(tenantId: string): Promise<IntuneSyncOutcome> {
    const started = this.clock.now();
    // Time-based generations: any instance's later sync outranks an earlier one.
    const generation = started;
    let devices = 0;
    let outcome: IntuneSyncOutcome;
    try {
      const intune = this.options.devices(tenantId);
      if (!intune) throw new Error('this tenant has no Graph app');
      for await (const page of intune.pages(this.options.pageSize)) {
        await this.options.inventory.upsertMany(
          tenantId,
          page.filter((d) => d.id && d.serialNumber).map((d) => fromManagedDevice(d, generation)),
        );
        devices += page.length;
      }
      const removed = await this.options.inventory.removeStale(tenantId, 'intune', generation);
      const finished = this.clock.now();
      outcome = {
        status: 'completed',
        devices,
        removed,
        durationMs: finished - started,
        finishedAt: new Date(finished).toISOString(),
      };
      this.logger.info({ tenantId, devices, removed }, 'intune: sync finished');
    } catch (error) {
      // Devices already in the inventory stay: a failed sync must not empty the help desk's view.
      outcome = { status: 'failed', reason: (error as Error).message };
      this.logger.warn({ tenantId, devices, err: { message: (error as Error).message } }, 'intune: sync failed');
    }
    this.last.set(tenantId, outcome);
    return outcome;
  }
}
