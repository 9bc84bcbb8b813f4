import { systemClock, type Clock } from '../clock';
import { buildRecord, matchesQuery } from './build-record';
import { verifyChain } from './verify-chain';
import {
  DEFAULT_LATEST_LIMIT,
  GENESIS_HASH,
  MAX_LATEST_LIMIT,
  type AuditEntry,
  type AuditQuery,
  type AuditRecord,
  type AuditTrail,
  type AuditVerifyResult,
} from './types';

/** In-process trail for the sandbox and tests. Records are kept as JSON so callers can't mutate them. */
export class MemoryAuditTrail implements AuditTrail {
  private readonly records: string[] = [];
  private head = { seq: 0, hash: GENESIS_HASH };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly clock: Clock = systemClock) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    // Appends run one after another so each sees the previous hash, even if callers don't await.
    const next = this.queue.then(() => {
      const record = buildRecord(entry, this.head.seq + 1, this.head.hash, new Date(this.clock.now()).toISOString());
      this.records.push(JSON.stringify(record));
      this.head = { seq: record.seq, hash: record.hash };
      return record;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async latest(query: AuditQuery): Promise<AuditRecord[]> {
    const limit = clampLimit(query.limit);
    const out: AuditRecord[] = [];
    for (let i = this.records.length - 1; i >= 0 && out.length < limit; i--) {
      const record = JSON.parse(this.records[i]) as AuditRecord;
      if (matchesQuery(record, query)) out.push(record);
    }
    return out;
  }

  async *all(tenantId?: string): AsyncIterable<AuditRecord> {
    for (let i = 0; i < this.records.length; i++) {
      const record = JSON.parse(this.records[i]) as AuditRecord;
      if (tenantId === undefined || record.tenantId === tenantId) yield record;
    }
  }

  verify(): Promise<AuditVerifyResult> {
    const items = this.records.map((text) => ({ record: JSON.parse(text) as AuditRecord }));
    return verifyChain(items, this.head);
  }
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LATEST_LIMIT;
  return Math.max(1, Math.min(MAX_LATEST_LIMIT, Math.floor(limit)));
}
