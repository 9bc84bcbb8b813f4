import type Redis from 'ioredis';
import { systemClock, type Clock } from '../clock';
import { buildRecord, matchesQuery } from './build-record';
import { clampLimit } from './memory-audit-trail';
import { verifyChain, type ChainItem } from './verify-chain';
import {
  GENESIS_MAC,
  type AuditHead,
  type AuditQuery,
  type AuditRecord,
  type AuditTrail,
  type AuditVerifyOptions,
  type AuditVerifyResult,
} from './types';

/*
 * Layout under the prefix:
 *   stream                 one entry per record, id "<seq>-0", field "rec" = record JSON
 *   head                   hash { seq, mac } of the last record: a cut tail shows against it
 *   idx:tenant:<t>         sorted sets of seqs (score = seq) for `latest`
 *   idx:target:<t>:<id>
 *   idx:actor:<t>:<id>     teamsId and aadObjectId
 *   idx:upn:<t>:<upn>      lower-cased
 *
 * The MAC key never reaches Redis, so the MAC is computed here and the script only appends if the
 * head is still the one the record was chained to (compare-and-append). A loser re-reads the
 * head and re-seals its record; the chain can't fork. In-process appends are also queued so an
 * instance never races itself.
 */
const APPEND_SCRIPT = `
local h = redis.call('HMGET', KEYS[2], 'seq', 'mac')
local seq = h[1] or '0'
local mac = h[2] or ARGV[1]
if seq ~= ARGV[2] or mac ~= ARGV[3] then return {0, seq, mac} end
redis.call('XADD', KEYS[1], ARGV[4] .. '-0', 'rec', ARGV[5])
redis.call('HSET', KEYS[2], 'seq', ARGV[4], 'mac', ARGV[6])
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], ARGV[4], ARGV[4]) end
return {1}
`;

const PAGE = 500;
const MAX_APPEND_ATTEMPTS = 100;

type ScriptRedis = Redis & {
  deskAuditAppend(numKeys: number, ...args: string[]): Promise<[number, string?, string?]>;
};

export interface RedisAuditTrailOptions {
  prefix: string;
  /** AUDIT_MAC_KEY: kept out of Redis, so whoever can write there can't re-seal records. */
  macKey: Buffer;
  clock?: Clock;
}

const part = (value: string) => encodeURIComponent(value);

export class RedisAuditTrail implements AuditTrail {
  private readonly redis: ScriptRedis;
  private readonly prefix: string;
  private readonly clock: Clock;
  private readonly macKey: Buffer;
  private cachedHead: AuditHead | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(redis: Redis, options: RedisAuditTrailOptions) {
    this.prefix = options.prefix;
    this.clock = options.clock ?? systemClock;
    this.macKey = options.macKey;
    if (typeof (redis as unknown as Record<string, unknown>).deskAuditAppend !== 'function')
      redis.defineCommand('deskAuditAppend', { lua: APPEND_SCRIPT });
    this.redis = redis as ScriptRedis;
  }

  get streamKey(): string {
    return `${this.prefix}stream`;
  }

  get headKey(): string {
    return `${this.prefix}head`;
  }

  /** The chain's name in checkpoints: its prefix. */
  get chain(): string {
    return this.prefix;
  }

  append(entry: Parameters<AuditTrail['append']>[0]): Promise<AuditRecord> {
    const next = this.queue.then(() => this.appendNow(entry));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async appendNow(entry: Parameters<AuditTrail['append']>[0]): Promise<AuditRecord> {
    let head = this.cachedHead ?? (await this.head()) ?? { seq: 0, mac: GENESIS_MAC };
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const time = new Date(this.clock.now()).toISOString();
      const record = buildRecord(entry, { seq: head.seq + 1, prevMac: head.mac, time }, this.macKey);
      const keys = [this.streamKey, this.headKey, ...this.indexKeys(record)];
      const args = [GENESIS_MAC, String(head.seq), head.mac, String(record.seq), JSON.stringify(record), record.mac];
      const [done, seq, mac] = await this.redis.deskAuditAppend(keys.length, ...keys, ...args);
      if (done === 1) {
        this.cachedHead = { seq: record.seq, mac: record.mac };
        return record;
      }
      head = { seq: Number(seq), mac: mac ?? GENESIS_MAC };
    }
    throw new Error(`Audit append lost the race ${MAX_APPEND_ATTEMPTS} times in a row.`);
  }

