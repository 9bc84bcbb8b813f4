/**
 * Executes bulk runs as background jobs. Each run is processed by one worker at a time (a lease
 * in the store); every device's progress is written before and after its Google call, so a
 * restart resumes where the run stood without acting on a device twice.
 *
 * A crash between Google's answer and the record leaves a device "inflight". On resume:
 * - status changes are read back from Google: a device already in the target status is done,
 *   any other is sent again (a status change is idempotent in effect, so nothing is doubled);
 * - remote commands (restart, wipe, factory reset) can't be read back — Google has no command
 *   list — so they are never sent a second time: the device is reported "unknown" with what to
 *   check. At most once is the right side to err on for a wipe.
 * - Intune remote locks (iOS, iPadOS, Android; never Macs, whose PIN is for one person) follow
 *   the same rule: a lock whose answer was lost is reported "unknown", never sent again.
 */
import { randomUUID } from 'node:crypto';
import { type AuditTrail, actorOf } from '../../audit';
import type { Clock } from '../../clock';
import { defaultSleep, type DirectoryFor } from '../../directory';
import { DeskError, DeviceNotFound, QuotaExceeded, UpstreamError } from '../../errors';
import type { DeviceActionName, LockSubmission, ManagedDeviceDirectory } from '../../intune';
import { graphActionOf, type ActionId } from '../catalogue';
import { DEFAULT_LOST_MODE_MESSAGE, wipeChoicesFor } from '../intune-params';
import type { Logger } from '../../log';
import type { JobQueue } from '../../store';
import type { DeskMetrics } from '../../telemetry';
import { MAX_REBOOT_DELAY_SECONDS, Operation, operationOf } from '../operations';
import type { RateLimiter } from './rate-limiter';
import type { TargetRecheck } from './recheck';
import type { Precheck } from './resolve';
import type { BulkRunStore } from './run-store';
import { ACTIVE_RUN_STATES, BulkCounts, BulkResultRow, BulkRun, BulkTarget, countsOf, ItemRecord } from './types';

export const BULK_JOB = 'bulk.run';
/** Google's limit on device ids per batchChangeStatus request. */
export const BULK_STATUS_BATCH = 50;

export interface BulkNotifier {
  /** The progress card, in place. */
  progress(run: BulkRun, counts: BulkCounts): Promise<void>;
  /** The final summary with every device's result. */
  finished(run: BulkRun, counts: BulkCounts, rows: BulkResultRow[]): Promise<void>;
}

