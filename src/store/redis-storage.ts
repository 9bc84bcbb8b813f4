import type { Storage, StoreItems } from 'botbuilder';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

export interface RedisStorageOptions {
  /** Prepended to every key, so several apps or test suites can share one Redis. */
  prefix: string;
  /** Expire items this many seconds after their last write; none by default. */
  ttlSeconds?: number;
}

/*
 * Each item is a hash { e: eTag, v: JSON of the item including its eTag }. The eTag lives in its
 * own field so the compare-and-set never has to parse JSON inside Redis.
 *
 * One script call writes the whole batch, key by key, with MemoryStorage's rules:
 * - no stored item, or eTag missing/empty/'*': overwrite;
 * - otherwise write only if the eTag equals the stored one.
 * A conflicting key is skipped and later keys are still written (MemoryStorage's forEach goes on
 * after rejecting); the first conflicting key is returned so the caller can raise the same error.
 */
const WRITE_SCRIPT = `
local ttl = tonumber(ARGV[1])
local conflict = false
for i, key in ipairs(KEYS) do
  local base = 1 + (i - 1) * 3
  local expected = ARGV[base + 1]
  local newTag = ARGV[base + 2]
  local json = ARGV[base + 3]
  local stored = redis.call('HGET', key, 'e')
  if stored == false or expected == '' or expected == '*' or expected == stored then
    redis.call('HSET', key, 'e', newTag, 'v', json)
    if ttl > 0 then redis.call('EXPIRE', key, ttl) end
  elseif conflict == false then
    conflict = i
  end
end
if conflict == false then return 0 end
return conflict
`;

type ScriptRedis = Redis & {
  deskStorageWrite(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** A botbuilder Storage over Redis with MemoryStorage's optimistic-concurrency behaviour. */
export class RedisStorage implements Storage {
  private readonly redis: ScriptRedis;
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(redis: Redis, options: RedisStorageOptions) {
    this.prefix = options.prefix;
    this.ttlSeconds = Math.max(0, Math.floor(options.ttlSeconds ?? 0));
    if (typeof (redis as unknown as Record<string, unknown>).deskStorageWrite !== 'function') {
      redis.defineCommand('deskStorageWrite', { lua: WRITE_SCRIPT });
    }
    this.redis = redis as ScriptRedis;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hget(this.prefix + key, 'v');
    const results = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const [err, value] = results[i] ?? [null, null];
      if (err) throw err;
      if (typeof value === 'string') items[key] = JSON.parse(value);
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const args: string[] = [String(this.ttlSeconds)];
    for (const key of keys) {
      const item = changes[key];
      const expected = typeof item?.eTag === 'string' ? item.eTag : '';
      // A fresh random tag per write: unique across instances without a shared counter.
      const eTag = randomUUID();
      args.push(expected, eTag, JSON.stringify({ ...item, eTag }));
    }
    const conflict = await this.redis.deskStorageWrite(keys.length, ...keys.map((k) => this.prefix + k), ...args);
    if (conflict > 0) {
      throw new Error(`Storage: error writing "${keys[conflict - 1]}" due to eTag conflict.`);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys || keys.length === 0) return;
    await this.redis.del(...keys.map((k) => this.prefix + k));
  }
}
