/**
 * Gauges read from the shared stores when /metrics is scraped, so every instance reports the
 * same truth (what Redis holds) rather than what it happened to see itself.
 */
import type { DeskMetrics } from './metrics';

export interface ConnectionReading {
  tenantId: string;
  /** chrome (Google) or intune (Graph). */
  source: string;
  /** Whether the last sync attempt worked. */
  healthy: boolean;
  devices: number;
  /** Epoch ms of the last completed sync, if any. */
  lastSuccessAt?: number;
  lastDurationMs?: number;
}

/** Where the gauges read from; each is a plain function wired in src/index.ts. */
export interface DeskSources {
  now(): number;
  /** Actions sent and not yet at a terminal state. */
  activeCommands(): Promise<Array<{ action: string; createdAt: number }>>;
  /** Lost reports not resolved, with whether someone acknowledged them. */
  openLostReports(): Promise<Array<{ state: string; createdAt: number }>>;
  /** Background jobs by state (waiting, delayed, active…). */
  queueCounts(): Promise<Record<string, number>>;
  /** Every tenant's device connections. */
  connections(): Promise<ConnectionReading[]>;
  /** Whether Redis answers; absent when the bot runs on memory. */
  redisUp?(): Promise<boolean>;
}

const seconds = (ms: number) => Math.max(0, ms) / 1000;

export function watchDesk(metrics: DeskMetrics, sources: DeskSources): void {
  metrics.watch(
    'devicedesk_commands_in_flight',
    'Remote actions sent to Google or Graph that have not reached a terminal state, by action.',
    ['action'],
    async (gauge) => {
      for (const r of await sources.activeCommands()) gauge.inc({ action: r.action });
    },
  );
  metrics.watch(
    'devicedesk_command_oldest_pending_age_seconds',
    'Age of the oldest remote action still waiting for a terminal state (0 when none).',
    [],
    async (gauge) => {
      const active = await sources.activeCommands();
      const oldest = Math.min(...active.map((r) => r.createdAt));
      gauge.set(active.length ? seconds(sources.now() - oldest) : 0);
    },
  );
  metrics.watch(
    'devicedesk_lost_reports_open',
    'Lost-device reports not resolved, by state (open: nobody acknowledged it yet).',
    ['state'],
    async (gauge) => {
      for (const state of ['open', 'acknowledged', 'actioned']) gauge.set({ state }, 0);
      for (const r of await sources.openLostReports()) gauge.inc({ state: r.state });
    },
  );
  metrics.watch(
    'devicedesk_lost_report_oldest_unacknowledged_age_seconds',
    'Age of the oldest lost-device report nobody has acknowledged (0 when none).',
    [],
    async (gauge) => {
      const open = (await sources.openLostReports()).filter((r) => r.state === 'open');
      gauge.set(open.length ? seconds(sources.now() - Math.min(...open.map((r) => r.createdAt))) : 0);
    },
  );
  metrics.watch(
    'devicedesk_queue_jobs',
    'Background jobs in the queue by state (waiting, delayed, active).',
    ['state'],
    async (gauge) => {
      for (const [state, count] of Object.entries(await sources.queueCounts())) gauge.set({ state }, count);
    },
  );
  watchConnections(metrics, sources);
  metrics.watch(
    'devicedesk_redis_up',
    'Whether Redis answers a PING (1) or not (0); absent when the bot keeps its state in memory.',
    [],
    async (gauge) => {
      if (sources.redisUp) gauge.set((await sources.redisUp().catch(() => false)) ? 1 : 0);
    },
  );
}

function watchConnections(metrics: DeskMetrics, sources: DeskSources): void {
  const each = (set: (labels: { tenant: string; source: string }, c: ConnectionReading) => void) => async () => {
    for (const c of await sources.connections()) set({ tenant: c.tenantId, source: c.source }, c);
  };
  const labels = ['tenant', 'source'];
  metrics.watch(
    'devicedesk_sync_healthy',
    "Whether the tenant's last device sync worked (1) or is failing (0).",
    labels,
    (gauge) => each((l, c) => gauge.set(l, c.healthy ? 1 : 0))(),
  );
  metrics.watch('devicedesk_sync_devices', 'Devices the last sync saw for the tenant.', labels, (gauge) =>
    each((l, c) => gauge.set(l, c.devices))(),
  );
  metrics.watch(
    'devicedesk_sync_last_success_timestamp_seconds',
    "When the tenant's last device sync completed (Unix time).",
    labels,
    (gauge) => each((l, c) => c.lastSuccessAt !== undefined && gauge.set(l, c.lastSuccessAt / 1000))(),
  );
  metrics.watch(
    'devicedesk_sync_duration_seconds',
    "How long the tenant's last completed device sync took.",
    labels,
    (gauge) => each((l, c) => c.lastDurationMs !== undefined && gauge.set(l, c.lastDurationMs / 1000))(),
  );
}