export interface RunnerSettings {
  /** Command calls in flight at once (status changes go 50 devices per call). */
  concurrency: number;
  /** Least time between two progress card updates. */
  progressIntervalMs: number;
  /** How long a worker's claim on a run lasts without renewal. */
  leaseMs: number;
  /** How often unfinished runs without a live worker are queued again. */
  sweepIntervalMs: number;
  /** Tries of one call after the directory client's own retries gave up. */
  maxCallAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_RUNNER_SETTINGS: RunnerSettings = {
  concurrency: 8,
  progressIntervalMs: 3_000,
  leaseMs: 30_000,
  sweepIntervalMs: 60_000,
  maxCallAttempts: 6,
  backoffBaseMs: 2_000,
  backoffMaxMs: 60_000,
};

export interface BulkRunnerDeps {
  /** Each run's tenant's own Google directory, without retries of its own: the runner paces and retries. */
  google: DirectoryFor;
  /** Intune, for remote locks; without it a lock run fails every device and sends nothing. */
  /** Each run's tenant's own Intune, when it has a Graph app. */
  intune?: (tenantId: string) => Pick<ManagedDeviceDirectory, 'remoteLock' | 'deviceAction' | 'get'> | undefined;
  /** The single remote lock's refusals (a lock still pending…), asked again right before each lock. */
  lockPrecheck?: Precheck;
  /** The requester's scope, checked again right before each device is acted on. */
  recheck?: Pick<TargetRecheck, 'split'>;
  /** The single Intune actions' refusals (the platform can't, one still pending…), asked again right before each. */
  prechecks?: Partial<Record<ActionId, Precheck>>;
  store: BulkRunStore;
  queue: JobQueue;
  limiter: RateLimiter;
  clock: Clock;
  audit: AuditTrail;
  logger: Logger;
  notifier: BulkNotifier;
  settings?: Partial<RunnerSettings>;
  sleep?: (ms: number) => Promise<void>;
  /** Counts every finished run's devices by outcome for /metrics. */
  metrics?: DeskMetrics;
  random?: () => number;
}

interface RunJob {
  runId: string;
}

/** The run stopped short of its end on purpose (shutdown, lost lease): it resumes later. */
class Interrupted extends Error {}

/** How a run's action is carried out: through Google (Operation), an Intune remote lock or another Intune action. */
type Step = Operation | { kind: 'lock' } | { kind: 'intune'; graphAction: DeviceActionName };

function stepOf(action: BulkRun['action']): Step | undefined {
  if (action === 'remoteLock') return { kind: 'lock' };
  const graphAction = graphActionOf(action);
  return graphAction ? { kind: 'intune', graphAction } : operationOf(action);
}

/** Google's throttling and server errors: worth another try of any Google call. */
function googleTransient(error: unknown): boolean {
  return (
    error instanceof QuotaExceeded ||
    (error instanceof UpstreamError && error.status !== undefined && error.status >= 500) ||
    notSent(error)
  );
}

/**
 * A remote lock is tried again only when Graph throttled it (429: Graph did not run it). A 5xx or
 * no answer may still have locked the device, so it is never sent again.
 */
const throttledOnly = (error: unknown): boolean => error instanceof UpstreamError && error.status === 429;

export class BulkRunner {
  readonly settings: RunnerSettings;
  private readonly owner = randomUUID();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private sweeper?: NodeJS.Timeout;
  private stopping = false;
  private readonly running = new Set<string>();

  constructor(private readonly deps: BulkRunnerDeps) {
    this.settings = { ...DEFAULT_RUNNER_SETTINGS, ...deps.settings };
    this.sleep = deps.sleep ?? defaultSleep;
    this.random = deps.random ?? Math.random;
  }

  /** Takes jobs, and queues again every unfinished run an earlier process left behind. */
  async start(): Promise<void> {
    this.deps.queue.process<RunJob>(BULK_JOB, (data) => this.execute(data.runId));
    await this.resumeAll();
    this.sweeper = setInterval(
      () =>
        void this.resumeAll().catch((err) =>
          this.deps.logger.warn({ err: { message: (err as Error).message } }, 'bulk sweep failed'),
        ),
      this.settings.sweepIntervalMs,
    );
    this.sweeper.unref();
  }

