/**
 * Three bot processes on one Redis (one REDIS_KEY_PREFIX, the same keys) behind a round-robin
 * load balancer, with one Google, one Graph and one Bot Connector: whichever instance a turn or a
 * background job reaches, every action runs once, every card moves on, every escalation pages
 * once, the Google quota is kept by all of them together and the audit trail stays one chain,
 * even when one instance is killed halfway through a bulk run.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateFleet, sandboxFleet } from '../../src/sandbox/fleet';
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

const ROOT = join(__dirname, '..', '..');
const [alex, megan, adele] = SANDBOX_PEOPLE;
const HELPDESK = 'team-it-help-desk';
const ONCALL = 'channel-on-call';
/** Google's per-minute quota, shrunk to a 2-second window on both sides so that it binds within the test. */
const QUOTA_WINDOW_MS = 2_000;
const QUOTA = 60;
const BULK_SHARE = Math.floor(QUOTA * 0.9);
const ISSUE = /\/devices\/chromeos\/([^/:]+):issueCommand$/;

const ENV = {
  GOOGLE_QUOTA_PER_MINUTE: String(QUOTA),
  BULK_ROLE_LIMITS: 'Intune Administrator=1000',
  BULK_APPROVAL_THRESHOLD: '1000',
  AUDIT_CHECKPOINT_EVERY: '25',
};
const TIMINGS = {
  actions: { tracking: { pollIntervalMs: 200, maxPollIntervalMs: 300 } },
  lost: { escalationMs: 2_000, checkIntervalMs: 200 },
  bulk: {
    quotaWindowMs: QUOTA_WINDOW_MS,
    runner: { leaseMs: 1_500, sweepIntervalMs: 500, progressIntervalMs: 300 },
  },
};

interface Routed {
  backend: string;
  path: string;
}

