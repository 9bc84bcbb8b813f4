import { ManualClock } from '../../src/clock';
import { sandboxFleet } from '../../src/sandbox/fleet';
import { sandboxIntuneFleet } from '../../src/sandbox/fleet/intune-fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { GraphEmulator, startGraphEmulator } from '../../src/sandbox/graph';
import { LOCK_STEP_MS } from '../../src/sandbox/graph/managed-devices';
import { cardOf, cardText } from '../support/connector';
import { Harness, HarnessOptions, PEOPLE, startHarness, TurnOptions } from '../support/harness';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const START = Date.parse('2026-03-02T10:00:00Z');
const CHANNEL: TurnOptions = { conversationId: '19:helpdesk@thread.tacv2', conversationType: 'channel' };

/**
 * With Redis, a Mac lock that waits for a second Intune admin outlives the bot: a new instance
 * picks the approval up, sends the lock once, and the recovery PIN sits encrypted in Redis.
 */
describe('remote lock across a restart (Redis, BullMQ, Multi Admin Approval)', () => {
  const redis = testRedis();
  const clock = new ManualClock(START);
  const intuneFleet = sandboxIntuneFleet(START);
  const mac = intuneFleet.find((d) => d.operatingSystem === 'macOS' && d.userPrincipalName === 'adelev@example.com')!;
  let google: GoogleEmulator;
  let graph: GraphEmulator;
  let first: Harness;
  let second: Harness | undefined;
  let options: HarnessOptions;

  beforeAll(async () => {
    // Google and Intune outlive the bot, as they do in production.
    google = await startGoogleEmulator({ devices: sandboxFleet(START), clock });
    graph = await startGraphEmulator({ managedDevices: intuneFleet, clock });
    options = {
      start: {
        clock,
        google,
        graph,
        redisPrefix: redis.prefix,
        actions: { tracking: { pollIntervalMs: 20, maxPollIntervalMs: 50, ceilingMs: 7 * 86_400_000 } },
      },
    };
    first = await startHarness({ REDIS_URL: TEST_REDIS_URL }, undefined, options);
  });
  afterAll(async () => {
    await second?.stop();
    await first.connector.stop();
    await graph.close();
    await google.close();
    await redis.cleanup();
  });

  it('locks once after the approval, and keeps the PIN encrypted in Redis', async () => {
    graph.intune.approvalRequired = true;
    const asked = await first.send(`lock ${mac.serialNumber}`, { as: 'megan', ...CHANNEL });
    const card = cardOf(asked.replies.find((c) => cardOf(c)));
    const confirmationId = /"confirmationId":"([^"]+)"/.exec(JSON.stringify(card))![1];
    const res = await first.invoke('action.confirm', { confirmationId }, { as: 'megan', ...CHANNEL });
    const requestId = /(DD-[A-Z0-9]{6})/.exec(cardText(res.body.value))![1];
    expect(cardText(res.body.value)).toContain('Waiting for approval');
    expect(graph.intune.lockCount(mac.id)).toBe(0);

    await first.bot.stop();
    const [approval] = graph.intune.pendingApprovals();
    graph.intune.decide(approval.id, 'approved', PEOPLE.alex.upn);

    second = await startHarness({ REDIS_URL: TEST_REDIS_URL }, undefined, { ...options, connector: first.connector });
    for (let i = 0; i < 6; i++) {
      clock.advance(LOCK_STEP_MS);
      await new Promise((r) => setTimeout(r, 150));
    }
    const end = await first.connector.waitFor(
      (c) => c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId),
      8000,
    );
    expect(end.body.text).toContain('done');
    expect(graph.intune.lockCount(mac.id)).toBe(1);

    const pin = graph.intune.currentPin(mac.id)!;
    expect(pin).toMatch(/^\d{6}$/);
    // Nothing in Redis holds the PIN in clear: not the vault, not the request, not the audit trail.
    const keys = await redis.redis.keys(`${redis.prefix}*`);
    expect(keys.some((k) => k.includes(':pin:'))).toBe(true);
    for (const key of keys) {
      const type = await redis.redis.type(key);
      const dump =
        type === 'string'
          ? await redis.redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.redis.hgetall(key))
            : type === 'list'
              ? JSON.stringify(await redis.redis.lrange(key, '0', '-1'))
              : type === 'zset'
                ? JSON.stringify(await redis.redis.zrange(key, '0', '-1'))
                : '';
      expect(`${key} ${dump}`).not.toContain(pin);
    }
    const read = await second.send(`pin ${mac.serialNumber}`, { as: 'megan' });
    expect(cardText(cardOf(read.replies[0]))).toContain(pin);
    expect(first.logs.text() + second.logs.text()).not.toContain(pin);
  });
});
