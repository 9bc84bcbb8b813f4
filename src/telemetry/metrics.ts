/**
 * What /metrics serves: prom-client's default Node metrics (event-loop lag, heap, GC, handles) and
 * Device Desk's own. One registry per running bot, so several bots in one process (tests) never
 * share a series. Labels stay bounded: action ids, states, methods, statuses and tenant ids —
 * never a serial, a device id or a person.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets for one turn or one call to Google or Graph (seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

/** The two services Device Desk calls on people's behalf. */
export type Upstream = 'google' | 'graph';

export class DeskMetrics {
  readonly registry = new Registry();

  readonly turns = this.counter('devicedesk_turns_total', 'Bot Framework activities processed, by activity type.', [
    'type',
  ]);
  readonly turnErrors = this.counter(
    'devicedesk_turn_errors_total',
    'Turns that ended in an error answered with an apology card, by error kind.',
    ['kind'],
  );
  readonly turnSeconds = this.histogram(
    'devicedesk_turn_duration_seconds',
    'Time to process one activity on /api/messages.',
    ['type'],
    LATENCY_BUCKETS,
  );

  readonly actionsRequested = this.counter(
    'devicedesk_actions_requested_total',
    'Remote actions asked for (a confirmation shown, or run at once when allowed), by action.',
    ['action'],
  );
  readonly actionsConfirmed = this.counter(
    'devicedesk_actions_confirmed_total',
    'Remote actions confirmed and sent to Google or Graph, by action.',
    ['action'],
  );
  readonly actionsFinished = this.counter(
    'devicedesk_actions_finished_total',
    'Remote actions that reached a terminal state, by action and outcome (Done, Failed, Expired, Unknown).',
    ['action', 'outcome'],
  );
  readonly confirmationsExpired = this.counter(
    'devicedesk_confirmations_expired_total',
    'Confirmations that expired unused (at their time, or clicked too late), by action.',
    ['action'],
  );

  readonly bulkDevices = this.counter(
    'devicedesk_bulk_devices_total',
    'Devices of finished bulk runs, by action and outcome (done, failed, unknown).',
    ['action', 'outcome'],
  );

  readonly upstreamCalls = this.counter(
    'devicedesk_upstream_requests_total',
    'Calls to Google or Microsoft Graph, by service, method and final HTTP status (0: no answer).',
    ['service', 'method', 'status'],
  );
  readonly upstreamSeconds = this.histogram(
    'devicedesk_upstream_request_duration_seconds',
    'Time of one call to Google or Microsoft Graph, retries included.',
    ['service', 'method'],
    LATENCY_BUCKETS,
  );
  readonly upstreamRetries = this.counter(
    'devicedesk_upstream_retries_total',
    'Attempts repeated after throttling or a server error, by service and method.',
    ['service', 'method'],
  );
  readonly upstreamThrottled = this.counter(
    'devicedesk_upstream_throttled_total',
    'Answers that said to slow down (429, Google 403 rate or quota limit), by service and method.',
    ['service', 'method'],
  );
  readonly googleQuotaLimit = this.gauge(
    'devicedesk_google_quota_limit',
    "Directory API queries per minute the project may make (Google's default 2,400 per user).",
  );

  readonly jobs = this.counter(
    'devicedesk_jobs_total',
    'Background jobs run by this instance, by job name and outcome (ok, failed).',
    ['name', 'outcome'],
  );
  readonly jobSeconds = this.histogram(
    'devicedesk_job_duration_seconds',
    'Time of one background job.',
    ['name'],
    JOB_BUCKETS,
  );

  private readonly googleQueries = new SlidingMinute();

  constructor(options: { googleQuotaPerMinute?: number } = {}) {
    collectDefaultMetrics({ register: this.registry });
    this.googleQuotaLimit.set(options.googleQuotaPerMinute ?? 2400);
    const queries = this.googleQueries;
    new Gauge({
      name: 'devicedesk_google_quota_used',
      help: 'Directory API queries this instance made in the last minute, retries included (sum over instances against the limit).',
      registers: [this.registry],
      collect() {
        this.set(queries.count(Date.now()));
      },
    });
  }

  /** One query that counts against Google's per-minute quota. */
  googleQuery(): void {
    this.googleQueries.add(Date.now());
  }

  /** A gauge read when /metrics is scraped: `read` sets its values, so they are fresh at every scrape. */
  watch(name: string, help: string, labelNames: string[], read: (gauge: Gauge<string>) => Promise<void>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        // A source that cannot be read leaves its gauge empty: the scrape itself must not fail.
        await read(this).catch(() => undefined);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram<string> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

/** Events of the last 60 seconds, counted in one-second slots: constant memory whatever the rate. */
class SlidingMinute {
  private readonly slots = new Array<number>(60).fill(0);
  private readonly seconds = new Array<number>(60).fill(-1);

  add(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const i = second % 60;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.slots[i] = 0;
    }
    this.slots[i]++;
  }

  count(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    let total = 0;
    for (let i = 0; i < 60; i++) if (second - this.seconds[i] < 60) total += this.slots[i];
    return total;
  }
}
