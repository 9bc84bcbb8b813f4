import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock';
import { buildRecord, matchesQuery } from './build-record';
import { verifyChain } from './verify-chain';
import {
  DEFAULT_LATEST_LIMIT,
  GENESIS_MAC,
  MAX_LATEST_LIMIT,
  type AuditEntry,
  type AuditHead,
  type AuditQuery,
  type AuditRecord,
  type AuditTrail,
  type AuditVerifyOptions,
  type AuditVerifyResult,
} from './types';

export interface MemoryAuditTrailOptions {
  /** Default: a random key of this process, since nothing outlives it to be verified later. */
  macKey?: Buffer;
  /** The chain's name in checkpoints; default "memory". */
  chain?: string;
}

/** In-process trail for the sandbox and tests. Records are kept as JSON so callers can't mutate them. */
export class MemoryAuditTrail implements AuditTrail {
  private readonly records: string[] = [];
  private last: AuditHead = { seq: 0, mac: GENESIS_MAC };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly macKey: Buffer;
  readonly chain: string;

  constructor(
    private readonly clock: Clock = systemClock,
    options: MemoryAuditTrailOptions = {},
  ) {
    this.macKey = options.macKey ?? randomBytes(32);
    this.chain = options.chain ?? 'memory';
  }

  append(entry: AuditEntry): Promise<AuditRecord> {
    // Appends run one after another so each sees the previous MAC, even if callers don't await.
    const next = this.queue.then(() => {
      const time = new Date(this.clock.now()).toISOString();
      const record = buildRecord(entry, { seq: this.last.seq + 1, prevMac: this.last.mac, time }, this.macKey);
      this.records.push(JSON.stringify(record));
      this.last = { seq: record.seq, mac: record.mac };
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

  async head(): Promise<AuditHead | null> {
    return this.last.seq === 0 ? null : { ...this.last };
  }

  verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
    const items = this.records.map((text) => ({ record: JSON.parse(text) as AuditRecord }));
    return verifyChain(items, this.last, { ...options, macKey: this.macKey, chain: this.chain });
  }
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LATEST_LIMIT;
  return Math.max(1, Math.min(MAX_LATEST_LIMIT, Math.floor(limit)));
}
