import { MemoryAuditTrail } from '../../src/audit';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import {
  FileInput,
  LostNotifier,
  LostReport,
  LostReportService,
  LostSettings,
  LostReportStore,
  MemoryLostReportStore,
  parseRoster,
  PostedCard,
  RedisLostReportStore,
  Responder,
} from '../../src/lost';
import { BullJobQueue, JobQueue, MemoryJobQueue } from '../../src/store';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const START = Date.parse('2026-01-05T09:00:00Z');
const MINUTE = 60_000;

/** Records what would reach people, as the chat layer's notifier would send it. */
class RecordingNotifier implements LostNotifier {
  readonly events: string[] = [];
  posted = 0;
  helpdesk = true;
  async postReport(r: LostReport): Promise<PostedCard | undefined> {
    this.events.push(`post ${r.id}`);
    return this.helpdesk
      ? { conversation: { conversation: { id: 'desk' } as never }, activityId: `card-${++this.posted}` }
      : undefined;
  }
  async updateCards(r: LostReport): Promise<void> {
    this.events.push(`update ${r.id} ${r.state}`);
  }
  async tellReporter(r: LostReport, text: string): Promise<void> {
    this.events.push(`reporter ${r.id}: ${text}`);
  }
  async tellHelpdesk(_tenantId: string, text: string): Promise<void> {
    this.events.push(`helpdesk: ${text}`);
  }
  async page(r: LostReport, responder: Responder | undefined, waited: number): Promise<PostedCard | undefined> {
    this.events.push(`page ${r.id} ${responder?.name ?? 'nobody'} after ${waited}`);
    return { conversation: { conversation: { id: 'oncall' } as never }, activityId: 'page-1' };
  }
}

const roster = parseRoster('responders:\n  - name: Lynne Robbins\n    teamsId: user-id-5\n');
const until = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let seq = 0;
function input(over: Partial<FileInput> = {}): FileInput {
  seq++;
  return {
    tenantId: 't1',
    device: {
      id: `device-${seq}`,
      source: 'chrome',
      serialNumber: `SER${seq}`,
      model: 'HP Chromebook 14',
      users: ['adelev@example.com'],
    },
    reporter: { teamsId: 'user-id-2', name: 'Adele Vance', upn: 'adelev@example.com' },
    kind: 'lost',
    ...over,
  };
}

function service(
  store: LostReportStore,
  queue: JobQueue,
  clock: ManualClock,
  notifier: RecordingNotifier,
  audit = new MemoryAuditTrail(clock),
  settings: Partial<LostSettings> = {},
) {
  return new LostReportService({
    store,
    queue,
    clock,
    audit,
    logger: silentLogger,
    notifier,
    roster,
    settings: { escalationMs: 10 * MINUTE, checkIntervalMs: 10, ...settings },
  });
}

