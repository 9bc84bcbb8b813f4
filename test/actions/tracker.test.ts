import { MemoryAuditTrail } from '../../src/audit';
import type { ActionTracker, TrackingSettings } from '../../src/actions/tracker';
import { MemoryActionRequestStore } from '../../src/actions/request-store';
import type { ActionRequest } from '../../src/actions/types';
import { ManualClock } from '../../src/clock';
import type { DeviceDirectory } from '../../src/directory/types';
import { type FleetDevice, milestoneOf, sandboxFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { MemoryJobQueue } from '../../src/store/job-queue';
import { directoryFor } from './bulk/runner-fixtures';
import { actionRequest } from './store-contract';
import { fastTracker, RecordingNotifier } from './tracker-fixtures';

const START = Date.parse('2026-03-02T10:00:00Z');

// Polls run on the job queue's real timers (10–20 ms apart) and reach the emulator over HTTP, so a
// loaded machine stretches them: the wait is generous, and a passing test ends at once.
const until = async (check: () => boolean, timeoutMs = 20_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * One attempt per request, as the bulk runner's client: a request the emulator never answers
 * becomes an error the tracker polls through, as in production, instead of holding the poll for
 * the default 30 s, past these tests' waits.
 */
const trackerDirectory = (google: GoogleEmulator, clock: ManualClock) =>
  directoryFor(google, clock, { timeoutMs: 2_000 });

/** A tracker over fresh stores and queue. */
function trackerRig(directory: DeviceDirectory, clock: ManualClock, settings: Partial<TrackingSettings> = {}) {
  const queue = new MemoryJobQueue();
  const requests = new MemoryActionRequestStore();
  const notifier = new RecordingNotifier();
  const audit = new MemoryAuditTrail(clock);
  const tracker = fastTracker({ directory, requests, queue, clock, audit, notifier }, settings);
  return { queue, requests, notifier, audit, tracker };
}

/** A wipe of `d`'s user profiles sent to Google, saved as the request the tracker follows. */
async function issueWipe(
  directory: DeviceDirectory,
  requests: MemoryActionRequestStore,
  clock: ManualClock,
  d: FleetDevice,
): Promise<ActionRequest> {
  const commandId = await directory.issueCommand(d.deviceId, 'WIPE_USERS');
  const r = actionRequest(await requests.newId(), clock.now(), {
    action: 'wipeUsers',
    params: {},
    commandId,
    device: { id: d.deviceId, serialNumber: d.serialNumber },
  });
  await requests.save(r);
  return r;
}

describe('the tracker', () => {
  const clock = new ManualClock(START);
  const fleet = sandboxFleet(START).filter(
    (d) => d.status === 'ACTIVE' && !d.behaviour.kiosk && milestoneOf(d.osVersion) >= 113,
  );
  let google: GoogleEmulator;
  let directory: DeviceDirectory;
  let queue: MemoryJobQueue;
  let requests: MemoryActionRequestStore;
  let notifier: RecordingNotifier;
  let audit: MemoryAuditTrail;
  let tracker: ActionTracker;

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: sandboxFleet(START), clock });
    directory = trackerDirectory(google, clock);
  });
  afterAll(async () => {
    await google.close();
  });
  beforeEach(() => {
    ({ queue, requests, notifier, audit, tracker } = trackerRig(directory, clock));
  });
  afterEach(async () => {
    tracker.stop();
    await queue.close();
  });

  let next = 0;
  const device = (connectivity: 'online' | 'offline') => {
    const d = fleet[next++];
    google.setBehaviour(d.deviceId, { connectivity });
    return d;
  };

  const issued = (connectivity: 'online' | 'offline') => issueWipe(directory, requests, clock, device(connectivity));

  it('resumes the requests left unfinished in the store, and takes them to Done', async () => {
    const r = await issued('online');
    clock.advance(10_000);
    expect(await tracker.start()).toBe(1);
    await until(() => notifier.ends.length === 1);
    const done = await requests.get(r.id);
    expect(done?.state).toBe('Done');
    expect(notifier.ends[0].id).toBe(r.id);
    expect((await audit.latest({ tenantId: 't1' }))[0]).toMatchObject({
      action: 'wipeUsers',
      outcome: 'succeeded',
      requestId: r.id,
    });
  });

  it('keeps polling through Google errors', async () => {
    const r = await issued('online');
    await tracker.start();
    google.forceErrors(3, 'backendError');
    await new Promise((res) => setTimeout(res, 100));
    clock.advance(10_000);
    // At least one, then exactly one: a second closing message fails here rather than as a timeout.
    await until(() => notifier.ends.length >= 1);
    expect(notifier.ends).toHaveLength(1);
    expect((await requests.get(r.id))?.state).toBe('Done');
  });

  it('past the ceiling: Unknown, with what to check', async () => {
    const r = await issued('offline');
    await tracker.start();
    await new Promise((res) => setTimeout(res, 50));
    clock.advance(3_600_000);
    await until(() => notifier.ends.length === 1);
    const end = await requests.get(r.id);
    expect(end?.state).toBe('Unknown');
    expect(end?.error).toContain(r.commandId);
    expect(end?.error).toContain('Google Admin console');
  });

  it('a status change is Done once the device shows it', async () => {
    const d = device('online');
    const [result] = await directory.batchChangeStatus([d.deviceId], 'DISABLE');
    expect(result.ok).toBe(true);
    const r = actionRequest(await requests.newId(), clock.now(), {
      action: 'lostMode.on',
      params: {},
      state: 'Sent',
      device: { id: d.deviceId, serialNumber: d.serialNumber },
    });
    await requests.save(r);
    await tracker.start();
    await until(() => notifier.ends.length === 1);
    expect((await requests.get(r.id))?.state).toBe('Done');
  });

  it('a request whose next poll was lost is picked up by the periodic sweep', async () => {
    await tracker.start();
    // Saved with no job queued, as if the job had been lost.
    const r = await issued('online');
    clock.advance(10_000);
    await until(() => notifier.ends.length === 1);
    expect((await requests.get(r.id))?.state).toBe('Done');
  });

  it('two copies of one poll running at once announce the end once', async () => {
    const r = await issued('online');
    clock.advance(10_000);
    await Promise.all([tracker.poll(r.id, 0), tracker.poll(r.id, 0)]);
    expect(notifier.ends).toHaveLength(1);
    expect((await audit.latest({ tenantId: 't1' })).filter((e) => e.requestId === r.id)).toHaveLength(1);
    expect((await requests.get(r.id))?.state).toBe('Done');
  });

  it('a stale or duplicate poll changes nothing', async () => {
    const r = await issued('online');
    clock.advance(10_000);
    await tracker.poll(r.id, 5);
    expect((await requests.get(r.id))?.state).toBe('Pending');
    expect(notifier.changes).toHaveLength(0);
  });
});

