/**
 * macOS recovery PINs of remote locks, kept encrypted (AES-256-GCM) for 30 days so that whoever
 * holds Remote tasks/Remote lock can read one back for the user at the locked Mac. A PIN that is
 * still unused is never overwritten: a second lock would leave the Mac asking for a PIN nobody has.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { Clock } from '../clock';
import { parseKey32 } from '../secret-key';

export const PIN_RETENTION_MS = 30 * 86_400_000;

/** Who was given a PIN and for what; never the PIN itself. */
export interface PinRecord {
  tenantId: string;
  deviceId: string;
  serialNumber: string;
  /** The action request that locked the device. */
  requestId: string;
  issuedTo: { teamsId: string; name: string; upn?: string };
  issuedAt: number;
  expiresAt: number;
  /** Set once someone says the Mac was unlocked with it; a used PIN no longer blocks a new lock. */
  usedAt?: number;
}

export interface PinVault {
  /**
   * Keeps the PIN unless the device already has one that is unused and unexpired. Resolves true
   * when it was stored. Atomic across instances.
   */
  put(record: PinRecord, pin: string): Promise<boolean>;
  /** The record of the device's live PIN (unexpired), without decrypting anything. */
  info(tenantId: string, deviceId: string): Promise<PinRecord | undefined>;
  /** The device's live PIN, decrypted. */
  read(tenantId: string, deviceId: string): Promise<{ record: PinRecord; pin: string } | undefined>;
  /** Resolves false when there is no live PIN for the device. */
  markUsed(tenantId: string, deviceId: string): Promise<boolean>;
  /** Drops the device's PIN if it came from that request (its lock failed: the Mac never asks for it). */
  discard(tenantId: string, deviceId: string, requestId: string): Promise<boolean>;
}

/** PIN_ENCRYPTION_KEY: 32 bytes as 64 hex digits or base64. Undefined when it is not that. */
export function parsePinKey(text: string | undefined): Buffer | undefined {
  return parseKey32(text);
}

/**
 * AES-256-GCM with a fresh IV per PIN. The tenant and device are bound in as associated data, so
 * a ciphertext copied onto another device's record does not decrypt.
 */
