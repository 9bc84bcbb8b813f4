import { Job, Queue, Worker } from 'bullmq';
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import type { JobHandler, JobOptions, JobQueue } from './job-queue';

export interface BullJobQueueOptions {
  redisUrl: string;
  /** Connection options such as TLS (see redisConnectionOptions). */
  redisOptions?: RedisOptions;
  /** BullMQ key prefix, so several apps or test suites share one Redis (default desk:bull). */
  prefix?: string;
  /** Queue name (default jobs). */
  queueName?: string;
  logger?: Logger;
  attempts?: number;
  retryDelayMs?: number;
  /** Jobs run at once by this instance (default 4). */
  concurrency?: number;
}

/**
 * The JobQueue on BullMQ: one queue, one worker that dispatches by job name. Waiting and delayed
 * jobs live in Redis, so another instance, or this one after a restart, runs them.
 */
export class BullJobQueue implements JobQueue {
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly logger: Logger;
  private closing = false;

  constructor(private readonly options: BullJobQueueOptions) {
    this.logger = options.logger ?? silentLogger;
    // BullMQ's blocking commands need maxRetriesPerRequest null.
    this.connection = new Redis(options.redisUrl, { ...options.redisOptions, maxRetriesPerRequest: null });
    this.connection.on('error', (err) =>
      this.logger.warn({ err: { message: err.message } }, 'job queue redis connection problem'),
    );
    this.queue = new Queue(this.name, { connection: this.connection, prefix: this.prefix });
  }

  private get name(): string {
    return this.options.queueName ?? 'jobs';
  }

  private get prefix(): string {
    return this.options.prefix ?? 'desk:bull';
  }

  async add<T>(name: string, data: T, options: JobOptions = {}): Promise<void> {
    await this.queue.add(name, data, {
      // BullMQ refuses ':' in custom ids.
      jobId: options.jobId?.replace(/:/g, '-'),
      delay: options.delayMs && options.delayMs > 0 ? Math.round(options.delayMs) : undefined,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'fixed', delay: this.options.retryDelayMs ?? 1000 },
      removeOnComplete: true,
      // A failed job frees its id, so that the same work can be queued again (resume, sweep).
      removeOnFail: true,
    });
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
    if (this.worker) return;
    this.workerConnection = this.connection.duplicate({ maxRetriesPerRequest: null });
    this.worker = new Worker(
      this.name,
      async (job: Job) => {
        const h = this.handlers.get(job.name);
        if (!h) throw new Error(`no handler for job ${job.name}`);
        await h(job.data, { id: job.id ?? '', name: job.name, attempt: job.attemptsMade + 1 });
      },
      { connection: this.workerConnection, prefix: this.prefix, concurrency: this.options.concurrency ?? 4 },
    );
    this.worker.on('failed', (job, err) =>
      this.logger.warn({ job: job?.id, name: job?.name, err: { message: err.message } }, 'background job failed'),
    );
    this.worker.on('error', (err) => this.logger.warn({ err: { message: err.message } }, 'job worker problem'));
  }

  /** Failed jobs are removed to free their ids, so failures are counted as they happen instead. */
  async counts(): Promise<Record<string, number>> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0),
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
    };
  }

  /** A worker is started and connected to Redis (BullMQ's own view); false once closing. */
  isRunning(): boolean {
    return this.worker?.isRunning() === true && this.workerConnection?.status === 'ready' && !this.closing;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker?.close();
    await this.queue.close();
    await this.workerConnection?.quit().catch(() => undefined);
    await this.connection.quit().catch(() => undefined);
  }
}