describe('LostReportService', () => {
  const queues: JobQueue[] = [];
  const memoryQueue = () => {
    const q = new MemoryJobQueue({ retryDelayMs: 10 });
    queues.push(q);
    return q;
  };
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it('audits every step of the lifecycle with the report id', async () => {
    const clock = new ManualClock(START);
    const audit = new MemoryAuditTrail(clock);
    const notifier = new RecordingNotifier();
    const lost = service(new MemoryLostReportStore(), memoryQueue(), clock, notifier, audit);
    await lost.start();
    const { report } = await lost.file(input());
    const megan = { teamsId: 'user-id-1', name: 'Megan Bowen' };
    await lost.acknowledge(report.id, megan);
    await lost.recordAction('t1', report.device.id, {
      action: 'lostMode.on',
      label: 'Lost mode',
      requestId: 'DD-AAAAAA',
      by: megan,
      selfService: false,
    });
    const done = await lost.resolve(report.id, megan, 'found');
    expect(done.report).toMatchObject({
      state: 'resolved',
      resolution: 'found',
      acknowledgedBy: megan,
      resolvedBy: megan,
    });
    expect(done.report.history.map((h) => h.text)).toEqual([
      'Reported lost by Adele Vance',
      'Acknowledged by Megan Bowen',
      'Lost mode by Megan Bowen · DD-AAAAAA',
      'Resolved (found) by Megan Bowen',
    ]);
    const records = await audit.latest({ tenantId: 't1', targetId: report.device.id });
    expect(records.map((r) => `${r.action}:${r.outcome}:${r.requestId}`).reverse()).toEqual([
      `lost.report:requested:${report.id}`,
      `lost.acknowledge:succeeded:${report.id}`,
      `lost.action:succeeded:${report.id}`,
      `lost.resolve:succeeded:${report.id}`,
    ]);
    // Resolved: late actions and clicks change nothing.
    expect((await lost.acknowledge(report.id, megan)).changed).toBe(false);
    expect(
      await lost.recordAction('t1', report.device.id, {
        action: 'wipeUsers',
        label: 'Wipe',
        requestId: 'DD-BBBBBB',
        by: megan,
        selfService: false,
      }),
    ).toBeUndefined();
  });

  it('a help desk action acknowledges an open report and makes it actioned; a self-service one only tells the help desk', async () => {
    const clock = new ManualClock(START);
    const notifier = new RecordingNotifier();
    const lost = service(new MemoryLostReportStore(), memoryQueue(), clock, notifier, undefined, {
      escalationMs: 60 * MINUTE,
    });
    const { report } = await lost.file(input());
    const adele = report.reporter;
    const self = await lost.recordAction('t1', report.device.id, {
      action: 'lostMode.on',
      label: 'Lost mode',
      requestId: 'DD-SELF01',
      by: adele,
      selfService: true,
    });
    expect(self?.state).toBe('open');
    expect(self?.acknowledgedBy).toBeUndefined();
    expect(notifier.events).toContainEqual(
      expect.stringMatching(/^helpdesk: Adele Vance ran Lost mode on .* themselves \(self-service\)/),
    );
    const megan = { teamsId: 'user-id-1', name: 'Megan Bowen' };
    const staff = await lost.recordAction('t1', report.device.id, {
      action: 'wipeUsers',
      label: 'Wipe user profiles',
      requestId: 'DD-STAFF1',
      by: megan,
      selfService: false,
    });
    expect(staff).toMatchObject({ state: 'actioned', acknowledgedBy: megan });
    // The same request reported twice (a replayed job) is recorded once.
    await lost.recordAction('t1', report.device.id, {
      action: 'wipeUsers',
      label: 'Wipe user profiles',
      requestId: 'DD-STAFF1',
      by: megan,
      selfService: false,
    });
    expect((await lost.get(report.id))!.actions).toHaveLength(2);

    // Self-service on a device nobody reported: the help desk is still told.
    const unreported = await lost.recordAction('t1', 'device-never-reported', {
      action: 'lostMode.on',
      label: 'Lost mode',
      requestId: 'DD-SELF02',
      by: adele,
      selfService: true,
    });
    expect(unreported).toBeUndefined();
    expect(notifier.events).toContainEqual(
      'helpdesk: Adele Vance ran Lost mode on their own device (DD-SELF02, self-service).',
    );
  });

  it('of two concurrent acknowledgements exactly one is recorded', async () => {
    const clock = new ManualClock(START);
    const notifier = new RecordingNotifier();
    const lost = service(new MemoryLostReportStore(), memoryQueue(), clock, notifier, undefined, {
      escalationMs: 60 * MINUTE,
    });
    const { report } = await lost.file(input());
    const results = await Promise.all([
      lost.acknowledge(report.id, { teamsId: 'a', name: 'A' }),
      lost.acknowledge(report.id, { teamsId: 'b', name: 'B' }),
    ]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(notifier.events.filter((e) => e.includes('has picked up'))).toHaveLength(1);
  });

  it('escalates on the injected clock, once, and resumes checks after a restart (memory queue)', async () => {
    const clock = new ManualClock(START);
    const store = new MemoryLostReportStore();
    const notifier = new RecordingNotifier();
    const first = service(store, memoryQueue(), clock, notifier);
    await first.start();
    const { report } = await first.file(input());
    await new Promise((r) => setTimeout(r, 60));
    expect(notifier.events.some((e) => e.startsWith('page'))).toBe(false);
    // The process stops: its in-memory jobs are gone. The next one picks the report up from the store.
    await queues[0].close();
    const second = service(store, memoryQueue(), clock, notifier);
    expect(await second.start()).toBe(1);
    clock.advance(10 * MINUTE);
    await until(() => notifier.events.some((e) => e.startsWith('page')));
    expect(notifier.events.filter((e) => e.startsWith('page'))).toEqual([`page ${report.id} Lynne Robbins after 10`]);
    const saved = await store.get(report.id);
    expect(saved).toMatchObject({
      escalatedAt: START + 10 * MINUTE,
      escalatedTo: 'Lynne Robbins',
      escalationCard: { activityId: 'page-1' },
    });
    await second.checkEscalation(report.id, 99);
    expect(notifier.events.filter((e) => e.startsWith('page'))).toHaveLength(1);
  });

  describe('on Redis with BullMQ', () => {
    const redis = testRedis();
    afterAll(async () => {
      await redis.cleanup();
    });

    it('a pending escalation survives a restart of the bot', async () => {
      const clock = new ManualClock(START);
      const store = new RedisLostReportStore(redis.redis, redis.prefix);
      const notifier = new RecordingNotifier();
      const bull = () =>
        new BullJobQueue({ redisUrl: TEST_REDIS_URL, prefix: `${redis.prefix}bull`, retryDelayMs: 10 });
      const q1 = bull();
      const first = service(store, q1, clock, notifier, undefined, { checkIntervalMs: 200 });
      await first.start();
      const { report } = await first.file(input());
      await q1.close();

      // A new instance without the resume sweep still runs the job left in Redis.
      const q2 = bull();
      queues.push(q2);
      const second = service(store, q2, clock, notifier, undefined, { checkIntervalMs: 200 });
      q2.process<{ reportId: string; check: number }>('lost.escalate', (job) =>
        second.checkEscalation(job.reportId, job.check),
      );
      clock.advance(11 * MINUTE);
      await until(() => notifier.events.some((e) => e.startsWith('page')), 8000);
      expect((await store.get(report.id))?.escalatedTo).toBe('Lynne Robbins');
    }, 15_000);
  });
});
