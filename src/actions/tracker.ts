/**
 * Follows every executed action to a terminal state. Each poll is one job on the queue; the
 * request's pollSeq names the next poll, so a stale or duplicated job (a resume racing a job
 * that survived in Redis) sees it is not the current one and stops. Of two copies of one poll
 * running at once (a job BullMQ thought stalled), only the first to save goes on and announces.
 */
import { type AuditTrail, actorOf } from '../audit';
import type { Clock } from '../clock';
import type { DirectoryFor } from '../directory';
import type { Logger } from '../log';
import type { JobQueue } from '../store';
import type { DeskMetrics } from '../telemetry';
import type { ActionId } from './catalogue';
import type { ActionExecutor } from './intune-lock';
import type { ActionRequestStore } from './request-store';
import { operationOf, stateOfCommand } from './operations';
import { ActionRequest, isTerminal, RequestState } from './types';

export const TRACK_JOB = 'action.track';

export interface TrackingSettings {
  /** First wait between polls; it grows by half each poll up to the maximum. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** After this long without a terminal answer a request is Unknown, with what to check. */
  ceilingMs: number;
  /** How often every unfinished request is checked to have its next poll queued (a lost job never strands one). */
  sweepIntervalMs: number;
}

export const DEFAULT_TRACKING: TrackingSettings = {
  pollIntervalMs: 5_000,
  maxPollIntervalMs: 5 * 60_000,
  // Past Google's command expiry (the emulator's is three days), so Expired comes first.
  ceilingMs: 4 * 86_400_000,
  sweepIntervalMs: 10 * 60_000,
};

/** Tells the requester: the card in place on every change, a message at the end. */
export interface RequestNotifier {
  changed(request: ActionRequest): Promise<void>;
  finished(request: ActionRequest): Promise<void>;
}

interface TrackJob {
  requestId: string;
  seq: number;
}

export interface ActionTrackerDeps {
  /** Each request is followed through its requester's tenant's own Google directory. */
  google: DirectoryFor;
  requests: ActionRequestStore;
  queue: JobQueue;
  clock: Clock;
  audit: AuditTrail;
  logger: Logger;
  notifier: RequestNotifier;
  settings?: Partial<TrackingSettings>;
  /** Actions followed outside Google (Intune remote lock). */
  executors?: Partial<Record<ActionId, ActionExecutor>>;
  /** Counts every action's terminal outcome for /metrics. */
  metrics?: DeskMetrics;
}