/** The load balancer: each request to the next instance in turn; one that does not answer is skipped. */
async function roundRobin(
  backends: () => BotInstance[],
): Promise<{ url: string; routed: Routed[]; close(): Promise<void> }> {
  let next = 0;
  const routed: Routed[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tryFrom = (attempt: number) => {
        const list = backends();
        const backend = list[next++ % list.length];
        const upstream = http.request(
          { host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            routed.push({ backend: backend.name, path: req.url ?? '' });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => (attempt < list.length ? tryFrom(attempt + 1) : res.writeHead(502).end()));
        upstream.end(body);
      };
      tryFrom(1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('three instances on one Redis behind a round-robin load balancer', () => {
  const bulkFleet = generateFleet({ seed: 'instances', size: 300, domain: 'example.com', now: Date.now() });
  for (const d of bulkFleet)
    Object.assign(d, { status: 'ACTIVE', behaviour: { connectivity: 'offline', kiosk: false } });
  let world: SharedWorld;
  let instances: BotInstance[] = [];
  let lb: Awaited<ReturnType<typeof roundRobin>>;
  const alive = () => instances.filter((i) => i.process.child.exitCode === null && i.process.child.signalCode === null);
  const via = (body: Record<string, unknown>) => post(lb.url, body);

  beforeAll(async () => {
    world = await startWorld({
      extraDevices: bulkFleet,
      google: { commandStepMs: 1_000, quotaPerMinute: QUOTA, quotaWindowMs: QUOTA_WINDOW_MS },
    });
    // The first one connects the sandbox tenants; the others find the connection in Redis.
    const first = await startInstance(world, 'desk-1', { env: ENV, start: TIMINGS });
    const others = await Promise.all(
      ['desk-2', 'desk-3'].map((name) => startInstance(world, name, { env: ENV, start: TIMINGS })),
    );
    instances = [first, ...others];
    lb = await roundRobin(alive);
  }, 120_000);
  afterAll(async () => {
    await lb?.close();
    await stopInstances(instances);
    await world.close();
  });

  it('a confirmation asked through one instance and confirmed through two others at once runs once; tracking moves the card whichever instance polls', async () => {
    const device = onlineUnownedDevice(world);
    const conversationId = `personal-${megan.teamsId}`;
    const before = world.connector.calls.length;
    const routedBefore = lb.routed.length;

    expect((await via(activity(world, megan, { text: `restart ${device.serialNumber}` }))).status).toBe(200);
    const { cardCall, confirmationId } = await awaitConfirmationCard(world, conversationId, before);
    // A double click: two confirmations at once, which the balancer hands to the two other instances.
    const confirm = () =>
      via(activity(world, megan, { verb: 'action.confirm', data: { confirmationId } }, { replyToId: cardCall.id }));
    const answers = await Promise.all([confirm(), confirm()]);
    const served = lb.routed.slice(routedBefore).map((r) => r.backend);
    expect(new Set(served).size).toBe(3);

    const texts = answers.map((a) => cardText(a.body.value));
    const accepted = texts.filter((t) => /Request DD-[A-Z0-9]{6}/.test(t));
    expect(accepted).toHaveLength(1);
    const requestId = /Request (DD-[A-Z0-9]{6})/.exec(accepted[0])![1];

    const closing = (c: RecordedCall) =>
      c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(requestId);
    const end = await world.connector.waitFor(closing, 20_000, before);
    expect(end.body.text).toContain('done');
    await eventually('the card shows Done', () =>
      world.connector
        .updates(conversationId)
        .some((c) => c.activityId === cardCall.id && cardText(cardOf(c)).includes('Done')),
    );
    expect(world.connector.calls.filter(closing)).toHaveLength(1);
    expect(world.googleCalls.filter((c) => c.path.endsWith(`${device.deviceId}:issueCommand`))).toHaveLength(1);
    // The polls were taken by whichever instance's worker was free: more than one of them.
    const pollers = instances.filter((i) =>
      i.logLines().some((l) => l.msg === 'action polled' && l.requestId === requestId),
    );
    expect(pollers.length).toBeGreaterThan(1);
  }, 60_000);

  it('a lost-device report not acknowledged in time pages on-call once, though every instance checks it', async () => {
    const channel = (conversationId: string) => ({ conversationType: 'channel' as const, conversationId });
    await via(activity(world, alex, { text: 'set helpdesk channel' }, channel(HELPDESK)));
    await via(activity(world, alex, { text: 'set oncall channel' }, channel(ONCALL)));
    const device = sandboxFleet(Date.now()).find((d) => d.annotatedUser === adele.email && d.status === 'ACTIVE')!;
    const filed = await via(
      activity(world, adele, { verb: 'lost.file', data: { deviceId: device.deviceId, where: 'library' } }),
    );
    const reportId = /(LR-[A-Z0-9]{4})/.exec(cardText(filed.body.value))![1];
    const card = await world.connector.waitFor(
      (c) => c.method === 'POST' && c.conversationId === HELPDESK && cardText(cardOf(c)).includes(reportId),
    );
    const page = (c: RecordedCall) =>
      c.method === 'POST' && c.conversationId === ONCALL && String(c.body?.text ?? '').includes(reportId);
    await world.connector.waitFor(page, 15_000);
    await world.connector.waitFor(
      (c) => c.method === 'PUT' && c.activityId === card.id && cardText(cardOf(c)).includes('was paged'),
      10_000,
    );
    // Every instance has looked at the report since it was paged (they look every 200 ms).
    const pagedAt = Date.now();
    await eventually('each instance checked the report after the page', () => Date.now() - pagedAt > 1_000);
    expect(world.connector.calls.filter(page)).toHaveLength(1);
  }, 40_000);

  it('a bulk run of 300 devices keeps the shared Google quota and acts on each device once while its instance is killed halfway', async () => {
    const before = world.connector.calls.length;
    const serials = bulkFleet.map((d) => d.serialNumber).join(' ');
    await via(activity(world, alex, { text: `bulk wipe ${serials}` }));
    const preview = await world.connector.waitFor(
      (c) => c.method === 'POST' && /"runId":"BR-/.test(JSON.stringify(cardOf(c) ?? {})),
      15_000,
      before,
    );
    const runId = /"runId":"(BR-[A-Z0-9]{6})"/.exec(JSON.stringify(cardOf(preview)))![1];
    expect(cardText(cardOf(preview))).toContain('300 devices');
    const issuedBefore = world.googleCalls.length;
    const issued = () => world.googleCalls.slice(issuedBefore).filter((c) => ISSUE.test(c.path));
    const startedAt = Date.now();
    await via(activity(world, alex, { verb: 'bulk.start', data: { runId } }, { replyToId: preview.id }));

    // Halfway, the instance running it dies without a word.
    await eventually('half of the devices were sent their command', () => issued().length >= 150, 40_000);
    const runner = instances.find((i) => i.logLines().some((l) => l.msg === 'bulk run claimed' && l.runId === runId))!;
    process.kill(-runner.process.child.pid!, 'SIGKILL');
    await runner.process.exited;

    const finished = (c: RecordedCall) =>
      c.method === 'POST' && typeof c.body?.text === 'string' && c.body.text.includes(`${runId} finished`);
    await world.connector.waitFor(finished, 45_000, before);
    const tookMs = Date.now() - startedAt;
    expect(world.connector.calls.slice(before).filter(finished)).toHaveLength(1);
    const takenOver = alive().filter((i) =>
      i.logLines().some((l) => l.msg === 'bulk run claimed' && l.runId === runId),
    );
    expect(takenOver.length).toBeGreaterThan(0);

    // Once per device at most; a device whose call was on its way when the instance died is reported unknown, never sent again.
    const calls = new Map<string, number>();
    for (const c of issued()) calls.set(ISSUE.exec(c.path)![1], (calls.get(ISSUE.exec(c.path)![1]) ?? 0) + 1);
    expect([...calls.values()].filter((n) => n > 1)).toEqual([]);
    const items = await world.redis.redis.hgetall(`${world.redis.prefix}bulk:items:${runId}`);
    const states = bulkFleet.map((d) => ({ id: d.deviceId, state: JSON.parse(items[d.deviceId] ?? '{}').state }));
    const unknown = states.filter((s) => s.state === 'unknown');
    expect(states.filter((s) => s.state !== 'done' && s.state !== 'unknown')).toEqual([]);
    expect(unknown.length).toBeLessThanOrEqual(8);
    expect(states.filter((s) => s.state === 'done').every((s) => calls.get(s.id) === 1)).toBe(true);

    // The quota held across all instances: Google throttled nothing, and no window saw more than the bulk share.
    expect(world.googleCalls.slice(issuedBefore).filter((c) => c.status === 403 || c.status === 429)).toEqual([]);
    const times = issued().map((c) => c.at);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + QUOTA_WINDOW_MS).length));
    expect(busiest).toBeLessThanOrEqual(QUOTA);
    // It was the quota that set the pace: 300 calls at BULK_SHARE per window.
    expect(tookMs).toBeGreaterThan((Math.floor(300 / BULK_SHARE) - 1) * QUOTA_WINDOW_MS);
  }, 90_000);

  it('the audit trail written by all three is one chain, and every instance’s signed checkpoints match it', async () => {
    const logs = instances.map((i) => join(world.dir, `${i.name}.log`));
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        ['scripts/audit-verify.ts', '--sandbox', ...logs.flatMap((f) => ['--checkpoints', f])],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: world.redis.prefix },
        },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout }),
      );
    });
    expect(out.trim()).toMatch(/^audit trail OK: \d+ records verified; \d+ signed checkpoints/);
    expect(code).toBe(0);
    // Checkpoints were signed by more than one instance, each over the head it saw of the same chain.
    const signers = instances.filter((i) => i.logLines().some((l) => l.msg === 'audit checkpoint'));
    expect(signers.length).toBeGreaterThan(1);
    const counted = Number(/(\d+) signed checkpoints/.exec(out)![1]);
    expect(counted).toBe(instances.flatMap((i) => i.logLines().filter((l) => l.msg === 'audit checkpoint')).length);
  }, 60_000);
});
