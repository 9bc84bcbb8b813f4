import type { JobQueue } from '../../src/store/job-queue';

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** One behaviour for every JobQueue: memory and BullMQ run the same suite. */
export function jobQueueContract(name: string, make: () => Promise<JobQueue>): void {
  describe(`${name} job queue`, () => {
    let queues: JobQueue[] = [];
    const fresh = async () => {
      const q = await make();
      queues.push(q);
      return q;
    };
    afterEach(async () => {
      await Promise.all(queues.map((q) => q.close()));
      queues = [];
    });

    it('runs a job with its data', async () => {
      const q = await fresh();
      const seen: unknown[] = [];
      q.process<{ n: number }>('count', async (data) => {
        seen.push(data.n);
      });
      await q.add('count', { n: 1 });
      await q.add('count', { n: 2 });
      await until(() => seen.length === 2);
      expect(seen.sort()).toEqual([1, 2]);
    });

    it('waits for the delay before running', async () => {
      const q = await fresh();
      let ranAt = 0;
      q.process('later', async () => {
        ranAt = Date.now();
      });
      const added = Date.now();
      await q.add('later', {}, { delayMs: 300 });
      await until(() => ranAt > 0);
      expect(ranAt - added).toBeGreaterThanOrEqual(250);
    });

    it('does not add a job twice while one with its id waits', async () => {
      const q = await fresh();
      let runs = 0;
      q.process('once', async () => {
        runs++;
      });
      await q.add('once', {}, { jobId: 'same-id', delayMs: 150 });
      await q.add('once', {}, { jobId: 'same-id', delayMs: 150 });
      await until(() => runs >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(runs).toBe(1);
    });

    it('does not run a job twice at once: an id that is running is not added again, and is free once it ends', async () => {
      const q = await fresh();
      let runs = 0;
      const waiting: Array<() => void> = [];
      const release = () => waiting.splice(0).forEach((go) => go());
      q.process('slow', async () => {
        runs++;
        await new Promise<void>((go) => waiting.push(go));
      });
      try {
        await q.add('slow', {}, { jobId: 'slow-id' });
        await until(() => runs === 1);
        // A periodic sweep re-adding a job that is still running must not start a second copy of it.
        await q.add('slow', {}, { jobId: 'slow-id' });
        await new Promise((r) => setTimeout(r, 200));
        expect(runs).toBe(1);
        release();
        await until(async () => (await q.counts()).active === 0);
        await q.add('slow', {}, { jobId: 'slow-id' });
        await until(() => runs === 2);
      } finally {
        release();
      }
    });

    it('lets a handler schedule the next run of the same chain', async () => {
      const q = await fresh();
      const seen: number[] = [];
      q.process<{ n: number }>('chain', async (data) => {
        seen.push(data.n);
        if (data.n < 3) await q.add('chain', { n: data.n + 1 }, { jobId: `chain-${data.n + 1}`, delayMs: 20 });
      });
      await q.add('chain', { n: 1 }, { jobId: 'chain-1' });
      await until(() => seen.length === 3);
      expect(seen).toEqual([1, 2, 3]);
    });

    it('tries a failing job again', async () => {
      const q = await fresh();
      const attempts: number[] = [];
      q.process('flaky', async (_d, job) => {
        attempts.push(job.attempt);
        if (job.attempt < 2) throw new Error('not yet');
      });
      await q.add('flaky', {});
      await until(() => attempts.length === 2);
      expect(attempts).toEqual([1, 2]);
    });

    it('runs jobs added before the handler once it is registered', async () => {
      const q = await fresh();
      let ran = false;
      await q.add('early', {});
      q.process('early', async () => {
        ran = true;
      });
      await until(() => ran);
    });
  });
}
