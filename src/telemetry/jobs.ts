import { SpanKind } from '@opentelemetry/api';
import type { DeskMetrics } from './metrics';
import { inSpan } from './tracing';

/** One background job run: its own trace (not the turn's that queued it), counted and timed by name. */
export function observeJob(
  metrics: DeskMetrics | undefined,
  job: { name: string; attempt: number },
  run: () => Promise<void>,
): Promise<void> {
  const started = process.hrtime.bigint();
  const done = (outcome: 'ok' | 'failed') => {
    metrics?.jobs.inc({ name: job.name, outcome });
    metrics?.jobSeconds.observe({ name: job.name }, Number(process.hrtime.bigint() - started) / 1e9);
  };
  return inSpan(
    `job ${job.name}`,
    { 'devicedesk.job': job.name, 'devicedesk.job.attempt': job.attempt },
    async () => {
      try {
        await run();
        done('ok');
      } catch (error) {
        done('failed');
        throw error;
      }
    },
    { kind: SpanKind.CONSUMER, root: true },
  );
}
