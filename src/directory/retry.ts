/**
 * One retry policy for every Directory API call: exponential backoff with full jitter on
 * throttling and server errors, bounded in attempts and in total time, honouring Retry-After.
 * gaxios' own retry is turned off so that there is only this one.
 */
import { Clock, systemClock } from '../clock';

export interface RetryOptions {
  /** Attempts in all, the first one included (default 8: long enough to outlast a per-minute quota window). */
  maxAttempts?: number;
  /** Cap of the first backoff (default 1 s); it doubles each attempt. */
  baseDelayMs?: number;
  /** Largest single wait (default 32 s). */
  maxDelayMs?: number;
  /** No retry starts after this much time since the first attempt (default 120 s). */
  maxTotalMs?: number;
  /** Jitter source in [0, 1); inject for deterministic tests. */
  random?: () => number;
  /** How to wait; inject for fast tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryDecision {
  retry: boolean;
  /** Server-requested wait (Retry-After), if any. */
  retryAfterMs?: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryPolicy {
  run<T>(op: () => Promise<T>, decide: (err: unknown) => RetryDecision, onRetry?: (e: RetryEvent) => void): Promise<T>;
}

export function createRetryPolicy(options: RetryOptions = {}, clock: Clock = systemClock): RetryPolicy {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const base = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 32_000;
  const maxTotal = options.maxTotalMs ?? 120_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;

  return {
    async run(op, decide, onRetry) {
      const started = clock.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await op();
        } catch (err) {
          const decision = decide(err);
          if (!decision.retry || attempt >= maxAttempts) throw err;
          const ceiling = Math.min(maxDelay, base * 2 ** (attempt - 1));
          let delayMs = Math.floor(random() * ceiling);
          if (decision.retryAfterMs !== undefined) delayMs = Math.max(delayMs, decision.retryAfterMs);
          if (clock.now() - started + delayMs > maxTotal) throw err;
          onRetry?.({ attempt, delayMs, error: err });
          await sleep(delayMs);
        }
      }
    },
  };
}