  /** Stops between two calls; what is left resumes on the next start. */
  stop(): void {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async enqueue(runId: string): Promise<void> {
    await this.deps.queue.add<RunJob>(BULK_JOB, { runId }, { jobId: `bulk-${runId}-${this.deps.clock.now()}` });
  }

  private async resumeAll(): Promise<void> {
    if (this.stopping) return;
    for (const id of await this.deps.store.active()) {
      // A run with a live worker (here or elsewhere) is left to it: the job would only find the lease taken.
      if (!this.running.has(id)) await this.enqueue(id);
    }
  }

  /** One job: runs the run to its end, or until this process stops. */
  async execute(runId: string): Promise<void> {
    if (this.stopping || this.running.has(runId)) return;
    const { store, logger } = this.deps;
    // Marked before the claim is awaited: two jobs of one run at once here (a resume and a
    // hand-over) would otherwise both pass, as the lease is this instance's own.
    this.running.add(runId);
    const claimed = await store.claim(runId, this.owner, this.settings.leaseMs).catch((error: unknown) => {
      this.running.delete(runId);
      throw error;
    });
    if (!claimed) {
      this.running.delete(runId);
      return;
    }
    logger.info({ runId, worker: this.owner, pid: process.pid }, 'bulk run claimed');
    let paused = false;
    let lost = false;
    const renew = setInterval(
      () => {
        void store
          .renew(runId, this.owner, this.settings.leaseMs)
          .then((ok) => {
            if (!ok) lost = true;
          })
          .catch(() => undefined);
      },
      Math.max(50, Math.floor(this.settings.leaseMs / 3)),
    );
    const check = () => {
      if (this.stopping || lost) throw new Interrupted();
    };
    try {
      await this.process(runId, check);
    } catch (error) {
      if (error instanceof Interrupted) {
        paused = this.stopping;
        logger.info({ runId }, 'bulk run paused; another instance or the next start resumes it');
        return;
      }
      throw error;
    } finally {
      clearInterval(renew);
      this.running.delete(runId);
      await store.release(runId, this.owner).catch(() => undefined);
      if (paused) await this.handOver(runId);
    }
  }

  /** On shutdown, once the lease is free: queued again at once, so another instance goes on without waiting for a sweep. */
  private async handOver(runId: string): Promise<void> {
    await this.enqueue(runId).catch((err: unknown) =>
      this.deps.logger.warn({ runId, err: { message: (err as Error).message } }, 'could not hand the bulk run over'),
    );
  }

  private async process(runId: string, check: () => void): Promise<void> {
    const { store, clock } = this.deps;
    const run = await store.update(runId, (r) => {
      if (!ACTIVE_RUN_STATES.includes(r.state)) return undefined;
      if (r.state === 'running') return r;
      return { ...r, state: 'running', startedAt: clock.now(), updatedAt: clock.now() };
    });
    if (!run) return;
    const op = stepOf(run.action);
    const targets = await store.targets(runId);
    const items = await store.items(runId);
    const progress = new Progress(run, targets.length, items, this.deps, this.settings.progressIntervalMs);
    if (!op) {
      await this.finish(run, targets, items, progress, `${run.action} can't run in bulk.`);
      return;
    }
    await progress.maybeNotify(true);

    // Devices whose call may or may not have reached Google before the last stop.
    const resend = new Set<string>();
    const inflight = targets.filter((t) => items.get(t.deviceId)?.state === 'inflight');
    if (inflight.length > 0) await this.recover(run, op, inflight, progress, resend, check);

    const pending = targets.filter((t) => !items.has(t.deviceId) || resend.has(t.deviceId));
    if (op.kind === 'status') {
      for (let i = 0; i < pending.length; i += BULK_STATUS_BATCH) {
        check();
        const batch = await this.stillInScope(run, pending.slice(i, i + BULK_STATUS_BATCH), progress);
        if (batch.length) await this.statusBatch(run, op, batch, progress);
      }
    } else {
      let next = 0;
      // allSettled: no call may still be running when the lease is released.
      const workers = await Promise.allSettled(
        Array.from({ length: Math.min(this.settings.concurrency, pending.length) }, async () => {
          while (next < pending.length) {
            check();
            const [t] = await this.stillInScope(run, [pending[next++]], progress);
            if (!t) continue;
            if (op.kind === 'lock') await this.lock(run, t, progress);
            else if (op.kind === 'intune') await this.intuneAction(run, op.graphAction, t, progress);
            else await this.command(run, op.type, t, progress);
          }
        }),
      );
      const failure = workers.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failure) throw failure.reason;
    }
    check();
    await this.finish(run, targets, items, progress);
  }

  /** The targets the requester may still act on now; the others are recorded as skipped, with why. */
  private async stillInScope(run: BulkRun, targets: BulkTarget[], progress: Progress): Promise<BulkTarget[]> {
    if (!this.deps.recheck) return targets;
    const { allowed, skipped } = await this.deps.recheck.split(run, targets);
    if (skipped.length) await progress.record(skipped);
    return allowed;
  }

