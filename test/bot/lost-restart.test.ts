import { ManualClock } from '../../src/clock';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { cardOf, cardText } from '../support/connector';
import { Harness, HarnessOptions, PEOPLE, startHarness } from '../support/harness';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const START = Date.parse('2026-03-02T10:00:00Z');
const MINUTE = 60_000;
const HELPDESK = 'team-it-help-desk';
const ONCALL = 'channel-on-call';

/**
 * With Redis, a report, the channels it goes to and its pending escalation (a BullMQ job)
 * outlive the bot: a new instance pages on-call on time, once, and updates the card the first
 * instance posted.
 */
describe('lost-device reports survive a restart of the bot (Redis + BullMQ)', () => {
  const redis = testRedis();
  const clock = new ManualClock(START);
  let google: GoogleEmulator;
  let first: Harness;
  let second: Harness | undefined;
  let options: HarnessOptions;
  const env = { REDIS_URL: TEST_REDIS_URL };

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: sandboxFleet(START), clock });
    options = {
      start: { clock, google, redisPrefix: redis.prefix, lost: { escalationMs: 15 * MINUTE, checkIntervalMs: 25 } },
    };
    first = await startHarness(env, undefined, options);
  });
  afterAll(async () => {
    await second?.stop();
    await first.connector.stop();
    await google.close();
    await redis.cleanup();
  });

  it('escalates after the restart and the new instance keeps the cards up to date', async () => {
    const device = sandboxFleet(START).find((d) => d.annotatedUser === PEOPLE.adele.email && d.status === 'ACTIVE')!;
    await first.send('set helpdesk channel', { as: 'alex', conversationType: 'channel', conversationId: HELPDESK });
    await first.send('set oncall channel', { as: 'alex', conversationType: 'channel', conversationId: ONCALL });
    const filed = await first.invoke('lost.file', { deviceId: device.deviceId, where: 'library' }, { as: 'adele' });
    const reportId = /(LR-[A-Z0-9]{4})/.exec(cardText(filed.body.value))![1];
    const card = first.connector.sent(HELPDESK).find((c) => cardText(cardOf(c)).includes(reportId))!;
    expect(card).toBeDefined();

    await first.bot.stop();
    clock.advance(16 * MINUTE);
    const stoppedAt = first.connector.calls.length;
    second = await startHarness(env, undefined, { ...options, connector: first.connector });

    const page = await first.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === ONCALL && String(c.body?.text ?? '').includes(reportId),
      10_000,
      stoppedAt,
    );
    expect(page.body.text).toContain('<at>Lynne Robbins</at>');
    await first.connector.waitFor(
      (c) => c.method === 'PUT' && c.activityId === card.id && cardText(cardOf(c)).includes('was paged'),
      5_000,
      stoppedAt,
    );
    // The job left in Redis and the start-up sweep both knew the report: one page only.
    await new Promise((r) => setTimeout(r, 300));
    expect(
      first.connector.calls.slice(stoppedAt).filter((c) => c.method === 'POST' && c.conversationId === ONCALL),
    ).toHaveLength(1);

    const ack = await second.invoke(
      'lost.acknowledge',
      { reportId },
      { as: 'lynne', conversationType: 'channel', conversationId: ONCALL },
    );
    expect(cardText(ack.body.value)).toContain('Lynne Robbins is on it');
    const list = cardText(cardOf((await second.send('reports', { as: 'megan' })).replies[0]));
    expect(list).toContain(`${reportId}`);
    expect(list).toContain('acknowledged by Lynne Robbins');
  }, 30_000);
});
