import type { AuditTrail } from '../../src/audit';
import type { ActionRequestStore } from '../../src/actions/request-store';
import { ActionTracker, type RequestNotifier, type TrackingSettings } from '../../src/actions/tracker';
import type { ActionRequest } from '../../src/actions/types';
import type { Clock } from '../../src/clock';
import type { DeviceDirectory } from '../../src/directory/types';
import { silentLogger } from '../../src/log';
import type { JobQueue } from '../../src/store/job-queue';

/** Records what the requester would be told, as it was when told. */
export class RecordingNotifier implements RequestNotifier {
  changes: ActionRequest[] = [];
  ends: ActionRequest[] = [];
  async changed(r: ActionRequest) {
    this.changes.push(structuredClone(r));
  }
  async finished(r: ActionRequest) {
    this.ends.push(structuredClone(r));
  }
}

/** What a tracker under test works with. */
export interface TrackerParts {
  directory: DeviceDirectory;
  requests: ActionRequestStore;
  queue: JobQueue;
  clock: Clock;
  audit: AuditTrail;
  notifier: RequestNotifier;
}

/** A tracker polling every 10–20 ms, with an hour's ceiling and the sweep every 100 ms unless told. */
export function fastTracker(parts: TrackerParts, settings: Partial<TrackingSettings> = {}): ActionTracker {
  const { directory, ...rest } = parts;
  return new ActionTracker({
    ...rest,
    google: () => directory,
    logger: silentLogger,
    settings: { pollIntervalMs: 10, maxPollIntervalMs: 20, ceilingMs: 3_600_000, sweepIntervalMs: 100, ...settings },
  });
}
