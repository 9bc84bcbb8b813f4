/**
 * A sliding-window rate limiter for Google's per-minute quota: at most `limit` calls in any
 * window of `windowMs`, as Google (and the emulator) count them. In process memory for one
 * instance; in Redis (a sorted set per limiter key, updated by one Lua script) when several
 * instances must share the quota. A sliding log rather than a token bucket: a bucket refills
 * continuously, so right after a full burst it admits calls Google's window still refuses.
 */
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Clock } from '../../clock';
import { defaultSleep } from '../../directory';

export interface RateLimiter {
  /**
   * Waits until `cost` more calls fit in the window, and counts them. Settle the permit when the
   * call has been answered: the calls then count from that moment, the latest Google can have
   * seen them, so network delay never lets the window slide early.
   */
  acquire(cost?: number): Promise<Permit>;
}

export interface Permit {
  settle(): Promise<void>;
}

/** Google's default: 2,400 queries per minute per user. */
export const DEFAULT_GOOGLE_QUOTA_PER_MINUTE = 2400;
/**
 * The share of the quota bulk runs use: the rest absorbs clock skew between instances and Google,
 * retries the directory client sends by itself, and the interactive lookups of the same minute.
 */
export const BULK_QUOTA_SHARE = 0.9;

export interface LimiterOptions {
  limit: number;
  windowMs?: number;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
}

/** How long to wait before `cost` more calls fit; 0 when they fit now (and were counted under `id`). */
type TryAcquire = (cost: number, now: number, id: string) => Promise<number>;
type Settle = (cost: number, now: number, id: string) => Promise<void>;

abstract class SlidingWindowLimiter implements RateLimiter {
  protected readonly limit: number;
  protected readonly windowMs: number;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: LimiterOptions) {
    if (!(options.limit >= 1)) throw new RangeError('A rate limit needs at least one call per window.');
    this.limit = Math.floor(options.limit);
    this.windowMs = options.windowMs ?? 60_000;
    this.clock = options.clock;
    this.sleep = options.sleep ?? defaultSleep;
  }

  protected abstract tryAcquire: TryAcquire;
  protected abstract settleAt: Settle;

  async acquire(cost = 1): Promise<Permit> {
    const n = Math.min(Math.max(1, Math.floor(cost)), this.limit);
    const id = randomUUID();
    for (;;) {
      const wait = await this.tryAcquire(n, this.clock.now(), id);
      if (wait <= 0) return { settle: () => this.settleAt(n, this.clock.now(), id) };
      await this.sleep(wait);
    }
  }
}

export class MemoryRateLimiter extends SlidingWindowLimiter {
  /** Counted calls in admission order; settling moves a time later, never earlier. */
  private entries: { id: string; at: number }[] = [];
  private head = 0;
  private readonly byId = new Map<string, { id: string; at: number }[]>();

  protected tryAcquire: TryAcquire = async (cost, now, id) => {
    const from = now - this.windowMs;
    // From the head only: a later entry that expires first is let go a little late, never early.
    while (this.head < this.entries.length && this.entries[this.head].at <= from) {
      this.byId.delete(this.entries[this.head].id);
      this.head++;
    }
    if (this.head > 4096) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    const used = this.entries.length - this.head;
    if (used + cost <= this.limit) {
      const mine = Array.from({ length: cost }, () => ({ id, at: now }));
      this.entries.push(...mine);
      this.byId.set(id, mine);
      return 0;
    }
    // The call fits once enough of the oldest admissions leave the window.
    const oldest = this.entries[this.head + used + cost - this.limit - 1].at;
    return Math.max(1, oldest + this.windowMs - now + 1);
  };

  protected settleAt: Settle = async (_cost, now, id) => {
    for (const e of this.byId.get(id) ?? []) e.at = Math.max(e.at, now);
  };
}

// KEYS[1] the window; ARGV now, window ms, limit, cost, unique member prefix.
const ACQUIRE_SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count + cost <= limit then
  for i = 1, cost do redis.call('ZADD', key, now, ARGV[5] .. ':' .. i) end
  redis.call('PEXPIRE', key, window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', key, count + cost - limit - 1, count + cost - limit - 1, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now + 1
if wait < 1 then wait = 1 end
return wait
`;

/** Shared by every instance on the same Redis key: together they stay under the quota. */
export class RedisRateLimiter extends SlidingWindowLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    options: LimiterOptions,
  ) {
    super(options);
  }

  protected tryAcquire: TryAcquire = async (cost, now, id) => {
    const wait = (await this.redis.eval(
      ACQUIRE_SCRIPT,
      1,
      this.key,
      now,
      this.windowMs,
      this.limit,
      cost,
      id,
    )) as number;
    return Number(wait);
  };

  protected settleAt: Settle = async (cost, now, id) => {
    // XX: a permit already out of the window is not brought back.
    const args: (string | number)[] = [];
    for (let i = 1; i <= cost; i++) args.push(now, `${id}:${i}`);
    await this.redis.zadd(this.key, 'XX', 'GT', ...args);
  };
}

export function createRateLimiter(options: LimiterOptions & { redis?: Redis; key?: string }): RateLimiter {
  if (options.redis) return new RedisRateLimiter(options.redis, options.key ?? 'desk:google-quota', options);
  return new MemoryRateLimiter(options);
}