  private async finish(
    run: BulkRun,
    targets: BulkTarget[],
    items: Map<string, ItemRecord>,
    progress: Progress,
    note?: string,
  ): Promise<void> {
    const { store, clock, notifier, logger } = this.deps;
    const done = await store.update(run.id, (r) =>
      r.state === 'running'
        ? { ...r, state: 'completed', finishedAt: clock.now(), updatedAt: clock.now(), note: note ?? r.note }
        : undefined,
    );
    if (!done) return;
    const counts = progress.counts();
    for (const outcome of ['done', 'failed', 'unknown'] as const)
      this.deps.metrics?.bulkDevices.inc({ action: run.action, outcome }, counts[outcome]);
    await this.deps.audit.append({
      actor: actorOf(run.requester),
      tenantId: run.tenantId,
      action: `bulk.${run.action}`,
      target: { kind: 'request', id: run.id, label: `${counts.total} devices` },
      requestId: run.id,
      outcome: counts.failed + counts.unknown === 0 ? 'succeeded' : 'failed',
      detail: { step: 'finished', done: counts.done, failed: counts.failed, unknown: counts.unknown },
    });
    try {
      await notifier.finished(done, counts, resultRows(done, targets, items));
    } catch (error) {
      logger.warn({ runId: run.id, err: { message: (error as Error).message } }, 'could not post the bulk summary');
    }
  }