export class ActionTracker {
  readonly settings: TrackingSettings;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly deps: ActionTrackerDeps) {
    this.settings = { ...DEFAULT_TRACKING, ...deps.settings };
  }

  /** Takes tracking jobs and picks up every request a previous run left unfinished. */
  async start(): Promise<number> {
    this.deps.queue.process<TrackJob>(TRACK_JOB, (job) => this.poll(job.requestId, job.seq));
    const resumed = await this.sweep();
    if (resumed) this.deps.logger.info({ requests: resumed }, 'resumed tracking of unfinished actions');
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.deps.logger.warn({ err: { message: (error as Error).message } }, 'could not check unfinished actions'),
      );
    }, this.settings.sweepIntervalMs);
    this.sweeper.unref();
    return resumed;
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Queues the next poll of every unfinished request; the job id makes it a no-op for those already queued. */
  private async sweep(): Promise<number> {
    const active = await this.deps.requests.listActive();
    for (const r of active) await this.schedule(r, 0);
    return active.length;
  }

  /** Takes over a request just executed: its card shows where it stands at once, then it is followed to its end. */
  async begin(request: ActionRequest): Promise<void> {
    if (isTerminal(request.state)) return this.announce(request);
    await this.tell(request);
    await this.track(request);
  }

  /** Starts following a request that was just executed. */
  async track(request: ActionRequest): Promise<void> {
    await this.schedule(request, this.delay(request.pollSeq));
  }

  private delay(polls: number): number {
    const { pollIntervalMs, maxPollIntervalMs } = this.settings;
    return Math.min(maxPollIntervalMs, Math.round(pollIntervalMs * 1.5 ** Math.min(polls, 40)));
  }

  private async schedule(r: ActionRequest, delayMs: number): Promise<void> {
    await this.deps.queue.add<TrackJob>(
      TRACK_JOB,
      { requestId: r.id, seq: r.pollSeq },
      { jobId: `track-${r.id}-${r.pollSeq}`, delayMs },
    );
  }

  /** One look at Google. Exported through the queue only; public for tests of the state rules. */
  async poll(requestId: string, seq: number): Promise<void> {
    const r = await this.deps.requests.get(requestId);
    if (!r || isTerminal(r.state)) return;
    // This poll ran and saved, but queuing the next one failed: queue it now (same id, so at most once).
    if (r.pollSeq === seq + 1) return this.schedule(r, this.delay(r.pollSeq));
    if (r.pollSeq !== seq) return;
    const now = this.deps.clock.now();
    let next: { state: RequestState; error?: string } = { state: r.state };
    try {
      next = await this.observe(r, now);
    } catch (error) {
      // Quota or an outage: keep the state, look again later (the ceiling still bounds it).
      this.deps.logger.warn(
        { requestId, err: { message: (error as Error).message } },
        'could not read the action state from Google; will retry',
      );
    }
    if (!isTerminal(next.state) && now - r.createdAt >= this.settings.ceilingMs)
      next = { state: 'Unknown', error: this.unknownHint(r) };

    const changed = next.state !== r.state;
    // Any instance may take the poll: the log says which one saw what.
    this.deps.logger.debug({ requestId, seq, from: r.state, to: next.state }, 'action polled');
    if (changed) this.deps.logger.info({ requestId, from: r.state, to: next.state }, 'action state changed');
    r.pollSeq = seq + 1;
    if (changed) {
      r.state = next.state;
      r.error = next.error;
      r.updatedAt = now;
      r.history.push({ state: next.state, at: now });
    }
    if (!(await this.deps.requests.savePoll(r, seq))) {
      // Another copy of this poll saved first and speaks for it.
      this.deps.logger.debug({ requestId, seq }, 'action poll already taken');
      return;
    }
    if (changed) await this.announce(r);
    if (!isTerminal(r.state)) await this.schedule(r, this.delay(r.pollSeq));
  }

  /** Updates the card, and at the end audits the outcome and posts the closing message. */
  async announce(r: ActionRequest): Promise<void> {
    await this.tell(r);
    if (!isTerminal(r.state)) return;
    this.deps.metrics?.actionsFinished.inc({ action: r.action, outcome: r.state });
    await this.deps.audit.append({
      actor: actorOf(r.requester),
      tenantId: r.requester.tenantId,
      action: r.action,
      target: { kind: 'device', id: r.device.id, label: r.device.serialNumber },
      requestId: r.id,
      outcome: r.state === 'Done' ? 'succeeded' : r.state === 'Unknown' ? 'unknown' : 'failed',
      reason: r.error,
      detail: { state: r.state, ...(r.commandId ? { commandId: r.commandId } : {}) },
    });
    try {
      await this.deps.notifier.finished(r);
    } catch (error) {
      this.deps.logger.warn(
        { requestId: r.id, err: { message: (error as Error).message } },
        'could not post the closing message',
      );
    }
  }

  private async tell(r: ActionRequest): Promise<void> {
    try {
      await this.deps.notifier.changed(r);
    } catch (error) {
      this.deps.logger.warn(
        { requestId: r.id, err: { message: (error as Error).message } },
        'could not update the status card',
      );
    }
  }

  private async observe(r: ActionRequest, now: number): Promise<{ state: RequestState; error?: string }> {
    const executor = this.deps.executors?.[r.action];
    if (executor) return executor.observe(r, now);
    const op = operationOf(r.action);
    if (op?.kind === 'command' && r.commandId) {
      const cmd = await this.deps.google(r.requester.tenantId).getCommand(r.device.id, r.commandId);
      if (cmd.commandExpireTime) r.commandExpireTime = cmd.commandExpireTime;
      return stateOfCommand(cmd, now);
    }
    if (op?.kind === 'status') {
      const device = await this.deps.google(r.requester.tenantId).get(r.device.id);
      if (device.status.toUpperCase() === op.expect) return { state: 'Done' };
      // Still Pending: the process stopped before Google answered. The device tells whether it went out.
      if (r.state === 'Pending') return { state: 'Unknown', error: this.interruptedStatusHint(r) };
      return { state: r.state };
    }
    // A command without its id: sent or not, Google has no list to ask (no cancel, no list).
    return { state: 'Unknown', error: this.interruptedCommandHint(r) };
  }

  private interruptedStatusHint(r: ActionRequest): string {
    return `Device Desk stopped before Google answered, and ${r.device.serialNumber} does not show the change: it probably did not reach Google. Check its status in the Google Admin console (Devices › Chrome devices › ${r.device.serialNumber}) and ask again if it is still needed.`;
  }

  private interruptedCommandHint(r: ActionRequest): string {
    return `Unknown — may have been sent: Device Desk stopped before Google answered. Check the device's remote commands in the Google Admin console (Devices › Chrome devices › ${r.device.serialNumber}) before sending it again.`;
  }

  private unknownHint(r: ActionRequest): string {
    const hours = Math.round(this.settings.ceilingMs / 3_600_000);
    const executor = this.deps.executors?.[r.action];
    if (executor) return executor.unknownHint(r, hours);
    if (r.commandId) {
      return `Google still had no final answer after ${hours} h. Check the device's remote commands in the Google Admin console (command ${r.commandId}) and whether the device has been online since.`;
    }
    return `The device did not show the change after ${hours} h. Check its status in the Google Admin console (Devices › Chrome devices › ${r.device.serialNumber}).`;
  }
}