  private indexKeys(record: AuditRecord): string[] {
    const t = part(record.tenantId);
    const keys = [`${this.prefix}idx:tenant:${t}`];
    if (record.target) keys.push(`${this.prefix}idx:target:${t}:${part(record.target.id)}`);
    keys.push(`${this.prefix}idx:actor:${t}:${part(record.actor.teamsId)}`);
    if (record.actor.aadObjectId && record.actor.aadObjectId !== record.actor.teamsId) {
      keys.push(`${this.prefix}idx:actor:${t}:${part(record.actor.aadObjectId)}`);
    }
    if (record.actor.upn) keys.push(`${this.prefix}idx:upn:${t}:${part(record.actor.upn.toLowerCase())}`);
    return keys;
  }

  async head(): Promise<AuditHead | null> {
    return parseHead(await this.redis.hgetall(this.headKey));
  }

  async latest(query: AuditQuery): Promise<AuditRecord[]> {
    const limit = clampLimit(query.limit);
    const t = part(query.tenantId);
    // The most selective index; any remaining filters are applied to the records.
    const index =
      query.targetId !== undefined
        ? `${this.prefix}idx:target:${t}:${part(query.targetId)}`
        : query.actorId !== undefined
          ? `${this.prefix}idx:actor:${t}:${part(query.actorId)}`
          : query.actorUpn !== undefined
            ? `${this.prefix}idx:upn:${t}:${part(query.actorUpn.toLowerCase())}`
            : `${this.prefix}idx:tenant:${t}`;
    const out: AuditRecord[] = [];
    const page = Math.max(limit, 50);
    for (let start = 0; out.length < limit; start += page) {
      const seqs = await this.redis.zrevrange(index, start, start + page - 1);
      if (seqs.length === 0) break;
      for (const record of await this.loadSeqs(seqs)) {
        if (record && matchesQuery(record, query)) out.push(record);
        if (out.length === limit) break;
      }
      if (seqs.length < page) break;
    }
    return out;
  }

  private async loadSeqs(seqs: string[]): Promise<(AuditRecord | undefined)[]> {
    const pipeline = this.redis.pipeline();
    for (const seq of seqs) pipeline.xrange(this.streamKey, `${seq}-0`, `${seq}-0`);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, entries]) => {
      if (err) throw err;
      const entry = (entries as [string, string[]][])[0];
      const parsed = entry ? parseEntry(entry) : undefined;
      return parsed && 'record' in parsed ? parsed.record : undefined;
    });
  }

  async *all(tenantId?: string): AsyncIterable<AuditRecord> {
    for await (const item of this.entries('+')) {
      if ('record' in item && (tenantId === undefined || item.record.tenantId === tenantId)) yield item.record;
    }
  }

  /** Stream entries in order up to and including `end`. */
  private async *entries(end: string): AsyncIterable<ChainItem> {
    let start = '-';
    for (;;) {
      const batch = await this.redis.xrange(this.streamKey, start, end, 'COUNT', PAGE);
      for (const entry of batch) yield parseEntry(entry);
      if (batch.length < PAGE) return;
      start = `(${batch[batch.length - 1][0]}`;
    }
  }

  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
    // Head and last entry read together, so appends made during the walk are left out of it.
    const snapshot =
      (await this.redis.multi().hgetall(this.headKey).xrevrange(this.streamKey, '+', '-', 'COUNT', 1).exec()) ?? [];
    const [[headErr, headRaw] = [], [lastErr, lastRaw] = []] = snapshot;
    if (headErr) throw headErr;
    if (lastErr) throw lastErr;
    const head = parseHead(headRaw as Record<string, string>);
    const last = (lastRaw as [string, string[]][] | undefined)?.[0];
    const chain = { ...options, macKey: this.macKey, chain: this.chain };
    return verifyChain(last ? this.entries(last[0]) : [], head, chain);
  }
}

function parseHead(raw: Record<string, string> | null | undefined): AuditHead | null {
  if (!raw || raw.seq === undefined || raw.mac === undefined) return null;
  return { seq: Number(raw.seq), mac: raw.mac };
}

function parseEntry([id, fields]: [string, string[]]): ChainItem {
  const at = fields.indexOf('rec');
  const text = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  if (text === undefined) return { unreadable: `stream entry ${id} has no record` };
  try {
    const record = JSON.parse(text) as AuditRecord;
    if (!record || typeof record !== 'object' || typeof record.seq !== 'number' || typeof record.mac !== 'string') {
      return { unreadable: `stream entry ${id} is not a record` };
    }
    return { record };
  } catch {
    return { unreadable: `stream entry ${id} is not JSON` };
  }
}
