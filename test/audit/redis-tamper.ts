import { createHash, createHmac } from 'node:crypto';
import type Redis from 'ioredis';
import { canonicalJson, type AuditRecord, type RedisAuditTrail } from '../../src/audit';

export type StreamEntry = [id: string, fields: string[]];

/**
 * Simulates someone with write access to Redis: streams can't be edited in place, so the whole
 * stream is read, changed, and written back under the same ids. Head and indexes are untouched.
 */
export async function rewriteStream(
  redis: Redis,
  key: string,
  change: (entries: StreamEntry[]) => StreamEntry[],
): Promise<void> {
  const entries = (await redis.xrange(key, '-', '+')) as StreamEntry[];
  const changed = change(entries.map(([id, fields]) => [id, [...fields]]));
  await redis.del(key);
  for (const [id, fields] of changed) await redis.xadd(key, id, ...fields);
}

export const recordOf = (entry: StreamEntry): AuditRecord => JSON.parse(entry[1][entry[1].indexOf('rec') + 1]);
export const withRecord = (entry: StreamEntry, record: unknown): StreamEntry => [
  entry[0],
  ['rec', JSON.stringify(record)],
];

type Body = Omit<AuditRecord, 'mac'>;
/** How an attacker without AUDIT_MAC_KEY re-seals a record: a plain hash, or a MAC under a key of their own. */
export const plainHash = (body: Body) => createHash('sha256').update(canonicalJson(body)).digest('hex');
export const macUnder = (key: Buffer) => (body: Body) =>
  createHmac('sha256', key).update(canonicalJson(body)).digest('hex');

/**
 * Edits record `seq` and re-seals it and every later record, each linked to the one before, then
 * points the head at the new last record: the whole rewrite a plain hash chain can't tell from
 * the original.
 */
export async function rewriteAndRechain(
  redis: Redis,
  trail: RedisAuditTrail,
  seq: number,
  edit: (record: AuditRecord) => AuditRecord,
  seal: (body: Body) => string,
): Promise<void> {
  let prevMac: string | undefined;
  await rewriteStream(redis, trail.streamKey, (entries) =>
    entries.map((e) => {
      const record = recordOf(e);
      if (record.seq < seq) return e;
      const { mac: _old, ...body } = record.seq === seq ? edit(record) : record;
      const relinked = { ...body, prevMac: prevMac ?? body.prevMac };
      const resealed = { ...relinked, mac: seal(relinked) };
      prevMac = resealed.mac;
      return withRecord(e, resealed);
    }),
  );
  const last = recordOf(((await redis.xrevrange(trail.streamKey, '+', '-', 'COUNT', 1)) as StreamEntry[])[0]);
  await redis.hset(trail.headKey, 'seq', String(last.seq), 'mac', last.mac);
}

/** Deletes every record after `keep` and points the head at record `keep`: a tidy cut of the tail. */
export async function cutTail(redis: Redis, trail: RedisAuditTrail, keep: number): Promise<void> {
  // Rebuilt rather than XDELed, so the stream accepts appends at the freed ids again.
  await rewriteStream(redis, trail.streamKey, (entries) => entries.filter((e) => recordOf(e).seq <= keep));
  const [kept] = (await redis.xrange(trail.streamKey, `${keep}-0`, `${keep}-0`)) as StreamEntry[];
  await redis.hset(trail.headKey, 'seq', String(keep), 'mac', recordOf(kept).mac);
}
