import { type DeskMetrics, observeJob } from '../telemetry';
import type { JobHandler, JobOptions, JobQueue } from './job-queue';

/** A job queue whose every job run is its own trace and is counted and timed by name. */
export class ObservedJobQueue implements JobQueue {
  constructor(
    private readonly queue: JobQueue,
    private readonly metrics?: DeskMetrics,
  ) {}

  add<T>(name: string, data: T, options?: JobOptions): Promise<void> {
    return this.queue.add(name, data, options);
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.queue.process<T>(name, (data, job) => observeJob(this.metrics, job, () => handler(data, job)));
  }

  counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  isRunning(): boolean {
    return this.queue.isRunning();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
