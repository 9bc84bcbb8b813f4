/**
 * The audit trail stores stable action ids (`powerwash`, `lostMode.off`, `bulk.reboot`); people read
 * the names on the buttons and plain verbs. Only the words change here: the trail keeps its ids.
 */
import type { AuditRecord } from '../src/audit';
import type { DeviceAction } from '../src/actions';

const OTHER_ACTIONS: Record<string, string> = {
  'access.denied': 'Access',
  'remoteLock.pin': 'Recovery PIN',
  'lost.report': 'Lost-device report',
  'lost.file': 'Lost-device report',
  'lost.acknowledge': 'Report acknowledged',
  'lost.resolve': 'Report resolved',
  'lost.escalate': 'On-call paged',
  'lost.action': 'Action on a reported device',
  'connector.connect': 'Connect to Google',
  'connector.delete': 'Delete the Google connection',
  'connector.sync': 'Sync from Google',
  'connector.setup': 'Google connection set-up',
  'settings.update': 'Settings changed',
};

/** "Factory reset", "Bulk restart", "Recovery PIN", else the id made readable. */
export function actionWords(action: string, catalogue: readonly DeviceAction[]): string {
  const label = (id: string) => catalogue.find((a) => a.id === id)?.label;
  if (action.startsWith('bulk.')) {
    const inner = label(action.slice(5));
    if (inner) return `Bulk ${inner.charAt(0).toLowerCase()}${inner.slice(1)}`;
  }
  return label(action) ?? OTHER_ACTIONS[action] ?? readable(action);
}

function readable(id: string): string {
  const words = id
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\./g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * "confirmed" for a requester's own confirmation, "approved" only for a second person's;
 * a bulk run's end as its counts, not one word for twenty devices.
 */
export function outcomeWords(r: AuditRecord): string {
  const detail = (r.detail ?? {}) as Record<string, unknown>;
  // The requester confirming (or starting) their own request is not an approval.
  if (r.outcome === 'approved' && (detail.step === 'executed' || detail.step === 'confirm')) return 'confirmed';
  if (r.outcome === 'approved' && detail.step === 'started') return 'started';
  if (detail.step === 'finished' && typeof detail.done === 'number') {
    const counts = (['done', 'failed', 'unknown', 'skipped'] as const)
      .filter((k) => typeof detail[k] === 'number' && (detail[k] as number) > 0)
      .map((k) => `${detail[k]} ${k}`);
    return `finished: ${counts.join(', ') || 'nothing to do'}`;
  }
  return r.outcome;
}
