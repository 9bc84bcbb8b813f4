/**
 * What stands between a request and the directory: the per-minute quota, random faults and
 * faults a test forces, and the counters benchmarks read.
 */
import { Clock } from '../../clock';
import { Random } from '../fleet/random';
import { GoogleApiError, InjectedFault, faultError } from './google-errors';

export interface TrafficOptions {
  clock: Clock;
  random: Random;
  /** Queries per minute per user; undefined = unlimited. */
  quotaPerMinute?: number;
  /** Share of requests (0..1) that fail at random with 503 backendError or 429 rateLimitExceeded. */
  faultRate?: number;
}

export interface EmulatorStats {
  /** Every request answered, whatever the outcome. */
  requests: number;
  /** Requests per API method id (e.g. chromeosdevices.list), whatever the outcome. */
  byMethod: Record<string, number>;
  /** Responses per HTTP status. */
  byStatus: Record<string, number>;
  /** Requests refused by the enforced quota. */
  throttled: number;
}

const WINDOW_MS = 60_000;

export class TrafficControl {
  private quota: number | undefined;
  /** Times of the requests admitted in the last minute (a sliding window), oldest first. */
  private admitted: number[] = [];
  private head = 0;
  private forced: { kind: InjectedFault; retryAfterSeconds?: number }[] = [];
  private counters: EmulatorStats = { requests: 0, byMethod: {}, byStatus: {}, throttled: 0 };

  constructor(private readonly options: TrafficOptions) {
    this.quota = options.quotaPerMinute;
  }

  setQuotaPerMinute(quota: number | undefined): void {
    this.quota = quota;
  }

  /** The next `count` requests fail with `kind` (a quota storm, an outage). */
  forceErrors(count: number, kind: InjectedFault, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.forced.push({ kind, retryAfterSeconds });
  }

  /** Undefined when the request may go through; otherwise the error to answer with. */
  admit(): GoogleApiError | undefined {
    const forced = this.forced.shift();
    if (forced) return faultError(forced.kind, forced.retryAfterSeconds);
    const rate = this.options.faultRate ?? 0;
    if (rate > 0 && this.options.random.chance(rate)) {
      return faultError(this.options.random.chance(0.5) ? 'backendError' : 'rateLimitExceeded');
    }
    if (this.quota !== undefined) {
      const now = this.options.clock.now();
      while (this.head < this.admitted.length && this.admitted[this.head] <= now - WINDOW_MS) this.head++;
      if (this.head > 4096) {
        this.admitted = this.admitted.slice(this.head);
        this.head = 0;
      }
      if (this.admitted.length - this.head >= this.quota) {
        this.counters.throttled++;
        return faultError('userRateLimitExceeded');
      }
      this.admitted.push(now);
    }
    return undefined;
  }

  record(method: string, status: number): void {
    const c = this.counters;
    c.requests++;
    c.byMethod[method] = (c.byMethod[method] ?? 0) + 1;
    c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
  }

  stats(): EmulatorStats {
    const c = this.counters;
    return { requests: c.requests, byMethod: { ...c.byMethod }, byStatus: { ...c.byStatus }, throttled: c.throttled };
  }

  resetStats(): void {
    this.counters = { requests: 0, byMethod: {}, byStatus: {}, throttled: 0 };
  }
}
