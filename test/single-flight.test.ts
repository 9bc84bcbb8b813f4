import { readableId } from '../src/readable-id';
import { SingleFlight } from '../src/single-flight';

describe('SingleFlight', () => {
  it('joins a second call to the run going on, and starts afresh once it ended', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release!: () => void;
    const work = () =>
      new Promise<number>((resolve) => {
        runs += 1;
        release = () => resolve(runs);
      });
    const a = flight.run('t1', work);
    const b = flight.run('t1', work);
    expect(flight.isRunning('t1')).toBe(true);
    expect(flight.isRunning('t2')).toBe(false);
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(flight.isRunning('t1')).toBe(false);
    const c = flight.run('t1', work);
    release();
    expect(await c).toBe(2);
  });

  it('forgets a run that failed, and settle() waits for every run however it ends', async () => {
    const flight = new SingleFlight<void>();
    const failing = flight.run('t1', async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(flight.isRunning('t1')).toBe(false);
    let done = false;
    void flight.run('t2', () => new Promise<void>((r) => setTimeout(() => ((done = true), r()), 20)));
    await flight.settle();
    expect(done).toBe(true);
  });
});

describe('readableId', () => {
  it('has the prefix, the length, and none of the letters people misread', () => {
    const ids = Array.from({ length: 500 }, () => readableId('DD', 6));
    for (const id of ids) expect(id).toMatch(/^DD-[A-HJKMNP-Z2-9]{6}$/);
    expect(new Set(ids).size).toBeGreaterThan(495);
  });
});
