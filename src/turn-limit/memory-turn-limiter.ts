import type { Clock } from '../clock';
import { WINDOW_MS, type TurnKey, type TurnLimiter, type TurnLimits, type TurnVerdict } from './types';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets beyond this many are swept of full ones (people who went quiet) before another is added. */
const SWEEP_AT = 10_000;

/** One instance's buckets, for the sandbox and single-instance deployments. */
export class MemoryTurnLimiter implements TurnLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: TurnLimits,
    private readonly clock: Clock,
  ) {}

  async take(key: TurnKey): Promise<TurnVerdict> {
    const now = this.clock.now();
    const personKey = `p\u0000${key.tenantId}\u0000${key.personId}`;
    const tenantKey = `t\u0000${key.tenantId}`;
    const person = this.level(personKey, this.limits.personPerMinute, now);
    const tenant = this.level(tenantKey, this.limits.tenantPerMinute, now);
    if (person < 1) return refused('person', person, this.limits.personPerMinute);
    if (tenant < 1) return refused('tenant', tenant, this.limits.tenantPerMinute);
    if (this.buckets.size >= SWEEP_AT) this.sweep(now);
    this.buckets.set(personKey, { tokens: person - 1, at: now });
    this.buckets.set(tenantKey, { tokens: tenant - 1, at: now });
    return { allowed: true };
  }

  private level(key: string, capacity: number, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return capacity;
    return Math.min(capacity, bucket.tokens + ((now - bucket.at) * capacity) / WINDOW_MS);
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= WINDOW_MS) this.buckets.delete(key);
  }
}

/** A refusal with the wait until the bucket holds one whole token again. */
export function refused(limitedBy: 'person' | 'tenant', tokens: number, perMinute: number): TurnVerdict {
  return { allowed: false, limitedBy, retryAfterMs: Math.max(1, Math.ceil(((1 - tokens) * WINDOW_MS) / perMinute)) };
}
