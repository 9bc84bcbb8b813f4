import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { jsonCopy } from './json-copy';
import type {
  DeleteConfirmationStore,
  Connection,
  ConnectionChange,
  ConnectionStore,
  DeleteConfirmation,
  LockHandle,
  SyncLock,
} from './types';

/** Keys under `${prefix}connector:`; the prefix is shared with the rest of the app (e.g. desk:). */
function keys(prefix: string) {
  const base = `${prefix}connector:`;
  return {
    connection: (tenantId: string) => `${base}connection:${tenantId}`,
    tenants: `${base}tenants`,
    lock: (key: string) => `${base}lock:${key}`,
    confirmation: (id: string) => `${base}confirmation:${id}`,
    used: (id: string) => `${base}confirmation-used:${id}`,
  };
}

// SET ... XX only writes a key that exists: an update never resurrects a deleted connection.
const UPDATE_IF_EXISTS = `
local current = redis.call('GET', KEYS[1])
if not current then return nil end
local merged = cjson.decode(current)
local change = cjson.decode(ARGV[1])
for k, v in pairs(change) do merged[k] = v end
for _, k in ipairs(cjson.decode(ARGV[2])) do merged[k] = nil end
local out = cjson.encode(merged)
redis.call('SET', KEYS[1], out)
return out`;

/** Connections shared by every instance. */
export class RedisConnectionStore implements ConnectionStore {
  private readonly k: ReturnType<typeof keys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.k = keys(prefix);
  }

  async get(tenantId: string): Promise<Connection | undefined> {
    const json = await this.redis.get(this.k.connection(tenantId));
    return json ? (JSON.parse(json) as Connection) : undefined;
  }

  async put(connection: Connection): Promise<void> {
    await this.redis
      .multi()
      .set(this.k.connection(connection.tenantId), JSON.stringify(connection))
      .sadd(this.k.tenants, connection.tenantId)
      .exec();
  }

  async update(tenantId: string, change: ConnectionChange): Promise<Connection | undefined> {
    const cleared = Object.keys(change).filter((k) => change[k as keyof ConnectionChange] === undefined);
    // Merged in Redis so that two writers' changes to different fields both survive.
    const out = (await this.redis.eval(
      UPDATE_IF_EXISTS,
      1,
      this.k.connection(tenantId),
      JSON.stringify(jsonCopy(change)),
      JSON.stringify(cleared),
    )) as string | null;
    return out ? (JSON.parse(out) as Connection) : undefined;
  }

  async delete(tenantId: string): Promise<boolean> {
    const res = await this.redis.multi().del(this.k.connection(tenantId)).srem(this.k.tenants, tenantId).exec();
    return Number(res?.[0]?.[1] ?? 0) > 0;
  }

  async tenants(): Promise<string[]> {
    return this.redis.smembers(this.k.tenants);
  }
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * SET NX PX lock: the token makes sure only the holder renews or releases it, and the expiry
 * frees it if the holder dies. A long sync renews it every third of the TTL.
 */
export class RedisSyncLock implements SyncLock {
  private readonly k: ReturnType<typeof keys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.k = keys(prefix);
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle | undefined> {
    const redisKey = this.k.lock(key);
    const token = randomUUID();
    const ok = await this.redis.set(redisKey, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    const timer = setInterval(
      () => {
        this.redis.eval(RENEW, 1, redisKey, token, String(ttlMs)).catch(() => undefined);
      },
      Math.max(10, Math.floor(ttlMs / 3)),
    );
    timer.unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await this.redis.eval(RELEASE, 1, redisKey, token);
      },
    };
  }
}

// Only a confirmation that exists can be used, and only once (SET NX is the single-use gate).
const MARK_USED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'NX') then return 1 end
return 0`;

export class RedisDeleteConfirmationStore implements DeleteConfirmationStore {
  private readonly k: ReturnType<typeof keys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.k = keys(prefix);
  }

  async put(confirmation: DeleteConfirmation, keepMs: number): Promise<void> {
    await this.redis.set(
      this.k.confirmation(confirmation.id),
      JSON.stringify(confirmation),
      'PX',
      Math.max(1, Math.round(keepMs)),
    );
  }

  async get(id: string): Promise<DeleteConfirmation | undefined> {
    const json = await this.redis.get(this.k.confirmation(id));
    return json ? (JSON.parse(json) as DeleteConfirmation) : undefined;
  }

  async markUsed(id: string, keepMs: number): Promise<boolean> {
    const first = await this.redis.eval(
      MARK_USED,
      2,
      this.k.confirmation(id),
      this.k.used(id),
      String(Math.max(1, Math.round(keepMs))),
    );
    return first === 1;
  }
}