describe('the tracker, with the sweep coming while a poll waits for Google', () => {
  it('polls a request once at a time, so its end is announced once', async () => {
    const clock = new ManualClock(START);
    // Each answer takes 40 ms and the sweep comes every 5 ms: it finds every poll still waiting.
    const google = await startGoogleEmulator({ devices: sandboxFleet(START), clock, latencyMs: 40 });
    const directory = trackerDirectory(google, clock);
    const { queue, requests, notifier, tracker } = trackerRig(directory, clock, {
      maxPollIntervalMs: 10,
      sweepIntervalMs: 5,
    });
    try {
      const d = sandboxFleet(START).find((x) => x.status === 'ACTIVE' && !x.behaviour.kiosk)!;
      google.setBehaviour(d.deviceId, { connectivity: 'online' });
      await issueWipe(directory, requests, clock, d);
      google.resetStats();
      await tracker.start();
      await new Promise((res) => setTimeout(res, 200));
      const polled = google.stats().requests;
      clock.advance(10_000);
      await until(() => notifier.ends.length >= 1);
      // Let any second copy of the last poll finish and announce too.
      await new Promise((res) => setTimeout(res, 200));
      expect(notifier.ends).toHaveLength(1);
      // One poll at a time: no more than one answer per 40 ms in the 200 ms before the clock moved.
      expect(polled).toBeLessThanOrEqual(6);
    } finally {
      tracker.stop();
      await queue.close();
      await google.close();
    }
  });
});
