/** Whose turn it is: one bucket per person (within their tenant) and one per tenant. */
export interface TurnKey {
  tenantId: string;
  personId: string;
}

export type TurnVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** Which bucket ran dry: the person's own, or their whole organisation's. */
      limitedBy: 'person' | 'tenant';
      /** When one more turn will fit. */
      retryAfterMs: number;
    };

export interface TurnLimits {
  personPerMinute: number;
  tenantPerMinute: number;
}

/**
 * Token buckets of turns: each holds a minute's allowance and refills evenly over the minute, so
 * a person can send a quick burst and then keeps a steady pace. A turn is counted only when both
 * the person's and the tenant's bucket have room; a refused turn costs nothing.
 */
export interface TurnLimiter {
  take(key: TurnKey): Promise<TurnVerdict>;
}

export const WINDOW_MS = 60_000;
