import { RedisBulkRunStore } from '../../../src/actions/bulk';
import { GoogleEmulator, startGoogleEmulator } from '../../../src/sandbox/google';
import { BullJobQueue } from '../../../src/store/job-queue-bullmq';
import { testRedis, TEST_REDIS_URL } from '../../support/redis';
import { activeFleet, directoryFor, fastClock, makeRunner, queuedRun, targetsOf } from './runner-fixtures';

/**
 * The durable path: store and limiter in Redis, the job on BullMQ. The first instance stops
 * halfway through; a second one on the same Redis finishes the run, and no device gets a
 * second command.
 */
describe('a bulk run survives a restart halfway (Redis + BullMQ)', () => {
  const redis = testRedis();
  let google: GoogleEmulator;
  const queues: BullJobQueue[] = [];
  afterAll(async () => {
    for (const q of queues) await q.close();
    await google?.close();
    await redis.cleanup();
  });

  it('resumes where it stood: every device acted on exactly once', async () => {
    const clock = fastClock(1);
    const fleet = activeFleet(300, 'bulk-restart');
    // Slow enough answers that stopping halfway is easy to catch.
    google = await startGoogleEmulator({ devices: fleet, clock, latencyMs: 4 });
    const directory = directoryFor(google, clock);
    const store = new RedisBulkRunStore(redis.redis, `${redis.prefix}bulk:`);
    const queue = () => {
      const q = new BullJobQueue({ redisUrl: TEST_REDIS_URL, prefix: `${redis.prefix}bull`, retryDelayMs: 50 });
      queues.push(q);
      return q;
    };
    const parts = {
      directory,
      store,
      clock,
      quotaPerMinute: 100_000,
      redis: redis.redis,
      limiterKey: `${redis.prefix}quota`,
      settings: { concurrency: 4 },
    };

    const q1 = queue();
    const first = makeRunner({ ...parts, queue: q1 });
    await first.runner.start();
    const targets = targetsOf(fleet);
    await store.create(queuedRun('BR-RSTART', 'reboot', targets.length, { delaySeconds: 30 }), targets);
    await first.runner.enqueue('BR-RSTART');

    // Stop the first instance once about half the devices are done.
    for (;;) {
      const items = await store.items('BR-RSTART');
      if ([...items.values()].filter((i) => i.state === 'done').length >= 120) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    first.runner.stop();
    await q1.close();
    const halfway = await store.items('BR-RSTART');
    expect(halfway.size).toBeLessThan(300);
    expect((await store.get('BR-RSTART'))?.state).toBe('running');
    expect(await store.active()).toEqual(['BR-RSTART']);

    const second = makeRunner({ ...parts, queue: queue() });
    await second.runner.start();
    const { counts, rows, run } = await second.notifier.done(30_000);
    second.runner.stop();

    expect(run.state).toBe('completed');
    expect(counts).toEqual({ total: 300, done: 300, failed: 0, unknown: 0, pending: 0 });
    expect(google.stats().byMethod['customer.devices.chromeos.issueCommand']).toBe(300);
    expect(new Set(rows.filter((r) => r.commandId).map((r) => r.commandId)).size).toBe(300);
    // What the first instance recorded was kept, not redone.
    for (const [id, item] of halfway)
      if (item.state === 'done') expect(rows.find((r) => r.deviceId === id)?.commandId).toBe(item.commandId);
    expect(await store.active()).toEqual([]);
    expect(first.notifier.finishedWith).toBeUndefined();
  });
});
