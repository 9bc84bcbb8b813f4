import { ManualClock } from '../../src/clock';
import type { TurnLimiter, TurnLimits } from '../../src/turn-limit';

const alex = { tenantId: 'tenant-a', personId: 'aad-alex' };
const megan = { tenantId: 'tenant-a', personId: 'aad-megan' };
const otherTenant = { tenantId: 'tenant-b', personId: 'aad-alex' };

async function takeMany(limiter: TurnLimiter, key: typeof alex, n: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((await limiter.take(key)).allowed);
  return out;
}

/** What every TurnLimiter does, whatever keeps the buckets. */
export function turnLimiterContract(
  name: string,
  make: (limits: TurnLimits, clock: ManualClock) => Promise<TurnLimiter> | TurnLimiter,
): void {
  describe(`${name} turn limiter contract`, () => {
    let clock: ManualClock;
    beforeEach(() => {
      clock = new ManualClock(Date.parse('2026-02-01T10:00:00Z'));
    });

    it("allows a minute's allowance at once, then refuses the person until a turn has refilled", async () => {
      const limiter = await make({ personPerMinute: 6, tenantPerMinute: 100 }, clock);
      expect(await takeMany(limiter, alex, 6)).toEqual([true, true, true, true, true, true]);
      expect(await limiter.take(alex)).toEqual({ allowed: false, limitedBy: 'person', retryAfterMs: 10_000 });
      clock.advance(5_000);
      expect(await limiter.take(alex)).toEqual({ allowed: false, limitedBy: 'person', retryAfterMs: 5_000 });
      clock.advance(5_000);
      expect(await takeMany(limiter, alex, 2)).toEqual([true, false]);
      clock.advance(60_000);
      expect(await takeMany(limiter, alex, 7)).toEqual([true, true, true, true, true, true, false]);
    });

    it('keeps people apart but counts them together against their tenant, and tenants apart', async () => {
      const limiter = await make({ personPerMinute: 3, tenantPerMinute: 5 }, clock);
      expect(await takeMany(limiter, alex, 4)).toEqual([true, true, true, false]);
      expect(await takeMany(limiter, megan, 2)).toEqual([true, true]);
      expect(await limiter.take(megan)).toEqual({ allowed: false, limitedBy: 'tenant', retryAfterMs: 12_000 });
      expect(await takeMany(limiter, otherTenant, 3)).toEqual([true, true, true]);
    });

    it('does not count refused turns', async () => {
      const limiter = await make({ personPerMinute: 2, tenantPerMinute: 4 }, clock);
      await takeMany(limiter, alex, 10); // 2 allowed, 8 refused
      expect(await takeMany(limiter, megan, 3)).toEqual([true, true, false]);
      expect(await limiter.take({ tenantId: 'tenant-a', personId: 'aad-lynne' })).toMatchObject({
        allowed: false,
        limitedBy: 'tenant',
      });
    });
  });
}