export class PinCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The PIN encryption key must be 32 bytes.');
  }

  seal(pin: string, tenantId: string, deviceId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${tenantId}\u0000${deviceId}`));
    const data = Buffer.concat([cipher.update(pin, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join('.');
  }

  open(sealed: string, tenantId: string, deviceId: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unreadable sealed PIN');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(`${tenantId}\u0000${deviceId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}

interface Stored {
  record: PinRecord;
  sealed: string;
}

const blocks = (r: PinRecord, now: number) => r.usedAt === undefined && r.expiresAt > now;

export class MemoryPinVault implements PinVault {
  private readonly items = new Map<string, Stored>();

  constructor(
    private readonly cipher: PinCipher,
    private readonly clock: Clock,
  ) {}

  private key(tenantId: string, deviceId: string): string {
    return `${tenantId}\u0000${deviceId.toLowerCase()}`;
  }

  private live(tenantId: string, deviceId: string): Stored | undefined {
    const key = this.key(tenantId, deviceId);
    const s = this.items.get(key);
    if (s && s.record.expiresAt <= this.clock.now()) {
      this.items.delete(key);
      return undefined;
    }
    return s;
  }

  async put(record: PinRecord, pin: string): Promise<boolean> {
    const existing = this.live(record.tenantId, record.deviceId);
    if (existing && blocks(existing.record, this.clock.now())) return false;
    this.items.set(this.key(record.tenantId, record.deviceId), {
      record: structuredClone(record),
      sealed: this.cipher.seal(pin, record.tenantId, record.deviceId),
    });
    return true;
  }

  async info(tenantId: string, deviceId: string): Promise<PinRecord | undefined> {
    const s = this.live(tenantId, deviceId);
    return s && structuredClone(s.record);
  }

  async read(tenantId: string, deviceId: string): Promise<{ record: PinRecord; pin: string } | undefined> {
    const s = this.live(tenantId, deviceId);
    return s && { record: structuredClone(s.record), pin: this.cipher.open(s.sealed, tenantId, deviceId) };
  }

  async markUsed(tenantId: string, deviceId: string): Promise<boolean> {
    const s = this.live(tenantId, deviceId);
    if (!s) return false;
    s.record.usedAt ??= this.clock.now();
    return true;
  }

  async discard(tenantId: string, deviceId: string, requestId: string): Promise<boolean> {
    const s = this.live(tenantId, deviceId);
    if (!s || s.record.requestId !== requestId) return false;
    return this.items.delete(this.key(tenantId, deviceId));
  }
}

// KEYS[1] the PIN, KEYS[2] its "used" marker; ARGV: value, now, ttl ms.
const PUT_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v and redis.call('EXISTS', KEYS[2]) == 0 then
  local o = cjson.decode(v)
  if tonumber(o.record.expiresAt) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('DEL', KEYS[2])
return 1`;

// KEYS[1] the PIN, KEYS[2] its "used" marker; ARGV: the request id whose PIN may go.
const DISCARD_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if cjson.decode(v).record.requestId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`;

// KEYS[1] the PIN, KEYS[2] its "used" marker; ARGV: now.
const USED_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl, 'NX')
return 1`;

/** One key per device PIN (sealed), expiring with it, and a marker key once it was used. */
export class RedisPinVault implements PinVault {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cipher: PinCipher,
    private readonly clock: Clock,
  ) {}

  private keys(tenantId: string, deviceId: string): [string, string] {
    const id = `${tenantId}:${deviceId.toLowerCase()}`;
    return [`${this.prefix}pin:${id}`, `${this.prefix}pin-used:${id}`];
  }

  private async live(tenantId: string, deviceId: string): Promise<Stored | undefined> {
    const [raw, used] = await this.redis.mget(...this.keys(tenantId, deviceId));
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Stored;
    // The key's TTL runs on Redis's time; the clock decides for the bot.
    if (s.record.expiresAt <= this.clock.now()) return undefined;
    if (used) s.record.usedAt = Number(used);
    return s;
  }

  async put(record: PinRecord, pin: string): Promise<boolean> {
    const now = this.clock.now();
    const value = JSON.stringify({
      record: { ...record, usedAt: undefined },
      sealed: this.cipher.seal(pin, record.tenantId, record.deviceId),
    } satisfies Stored);
    const ttl = Math.max(1000, record.expiresAt - now);
    const stored = await this.redis.eval(
      PUT_SCRIPT,
      2,
      ...this.keys(record.tenantId, record.deviceId),
      value,
      String(now),
      String(ttl),
    );
    return stored === 1;
  }

  async info(tenantId: string, deviceId: string): Promise<PinRecord | undefined> {
    return (await this.live(tenantId, deviceId))?.record;
  }

  async read(tenantId: string, deviceId: string): Promise<{ record: PinRecord; pin: string } | undefined> {
    const s = await this.live(tenantId, deviceId);
    return s && { record: s.record, pin: this.cipher.open(s.sealed, tenantId, deviceId) };
  }

  async markUsed(tenantId: string, deviceId: string): Promise<boolean> {
    if (!(await this.live(tenantId, deviceId))) return false;
    return (await this.redis.eval(USED_SCRIPT, 2, ...this.keys(tenantId, deviceId), String(this.clock.now()))) === 1;
  }

  async discard(tenantId: string, deviceId: string, requestId: string): Promise<boolean> {
    return (await this.redis.eval(DISCARD_SCRIPT, 2, ...this.keys(tenantId, deviceId), requestId)) === 1;
  }
}

/** In Redis when a connection is given (shared by every instance), else in memory. */
export function createPinVault(options: { key: Buffer; clock: Clock; redis?: Redis; prefix: string }): PinVault {
  const cipher = new PinCipher(options.key);
  return options.redis
    ? new RedisPinVault(options.redis, `${options.prefix}pins:`, cipher, options.clock)
    : new MemoryPinVault(cipher, options.clock);
}
