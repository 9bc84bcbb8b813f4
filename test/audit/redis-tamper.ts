import type Redis from 'ioredis';
import type { AuditRecord } from '../../src/audit';

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