  /** A call through the shared limiter, tried again on throttling and server errors with backoff. */
  private async call<T>(fn: () => Promise<T>, retryable: (error: unknown) => boolean = googleTransient): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const permit = await this.deps.limiter.acquire();
      try {
        return await fn();
      } catch (error) {
        const transient = retryable(error);
        if (!transient || attempt >= this.settings.maxCallAttempts || this.stopping) throw error;
        const ceiling = Math.min(this.settings.backoffMaxMs, this.settings.backoffBaseMs * 2 ** (attempt - 1));
        await this.sleep(Math.max(1, Math.floor(ceiling / 2 + (this.random() * ceiling) / 2)));
      } finally {
        await permit.settle().catch(() => undefined);
      }
    }
  }

  private async recover(
    run: BulkRun,
    op: Step,
    inflight: BulkTarget[],
    progress: Progress,
    resend: Set<string>,
    check: () => void,
  ): Promise<void> {
    for (const t of inflight) {
      check();
      if (op.kind !== 'status') {
        const error =
          op.kind === 'lock' || op.kind === 'intune'
            ? 'The bot stopped while sending this to Intune, so Intune may have received it. It was not sent again: check the device in the Intune admin center.'
            : 'The bot stopped while sending this command, so Google may have received it. It was not sent again: check the device in the Google Admin console.';
        await progress.record([{ deviceId: t.deviceId, state: 'unknown', error, at: this.deps.clock.now() }]);
        continue;
      }
      try {
        const device = await this.call(() => this.deps.google(run.tenantId).get(t.deviceId));
        if (device.status.toUpperCase() === op.expect)
          await progress.record([{ deviceId: t.deviceId, state: 'done', at: this.deps.clock.now() }]);
        else resend.add(t.deviceId);
      } catch (error) {
        if (error instanceof DeviceNotFound)
          await progress.record([
            { deviceId: t.deviceId, state: 'failed', error: error.userMessage, at: this.deps.clock.now() },
          ]);
        else throw error;
      }
    }
  }

  private async statusBatch(
    run: BulkRun,
    op: Extract<Operation, { kind: 'status' }>,
    chunk: BulkTarget[],
    progress: Progress,
  ): Promise<void> {
    const now = () => this.deps.clock.now();
    const ids = chunk.map((t) => t.deviceId);
    await progress.record(ids.map((deviceId) => ({ deviceId, state: 'inflight', at: now() })));
    const reason = op.action === 'DEPROVISION' ? run.params.reason : undefined;
    let records: ItemRecord[];
    try {
      const results = await this.call(() => this.deps.google(run.tenantId).batchChangeStatus(ids, op.action, reason));
      const byId = new Map(results.map((r) => [r.deviceId, r]));
      records = ids.map((deviceId) => {
        const r = byId.get(deviceId);
        // Per-device refusals come inside Google's HTTP 200.
        if (r?.ok) return { deviceId, state: 'done', at: now() };
        return {
          deviceId,
          state: 'failed',
          error: `Google Admin refused: ${r?.error?.message ?? 'no result for this device'}`,
          at: now(),
        };
      });
    } catch (error) {
      // Anything but a typed answer from Google (a crash, a bug) leaves the batch inflight for the resume to read back.
      if (!(error instanceof DeskError)) throw error;
      if (error instanceof UpstreamError && error.status === undefined && !notSent(error)) {
        // No answer: the next pass reads these devices back before anything is sent again.
        throw error;
      }
      const message = error instanceof DeskError ? error.userMessage : 'Sending the change to Google failed.';
      records = ids.map((deviceId) => ({ deviceId, state: 'failed', error: message, at: now() }));
    }
    await progress.record(records);
    const ok = records.filter((r) => r.state === 'done').length;
    await this.auditCall(run, {
      step: 'batchChangeStatus',
      devices: ids.length,
      done: ok,
      failed: ids.length - ok,
      deviceIds: ids,
    });
  }

  private async command(
    run: BulkRun,
    type: Extract<Operation, { kind: 'command' }>['type'],
    t: BulkTarget,
    progress: Progress,
  ): Promise<void> {
    const now = () => this.deps.clock.now();
    await progress.record([{ deviceId: t.deviceId, state: 'inflight', at: now() }]);
    const delay = run.params.delaySeconds;
    const payload =
      type === 'REBOOT' && delay !== undefined && delay >= 0 && delay <= MAX_REBOOT_DELAY_SECONDS
        ? { user_session_delay_seconds: delay }
        : undefined;
    let record: ItemRecord;
    try {
      const commandId = await this.call(() => this.deps.google(run.tenantId).issueCommand(t.deviceId, type, payload));
      record = { deviceId: t.deviceId, state: 'done', commandId, at: now() };
    } catch (error) {
      // Not a typed answer from Google: the command may have gone out; the resume reports it unknown.
      if (!(error instanceof DeskError)) throw error;
      const uncertain = error instanceof UpstreamError && error.status === undefined && !notSent(error);
      const message = error instanceof DeskError ? error.userMessage : 'Sending the command to Google failed.';
      record = uncertain
        ? {
            deviceId: t.deviceId,
            state: 'unknown',
            error: `${message} Google may have received it: check the device in the Google Admin console before sending it again.`,
            at: now(),
          }
        : { deviceId: t.deviceId, state: 'failed', error: message, at: now() };
    }
    await progress.record([record]);
    await this.auditCall(
      run,
      {
        step: 'issueCommand',
        commandType: type,
        state: record.state,
        ...(record.commandId ? { commandId: record.commandId } : {}),
      },
      t,
    );
  }

  /** One remote lock: checked again, then sent once; an approval request is no failure. */
  private async lock(run: BulkRun, t: BulkTarget, progress: Progress): Promise<void> {
    const now = () => this.deps.clock.now();
    const { lockPrecheck } = this.deps;
    const managedDevices = this.deps.intune?.(run.tenantId);
    let record: ItemRecord | undefined;
    if (!managedDevices)
      record = {
        deviceId: t.deviceId,
        state: 'failed',
        error: 'Remote lock is not set up on this bot: nothing was sent.',
        at: now(),
      };
    else if (lockPrecheck) {
      try {
        await this.call(
          () => lockPrecheck(run.tenantId, t.deviceId, t.serialNumber),
          (e) => googleTransient(e) || throttledOnly(e),
        );
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        record = { deviceId: t.deviceId, state: 'failed', error: `${error.userMessage} Nothing was sent.`, at: now() };
      }
    }
    if (!record && managedDevices) {
      await progress.record([{ deviceId: t.deviceId, state: 'inflight', at: now() }]);
      const justification = `Remote lock of ${t.serialNumber} requested in Teams by ${run.requester.name}${run.requester.upn ? ` (${run.requester.upn})` : ''} through Device Desk, bulk run ${run.id}.`;
      try {
        const sent = await this.call(() => managedDevices.remoteLock(t.deviceId, { justification }), throttledOnly);
        record = submittedRecord(t, sent, now(), LOCK_WORDS);
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        record = refusedRecord(t, error, now(), LOCK_WORDS);
      }
    }
    const final = record as ItemRecord;
    await progress.record([final]);
    await this.auditCall(
      run,
      { step: 'remoteLock', state: final.state, ...(final.commandId ? { approvalId: final.commandId } : {}) },
      t,
    );
  }

  /** One Intune action: checked again on the device as Graph has it, then sent once; an approval request is no failure. */
  private async intuneAction(
    run: BulkRun,
    graphAction: DeviceActionName,
    t: BulkTarget,
    progress: Progress,
  ): Promise<void> {
    const now = () => this.deps.clock.now();
    const intune = this.deps.intune?.(run.tenantId);
    const precheck = this.deps.prechecks?.[run.action];
    let record: ItemRecord | undefined;
    if (!intune || !precheck)
      record = {
        deviceId: t.deviceId,
        state: 'failed',
        error: 'Intune is not set up on this bot: nothing was sent.',
        at: now(),
      };
    else {
      try {
        await this.call(
          () => precheck(run.tenantId, t.deviceId, t.serialNumber),
          (e) => googleTransient(e) || throttledOnly(e),
        );
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        record = { deviceId: t.deviceId, state: 'failed', error: `${error.userMessage} Nothing was sent.`, at: now() };
      }
    }
    if (!record && intune) {
      const justification = `${run.action.replace(/^intune\./, '')} of ${t.serialNumber} requested in Teams by ${run.requester.name}${run.requester.upn ? ` (${run.requester.upn})` : ''} through Device Desk, bulk run ${run.id}.`;
      try {
        const body = await this.bodyOf(run, graphAction, intune, t);
        await progress.record([{ deviceId: t.deviceId, state: 'inflight', at: now() }]);
        const sent = await this.call(
          () => intune.deviceAction(t.deviceId, graphAction, body, { justification }),
          throttledOnly,
        );
        record = submittedRecord(t, sent, now(), ACTION_WORDS);
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        record = refusedRecord(t, error, now(), ACTION_WORDS);
      }
    }
    const final = record as ItemRecord;
    await progress.record([final]);
    await this.auditCall(
      run,
      { step: graphAction, state: final.state, ...(final.commandId ? { approvalId: final.commandId } : {}) },
      t,
    );
  }

  /** Graph's parameters in bulk: a wipe keeps what Intune keeps by default on the platform; lost mode shows the run's message. */
  private async bodyOf(
    run: BulkRun,
    graphAction: DeviceActionName,
    intune: Pick<ManagedDeviceDirectory, 'get'>,
    t: BulkTarget,
  ): Promise<Record<string, unknown> | undefined> {
    if (graphAction === 'enableLostMode') {
      const l = run.params.lostMode;
      return {
        message: l?.message ?? DEFAULT_LOST_MODE_MESSAGE,
        ...(l?.phoneNumber ? { phoneNumber: l.phoneNumber } : {}),
      };
    }
    if (graphAction !== 'wipe') return undefined;
    const device = await this.call(
      () => intune.get(t.deviceId),
      (e) => googleTransient(e) || throttledOnly(e),
    );
    const { macRecoveryPin: _pin, ...choices } = wipeChoicesFor(device.operatingSystem);
    return { ...choices };
  }

  private async auditCall(run: BulkRun, detail: Record<string, unknown>, device?: BulkTarget): Promise<void> {
    await this.deps.audit.append({
      actor: actorOf(run.requester),
      tenantId: run.tenantId,
      action: `bulk.${run.action}`,
      target: device
        ? { kind: 'device', id: device.deviceId, label: device.serialNumber }
        : { kind: 'request', id: run.id },
      requestId: run.id,
      outcome: detail.state === 'unknown' ? 'unknown' : detail.state === 'failed' ? 'failed' : 'succeeded',
      detail,
    });
  }
}

