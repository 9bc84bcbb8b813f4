/**
 * What stands between a request and the directory: the per-minute quota, random faults and
 * faults a test forces, and the counters benchmarks read.
 */
import { Clock } from '../../clock';
import { Random } from '../fleet';
import { GoogleApiError, InjectedFault, faultError, invalidPageToken } from './google-errors';

export interface TrafficOptions {
  clock: Clock;
  random: Random;
  /** Queries per minute per user; undefined = unlimited. */
  quotaPerMinute?: number;
  /** The quota's window: Google's is a minute (https://developers.google.com/workspace/admin/directory/v1/limits); tests shorten it. */
  quotaWindowMs?: number;
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
  private badPageTokens = 0;
  private afterApplying: { status: number; methods?: string[] }[] = [];
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

  /**
   * The next `count` list requests that carry a page token are answered 400 "Invalid Input", although
   * the token is valid: Google does this now and then (reported by GAM users; unconfirmed in Google's docs).
   */
  failPageTokens(count: number): void {
    this.badPageTokens += count;
  }

  /** A list request's fault for its page token, if one is due. */
  pageTokenFault(pageToken: string | null): GoogleApiError | undefined {
    if (pageToken === null || this.badPageTokens === 0) return undefined;
    this.badPageTokens--;
    return invalidPageToken(pageToken);
  }

  /**
   * The next `count` requests (of `methods`, when given) are carried out and then answered with a
   * server error: the client can't tell whether its change happened.
   */
  failAfterApplying(count: number, status = 503, methods?: string[]): void {
    for (let i = 0; i < count; i++) this.afterApplying.push({ status, methods });
  }

  /** The error that replaces a carried-out request's answer, if one is due for this method. */
  appliedFault(method: string): GoogleApiError | undefined {
    const i = this.afterApplying.findIndex((f) => !f.methods || f.methods.includes(method));
    if (i < 0) return undefined;
    const [fault] = this.afterApplying.splice(i, 1);
    return fault.status === 503
      ? faultError('backendError')
      : new GoogleApiError(fault.status, 'backendError', 'Internal error encountered.', 'INTERNAL');
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
      const windowMs = this.options.quotaWindowMs ?? WINDOW_MS;
      while (this.head < this.admitted.length && this.admitted[this.head] <= now - windowMs) this.head++;
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
