import { ManualClock } from '../../src/clock';
import { createRetryPolicy } from '../../src/directory/retry';
import { describeFailure, parseRetryAfter, retryDecision } from '../../src/directory/upstream-errors';

describe('retry policy', () => {
  const failing = (times: number, error: unknown = new Error('boom')) => {
    let calls = 0;
    return {
      op: async () => {
        calls++;
        if (calls <= times) throw error;
        return calls;
      },
      calls: () => calls,
    };
  };

  it('waits a random share of a doubling, capped ceiling (full jitter)', async () => {
    const delays: number[] = [];
    const rolls = [0.99, 0.99, 0.99, 0.99, 0.1];
    const policy = createRetryPolicy({
      baseDelayMs: 100,
      maxDelayMs: 500,
      random: () => rolls.shift() ?? 0,
      sleep: async (ms) => void delays.push(ms),
    });
    const f = failing(5);
    await expect(policy.run(f.op, () => ({ retry: true }))).resolves.toBe(6);
    expect(delays).toEqual([99, 198, 396, 495, 50]);
  });

  it('passes a non-retryable error through at once', async () => {
    const policy = createRetryPolicy({ sleep: async () => undefined });
    const f = failing(3);
    await expect(policy.run(f.op, () => ({ retry: false }))).rejects.toThrow('boom');
    expect(f.calls()).toBe(1);
  });

  it('waits at least what Retry-After asks, and not past the time budget', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const policy = createRetryPolicy(
      {
        maxTotalMs: 10_000,
        random: () => 0,
        sleep: async (ms) => {
          delays.push(ms);
          clock.advance(ms);
        },
      },
      clock,
    );
    const f = failing(10);
    await expect(policy.run(f.op, () => ({ retry: true, retryAfterMs: 4000 }))).rejects.toThrow('boom');
    expect(delays).toEqual([4000, 4000]);
    expect(f.calls()).toBe(3);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-05T09:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 05 Jan 2026 09:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('retries a lost connection only when the call is idempotent or was never sent', () => {
    const reset = describeFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const refused = describeFailure(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    expect(retryDecision(reset, true).retry).toBe(true);
    expect(retryDecision(reset, false).retry).toBe(false);
    expect(retryDecision(refused, false).retry).toBe(true);
  });
});
