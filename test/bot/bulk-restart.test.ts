import { generateFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, HarnessOptions, startHarness } from '../support/harness';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const START = Date.parse('2026-03-02T10:00:00Z');
const ISSUE = 'customer.devices.chromeos.issueCommand';

/**
 * With Redis, a bulk run outlives the bot that started it: the next instance on the same Redis
 * resumes it from its per-device progress and keeps updating the same card.
 */
describe('a bulk run survives a restart of the bot (Redis + BullMQ)', () => {
  const redis = testRedis();
  let google: GoogleEmulator;
  let first: Harness;
  let second: Harness | undefined;
  const fleet = generateFleet({ seed: 'bulk-bot-restart', size: 400, domain: 'example.com', now: START });
  for (const d of fleet) Object.assign(d, { status: 'ACTIVE', behaviour: { connectivity: 'offline', kiosk: false } });
  const env = {
    REDIS_URL: TEST_REDIS_URL,
    BULK_ROLE_LIMITS: 'Intune Administrator=1000',
    BULK_APPROVAL_THRESHOLD: '1000',
  };
  let options: HarnessOptions;

  beforeAll(async () => {
    // Slow answers, so that stopping halfway is easy to catch.
    google = await startGoogleEmulator({ devices: fleet, latencyMs: 5 });
    options = {
      start: { google, redisPrefix: redis.prefix, bulk: { runner: { concurrency: 2, progressIntervalMs: 100 } } },
    };
    first = await startHarness(env, undefined, options);
  });
  afterAll(async () => {
    await second?.stop();
    await first.connector.stop();
    await google.close();
    await redis.cleanup();
  });

  it('resumes where it stood, never sends a device a second command, and ends on the same card', async () => {
    const { replies } = await first.send(`bulk wipe ${fleet.map((d) => d.serialNumber).join(' ')}`, { as: 'alex' });
    const call = replies.find((c) => cardOf(c)) as RecordedCall;
    const runId = /"runId":"(BR-[A-Z0-9]{6})"/.exec(JSON.stringify(cardOf(call)))![1];
    google.resetStats();
    await first.invoke('bulk.start', { runId }, { as: 'alex', replyToId: call.id });

    const itemsKey = `${redis.prefix}bulk:items:${runId}`;
    for (;;) {
      if ((await redis.redis.hlen(itemsKey)) >= 100) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await first.bot.stop();
    const sentBefore = google.stats().byMethod[ISSUE] ?? 0;
    expect(sentBefore).toBeLessThan(400);
    const stoppedAt = first.connector.calls.length;

    second = await startHarness(env, undefined, { ...options, connector: first.connector });
    await first.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(`${runId} finished`),
      30_000,
      stoppedAt,
    );
    expect(google.stats().byMethod[ISSUE]).toBe(400);
    const updates = first.connector.calls
      .slice(stoppedAt)
      .filter((c) => c.method === 'PUT' && c.activityId === call.id);
    expect(cardText(cardOf(updates[updates.length - 1]))).toContain('finished — 400 done');
  });
});
