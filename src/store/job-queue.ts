/**
 * Background jobs (command tracking, later bulk runs): the same interface in process memory
 * (sandbox, tests, one instance) and on BullMQ (Redis: any instance picks a job up and a restart
 * loses nothing).
 */
import type { Logger } from '../log';
import { silentLogger } from '../log';

export interface JobOptions {
  /** A job with the same id that is still waiting or running is not added twice. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobInfo {
  id: string;
  name: string;
  /** 1 on the first run; more when a failed run is tried again. */
  attempt: number;
}

export type JobHandler<T> = (data: T, job: JobInfo) => Promise<void>;

export interface JobQueue {
  add<T>(name: string, data: T, options?: JobOptions): Promise<void>;
  /** One handler per job name; jobs added before it is registered wait for it. */
  process<T>(name: string, handler: JobHandler<T>): void;
  /** Jobs by state (waiting, delayed, active), for /metrics. */
  counts(): Promise<Record<string, number>>;
  /** Takes jobs now: its worker runs (readiness). */
  isRunning(): boolean;
  /** Stops taking jobs and waits for the running ones; waiting jobs stay for the next start (Redis) or are dropped (memory). */
  close(): Promise<void>;
}

interface Pending {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  timer?: NodeJS.Timeout;
}

export interface MemoryJobQueueOptions {
  logger?: Logger;
  /** Runs of a job whose handler throws (default 3). */
  attempts?: number;
  /** Wait before a failed job runs again (default 1 s). */
  retryDelayMs?: number;
}

let seq = 0;

/** Timers in this process: jobs are lost when it stops, so callers resume from their own store. */
export class MemoryJobQueue implements JobQueue {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly pending = new Map<string, Pending>();
  /** The jobs running now, by id: as on BullMQ, adding one of them again is a no-op. */
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;
  private readonly logger: Logger;
  private readonly attempts: number;
  private readonly retryDelayMs: number;

  constructor(options: MemoryJobQueueOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<void> {
    if (this.closed) return;
    const id = options.jobId ?? `job-${++seq}`;
    if (this.pending.has(id) || this.running.has(id)) return;
    const job: Pending = { id, name, data, attempt: 1 };
    this.pending.set(id, job);
    this.schedule(job, options.delayMs ?? 0);
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
    // Jobs that arrived before their handler: run them now.
    for (const job of this.pending.values()) if (job.name === name && !job.timer) this.schedule(job, 0);
  }

  async counts(): Promise<Record<string, number>> {
    let waiting = 0;
    let delayed = 0;
    for (const job of this.pending.values()) {
      if (job.timer) delayed++;
      else waiting++;
    }
    return { waiting, delayed, active: this.running.size };
  }

  isRunning(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.pending.values()) if (job.timer) clearTimeout(job.timer);
    this.pending.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private schedule(job: Pending, delayMs: number): void {
    if (!this.handlers.has(job.name)) return;
    job.timer = setTimeout(() => this.run(job), Math.max(0, delayMs));
  }

  private run(job: Pending): void {
    if (this.closed) return;
    const handler = this.handlers.get(job.name);
    if (!handler) return;
    this.pending.delete(job.id);
    const p = handler(job.data, { id: job.id, name: job.name, attempt: job.attempt })
      .catch((err: unknown) => {
        this.logger.warn(
          { job: job.id, name: job.name, attempt: job.attempt, err: { message: (err as Error)?.message } },
          'background job failed',
        );
        if (job.attempt < this.attempts && !this.closed) {
          const again: Pending = { ...job, attempt: job.attempt + 1, timer: undefined };
          this.pending.set(job.id, again);
          this.schedule(again, this.retryDelayMs);
        }
      })
      .finally(() => this.running.delete(job.id));
    this.running.set(job.id, p);
  }
}
