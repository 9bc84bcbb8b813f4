import { ManualClock } from '../../../src/clock';
import { MemoryRateLimiter, RateLimiter, RedisRateLimiter } from '../../../src/actions/bulk';
import { testRedis } from '../../support/redis';

/** Admission times of `n` acquires on a manual clock whose sleeps move it forward. */
async function admissions(
  make: (clock: ManualClock, sleep: (ms: number) => Promise<void>) => RateLimiter[],
  n: number,
): Promise<number[]> {
  const clock = new ManualClock(0);
  const sleep = async (ms: number) => clock.advance(ms);
  const limiters = make(clock, sleep);
  const times: number[] = [];
  // One after another: a manual clock can't be shared by concurrent sleepers.
  for (let i = 0; i < n; i++) {
    await limiters[i % limiters.length].acquire();
    times.push(clock.now());
  }
  return times;
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j] < times[i] + windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('sliding-window rate limiter', () => {
  const redis = testRedis();
  afterAll(() => redis.cleanup());

  it('in memory: a full window at once, then each call as soon as the oldest leaves the window', async () => {
    const times = await admissions(
      (clock, sleep) => [new MemoryRateLimiter({ limit: 5, windowMs: 1000, clock, sleep })],
      12,
    );
    expect(times.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(times[5]).toBe(1001);
    expect(times[10]).toBe(2002);
    expect(maxInAnyWindow(times, 1001)).toBe(5);
  });

  it('in Redis: two instances on one key share the limit', async () => {
    const key = `${redis.prefix}quota`;
    const times = await admissions(
      (clock, sleep) =>
        [0, 1].map(() => new RedisRateLimiter(redis.redis, key, { limit: 4, windowMs: 1000, clock, sleep })),
      13,
    );
    expect(times.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(times[4]).toBeGreaterThan(1000);
    expect(maxInAnyWindow(times, 1001)).toBe(4);
    // 13 calls at 4 a window need three more windows after the first.
    expect(times[12]).toBeGreaterThan(3000);
    expect(times[12]).toBeLessThan(3100);
  });

  it('a cost of several calls waits for room for all of them', async () => {
    const clock = new ManualClock(0);
    const limiter = new MemoryRateLimiter({ limit: 3, windowMs: 1000, clock, sleep: async (ms) => clock.advance(ms) });
    await limiter.acquire(2);
    await limiter.acquire(2);
    expect(clock.now()).toBe(1001);
  });
});
