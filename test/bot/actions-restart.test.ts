import { ManualClock } from '../../src/clock';
import { milestoneOf, sandboxFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import { Harness, HarnessOptions, PEOPLE, startHarness } from '../support/harness';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const START = Date.parse('2026-03-02T10:00:00Z');

/**
 * With Redis, requests and their tracking jobs (BullMQ) outlive the bot: a new instance on the
 * same Redis picks up a request that was being tracked and takes it to its end.
 */
describe('tracking survives a restart of the bot (Redis + BullMQ)', () => {
  const redis = testRedis();
  const clock = new ManualClock(START);
  let google: GoogleEmulator;
  let first: Harness;
  let second: Harness | undefined;
  let options: HarnessOptions;
  const env = { REDIS_URL: TEST_REDIS_URL };

  beforeAll(async () => {
    // Google outlives the bot, as it does in production.
    google = await startGoogleEmulator({ devices: sandboxFleet(START), clock });
    options = {
      start: {
        clock,
        google,
        redisPrefix: redis.prefix,
        actions: { tracking: { pollIntervalMs: 20, maxPollIntervalMs: 50, ceilingMs: 7 * 86_400_000 } },
      },
    };
    first = await startHarness(env, undefined, options);
  });
  afterAll(async () => {
    await second?.stop();
    await first.connector.stop();
    await google.close();
    await redis.cleanup();
  });

  it('a wipe sent before the restart reaches Done after it, on the same card', async () => {
    const people = new Set(Object.values(PEOPLE).map((p) => p.email));
    const d = sandboxFleet(START).find(
      (x) =>
        x.status === 'ACTIVE' &&
        !x.behaviour.kiosk &&
        milestoneOf(x.osVersion) >= 113 &&
        !people.has(x.annotatedUser ?? ''),
    )!;
    google.setBehaviour(d.deviceId, { connectivity: 'online' });

    const asked = await first.send(`wipe ${d.serialNumber}`, { as: 'megan' });
    const cardCall = asked.replies.find((c) => cardOf(c)) as RecordedCall;
    const confirmationId = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(cardOf(cardCall)))![1];
    const res = await first.invoke('action.confirm', { confirmationId }, { as: 'megan' });
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(cardText(res.body.value))![1];

    // The device picks the command up; the first bot sees it…
    clock.advance(3_000);
    await first.connector.waitFor(
      (c) => c.method === 'PUT' && c.activityId === cardCall.id && cardText(cardOf(c)).includes('Sent'),
    );
    // …and stops before the command completes.
    await first.bot.stop();
    clock.advance(10_000);
    const stoppedAt = first.connector.calls.length;

    second = await startHarness(env, undefined, { ...options, connector: first.connector });
    const end = await first.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
      10_000,
      stoppedAt,
    );
    expect(end.body.text).toContain('done');
    expect(end.body.text).toContain(`<at>${PEOPLE.megan.name}</at>`);
    const updated = first.connector.calls
      .slice(stoppedAt)
      .filter((c) => c.method === 'PUT' && c.activityId === cardCall.id);
    expect(cardText(cardOf(updated[updated.length - 1]))).toContain('Done');
    // Exactly one closing message, though the old job and the resume both knew the request.
    await new Promise((r) => setTimeout(r, 300));
    expect(
      first.connector.calls.filter(
        (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
      ),
    ).toHaveLength(1);

    const status = await second.send(`status ${requestId}`, { as: 'megan' });
    expect(cardText(cardOf(status.replies.find((c) => cardOf(c))))).toContain('Done');
  });
});
