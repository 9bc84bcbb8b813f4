import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { refused } from './memory-turn-limiter';
import { WINDOW_MS, type TurnKey, type TurnLimiter, type TurnLimits, type TurnVerdict } from './types';

/*
 * Both buckets are read, refilled and (when both have room) drawn from in one script, so every
 * instance sees the same counts and a turn is never half-counted. Each bucket is a hash
 * { t: tokens, at: ms } that expires once it would be full again anyway.
 * KEYS: person bucket, tenant bucket. ARGV: now, person per minute, tenant per minute, window.
 * Returns { 1 } or { 0, 'person' | 'tenant', tokens left (as a string: Lua numbers are truncated) }.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[4])
local function level(key, cap)
  local v = redis.call('HMGET', key, 't', 'at')
  if not v[1] then return cap end
  return math.min(cap, tonumber(v[1]) + (now - tonumber(v[2])) * cap / window)
end
local person = level(KEYS[1], tonumber(ARGV[2]))
local tenant = level(KEYS[2], tonumber(ARGV[3]))
if person < 1 then return {0, 'person', tostring(person)} end
if tenant < 1 then return {0, 'tenant', tostring(tenant)} end
redis.call('HSET', KEYS[1], 't', tostring(person - 1), 'at', ARGV[1])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('HSET', KEYS[2], 't', tostring(tenant - 1), 'at', ARGV[1])
redis.call('PEXPIRE', KEYS[2], window)
return {1}
`;

type ScriptRedis = Redis & {
  deskTurnTake(numKeys: number, ...args: string[]): Promise<[number, ('person' | 'tenant')?, string?]>;
};

const part = (value: string) => encodeURIComponent(value);

/** Buckets shared by every instance on one Redis: a person can't dodge the limit by load balancing. */
export class RedisTurnLimiter implements TurnLimiter {
  private readonly redis: ScriptRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly limits: TurnLimits,
    private readonly clock: Clock,
  ) {
    if (typeof (redis as unknown as Record<string, unknown>).deskTurnTake !== 'function')
      redis.defineCommand('deskTurnTake', { lua: TAKE_SCRIPT });
    this.redis = redis as ScriptRedis;
  }

  async take(key: TurnKey): Promise<TurnVerdict> {
    const t = part(key.tenantId);
    const [ok, limitedBy, tokens] = await this.redis.deskTurnTake(
      2,
      `${this.prefix}p:${t}:${part(key.personId)}`,
      `${this.prefix}t:${t}`,
      String(this.clock.now()),
      String(this.limits.personPerMinute),
      String(this.limits.tenantPerMinute),
      String(WINDOW_MS),
    );
    if (ok === 1) return { allowed: true };
    const by = limitedBy === 'tenant' ? 'tenant' : 'person';
    return refused(by, Number(tokens), by === 'tenant' ? this.limits.tenantPerMinute : this.limits.personPerMinute);
  }
}
