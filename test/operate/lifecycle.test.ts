/**
 * Liveness, readiness and a graceful shutdown, on a real bot process (src/index.ts's main) on
 * Redis: SIGTERM closes /readyz and turns new messages away at once, lets the running turn
 * finish, closes the workers and Redis, and exits 0 within 10 s. A new process on the same Redis
 * takes the tracked action that was under way to its end: nothing is lost.
 */
import { SANDBOX_PEOPLE } from '../../src/sandbox/people';
import { cardOf, cardText, RecordedCall } from '../support/connector';
import {
  activity,
  awaitConfirmationCard,
  BotInstance,
  eventually,
  onlineUnownedDevice,
  post,
  SharedWorld,
  startInstance,
  startWorld,
  stopInstances,
} from '../support/bot-processes';

const [alex, megan] = SANDBOX_PEOPLE;
const TIMINGS = { actions: { tracking: { pollIntervalMs: 200, maxPollIntervalMs: 400 } } };

/** Sends the signal to the bot and resolves with its exit code and how long it took. */
async function signal(bot: BotInstance, name: NodeJS.Signals): Promise<{ code: number | null; tookMs: number }> {
  const sentAt = Date.now();
  process.kill(-bot.process.child.pid!, name);
  const code = await bot.process.exited;
  return { code, tookMs: Date.now() - sentAt };
}

describe('a bot process: /healthz, /readyz and a graceful shutdown', () => {
  let world: SharedWorld;
  let first: BotInstance | undefined;
  let second: BotInstance | undefined;

  beforeAll(async () => {
    world = await startWorld({ google: { commandStepMs: 1_500 } });
  }, 30_000);
  afterAll(async () => {
    await stopInstances([first, second]);
    await world.close();
  });

  it('answers /healthz and /readyz with its checks while it takes turns', async () => {
    first = await startInstance(world, 'first', { start: TIMINGS });
    const health = await fetch(`${first.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, mode: 'sandbox', version: expect.any(String) });
    const ready = await fetch(`${first.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { redis: 'ok', tenants: 'ok', queues: 'ok', acceptingTurns: 'ok' },
    });
  }, 70_000);

  it('on SIGTERM during a turn: /readyz 503 and new turns 503 at once, the running turn is answered, exit 0 within 10 s', async () => {
    const bot = first!;
    // The Bot Connector takes its time: the turn is still running when the signal comes.
    world.connector.answerDelayMs = 4_000;
    const conversationId = 'personal-lifecycle-turn';
    let answered = false;
    const running = post(bot.base, activity(world, alex, { text: 'help' }, { conversationId })).finally(() => {
      answered = true;
    });
    await world.connector.waitFor((c) => c.method === 'POST' && c.conversationId === conversationId, 20_000);
    const sentAt = Date.now();
    process.kill(-bot.process.child.pid!, 'SIGTERM');

    const readyz = await eventually('/readyz answers 503', async () => {
      const res = await fetch(`${bot.base}/readyz`);
      return res.status === 503 ? ((await res.json()) as any) : undefined;
    });
    expect(readyz).toEqual({ ready: false, checks: expect.objectContaining({ acceptingTurns: 'failing' }) });
    const refused = await post(bot.base, activity(world, alex, { text: 'help' }, { conversationId: 'personal-late' }));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    // Both came back while the running turn still waited for the connector.
    expect(answered).toBe(false);

    expect((await running).status).toBe(200);
    expect(world.connector.sent('personal-late')).toEqual([]);
    const code = await bot.process.exited;
    expect({ code, tookMs: Date.now() - sentAt < 10_000 }).toEqual({ code: 0, tookMs: true });
    const lines = bot.logLines();
    expect(lines.some((l) => l.msg === 'stopped cleanly')).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    world.connector.answerDelayMs = 0;
  }, 40_000);

  it('on SIGTERM while an action is tracked: exit 0 within 10 s; a new process takes the action to Done, once', async () => {
    first = await startInstance(world, 'first-again', { start: TIMINGS });
    const device = onlineUnownedDevice(world);

    const conversationId = `personal-${megan.teamsId}`;
    const before = world.connector.calls.length;
    expect((await post(first.base, activity(world, megan, { text: `wipe ${device.serialNumber}` }))).status).toBe(200);
    const { cardCall, confirmationId } = await awaitConfirmationCard(world, conversationId, before);
    const confirmed = await post(
      first.base,
      activity(world, megan, { verb: 'action.confirm', data: { confirmationId } }, { replyToId: cardCall.id }),
    );
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(cardText(confirmed.body.value))![1];
    await world.connector.waitFor(
      (c) => c.method === 'PUT' && c.activityId === cardCall.id && cardText(cardOf(c)).includes('Sent'),
      10_000,
      before,
    );

    const stopped = await signal(first, 'SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.tookMs).toBeLessThan(10_000);
    const stoppedAt = world.connector.calls.length;

    second = await startInstance(world, 'second', { start: TIMINGS });
    const closing = (c: RecordedCall) =>
      c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId);
    const end = await world.connector.waitFor(closing, 20_000, stoppedAt);
    expect(end.body.text).toContain('done');
    await eventually('the card shows Done', () =>
      world.connector
        .updates(conversationId)
        .some((c) => c.activityId === cardCall.id && cardText(cardOf(c)).includes('Done')),
    );
    expect(world.connector.calls.filter(closing)).toHaveLength(1);
    // Google ran the wipe once: the request was never sent again.
    expect(
      world.googleCalls.filter((c) => c.method === 'POST' && c.path.endsWith(`${device.deviceId}:issueCommand`)),
    ).toHaveLength(1);

    // SIGINT (Ctrl+C in a terminal) shuts down the same way.
    expect(await signal(second, 'SIGINT')).toEqual({ code: 0, tookMs: expect.any(Number) });
  }, 90_000);
});