function notSent(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    error.status === undefined &&
    (error.reason === 'ECONNREFUSED' || error.reason === 'ENOTFOUND')
  );
}

/** Keeps the counts as records are written, and updates the card no more often than asked. */
class Progress {
  private last = 0;

  constructor(
    private readonly run: BulkRun,
    private readonly total: number,
    private readonly items: Map<string, ItemRecord>,
    private readonly deps: BulkRunnerDeps,
    private readonly intervalMs: number,
  ) {}

  counts(): BulkCounts {
    return countsOf(this.total, this.items.values());
  }

  async record(records: ItemRecord[]): Promise<void> {
    await this.deps.store.record(this.run.id, records);
    for (const r of records) this.items.set(r.deviceId, r);
    await this.maybeNotify(false);
  }

  async maybeNotify(force: boolean): Promise<void> {
    const now = this.deps.clock.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    try {
      await this.deps.notifier.progress(this.run, this.counts());
    } catch (error) {
      this.deps.logger.warn(
        { runId: this.run.id, err: { message: (error as Error).message } },
        'could not update the bulk progress card',
      );
    }
  }
}

/** Every entry's outcome: the targets in order, then the entries that were never run. */
export function resultRows(run: BulkRun, targets: BulkTarget[], items: Map<string, ItemRecord>): BulkResultRow[] {
  const rows: BulkResultRow[] = targets.map((t) => {
    const i = items.get(t.deviceId);
    const result: BulkResultRow['result'] =
      !i || i.state === 'inflight'
        ? 'not run'
        : i.state === 'approval'
          ? 'waiting for approval'
          : i.state === 'skipped'
            ? 'out-of-scope'
            : i.state;
    return {
      serialNumber: t.serialNumber,
      deviceId: t.deviceId,
      input: t.input,
      result,
      commandId: i?.commandId,
      detail: i?.error,
    };
  });
  for (const s of run.skipped)
    rows.push({ serialNumber: '', deviceId: '', input: s.input, result: s.reason, detail: s.detail });
  return rows;
}

