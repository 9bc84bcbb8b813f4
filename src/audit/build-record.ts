import { InvalidInput } from '../errors';
import { computeRecordMac } from './canonical-json';
import { scrubDetail } from './scrub-detail';
import type { AuditActor, AuditEntry, AuditRecord, AuditTarget } from './types';

const TARGET_KINDS = new Set(['device', 'user', 'connection', 'request']);

function need(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInput(`Audit entry needs ${name}.`);
  return value;
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Copies only the known fields of an entry (so stray properties can't smuggle data into the
 * trail), checks the required ones, scrubs detail, and seals it with seq, time and its MAC.
 */
export function buildRecord(
  entry: AuditEntry,
  link: { seq: number; prevMac: string; time: string },
  macKey: Buffer,
): AuditRecord {
  const { seq, prevMac, time } = link;
  const actor: AuditActor = {
    teamsId: need(entry.actor?.teamsId, 'actor.teamsId'),
    aadObjectId: optional(entry.actor.aadObjectId),
    upn: optional(entry.actor.upn),
    name: optional(entry.actor.name),
  };
  let target: AuditTarget | undefined;
  if (entry.target) {
    if (!TARGET_KINDS.has(entry.target.kind))
      throw new InvalidInput(`Unknown audit target kind "${entry.target.kind}".`);
    target = { kind: entry.target.kind, id: need(entry.target.id, 'target.id'), label: optional(entry.target.label) };
  }
  const body: Omit<AuditRecord, 'mac'> = {
    seq,
    time,
    actor,
    tenantId: need(entry.tenantId, 'tenantId'),
    action: need(entry.action, 'action'),
    target,
    reason: optional(entry.reason),
    requestId: optional(entry.requestId),
    outcome: need(entry.outcome, 'outcome') as AuditRecord['outcome'],
    detail: scrubDetail(entry.detail),
    prevMac,
  };
  // Drop undefined members so the stored JSON and the in-memory record are identical.
  const record = JSON.parse(JSON.stringify(body)) as Omit<AuditRecord, 'mac'>;
  return { ...record, mac: computeRecordMac(record, macKey) };
}

/** Whether a record matches a `latest` query's filters (tenant, target, actor). */
export function matchesQuery(
  record: AuditRecord,
  query: { tenantId: string; targetId?: string; actorId?: string; actorUpn?: string },
): boolean {
  if (record.tenantId !== query.tenantId) return false;
  if (query.targetId !== undefined && record.target?.id !== query.targetId) return false;
  if (
    query.actorId !== undefined &&
    record.actor.teamsId !== query.actorId &&
    record.actor.aadObjectId !== query.actorId
  ) {
    return false;
  }
  if (query.actorUpn !== undefined && record.actor.upn?.toLowerCase() !== query.actorUpn.toLowerCase()) return false;
  return true;
}