/** How a run's results speak of one Intune submission: a lock, or any other action. */
interface IntuneWords {
  /** What is not the case while a second admin has not approved. */
  notYet: string;
  /** What Intune may hold after an unanswered send. */
  received: string;
  /** What not to do before checking. */
  again: string;
}

const LOCK_WORDS: IntuneWords = { notYet: 'Nothing is locked yet', received: 'the lock', again: 'locking it again' };
const ACTION_WORDS: IntuneWords = { notYet: 'Nothing is sent yet', received: 'it', again: 'sending it again' };

/** Intune took it: done, or held for a second admin under Multi Admin Approval (no failure). */
function submittedRecord(t: BulkTarget, sent: LockSubmission, at: number, words: IntuneWords): ItemRecord {
  if (sent.kind === 'sent') return { deviceId: t.deviceId, state: 'done', at };
  const id = sent.approval.id;
  return {
    deviceId: t.deviceId,
    state: 'approval',
    commandId: id,
    error: `Waiting for a second Intune admin (Multi Admin Approval, request ${id}). ${words.notYet}: once approved, complete it in the Intune admin center under Tenant administration › Multi Admin Approval › My requests.`,
    at,
  };
}

/** Refused: failed; or no answer, or a server error on a POST that is never repeated: Intune may have it. */
function refusedRecord(t: BulkTarget, error: DeskError, at: number, words: IntuneWords): ItemRecord {
  const status = error instanceof UpstreamError ? error.status : undefined;
  const uncertain = error instanceof UpstreamError && (status === undefined || status === 0 || status >= 500);
  if (!uncertain) return { deviceId: t.deviceId, state: 'failed', error: error.userMessage, at };
  return {
    deviceId: t.deviceId,
    state: 'unknown',
    error: `${error.userMessage} Intune may have received ${words.received}: check ${t.serialNumber} in the Intune admin center before ${words.again}.`,
    at,
  };
}
