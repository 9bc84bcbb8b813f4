/**
 * Per-tenant settings that admins change from chat: where the help desk and on-call channels
 * are. Kept apart from the access file because they change at run time.
 */
import type Redis from 'ioredis';
import type { ConversationReference } from 'botbuilder';

export interface ChannelRef {
  /** What the bot needs to post there later (TurnContext.getConversationReference). */
  conversationReference: Partial<ConversationReference>;
  /** Shown to people, e.g. "IT Help Desk › General". */
  name?: string;
  /** UPN or Teams id of whoever registered it, and when. */
  setBy: string;
  setAt: string;
}

export interface TenantSettings {
  helpdeskChannel?: ChannelRef;
  onCallChannel?: ChannelRef;
}

export interface TenantSettingsStore {
  get(tenantId: string): Promise<TenantSettings>;
  /** Merges the given fields; a field set to undefined is removed. */
  update(tenantId: string, patch: Partial<TenantSettings>): Promise<TenantSettings>;
}

function merge(current: TenantSettings, patch: Partial<TenantSettings>): TenantSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return JSON.parse(JSON.stringify(next)) as TenantSettings;
}

export class MemoryTenantSettingsStore implements TenantSettingsStore {
  private readonly tenants = new Map<string, TenantSettings>();

  async get(tenantId: string): Promise<TenantSettings> {
    return JSON.parse(JSON.stringify(this.tenants.get(tenantId) ?? {})) as TenantSettings;
  }

  async update(tenantId: string, patch: Partial<TenantSettings>): Promise<TenantSettings> {
    const next = merge(this.tenants.get(tenantId) ?? {}, patch);
    this.tenants.set(tenantId, next);
    return this.get(tenantId);
  }
}

/** One hash per tenant, a field per setting, so two admins changing different settings never clash. */
export class RedisTenantSettingsStore implements TenantSettingsStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(tenantId: string): string {
    return `${this.prefix}settings:${encodeURIComponent(tenantId)}`;
  }

  async get(tenantId: string): Promise<TenantSettings> {
    const fields = await this.redis.hgetall(this.key(tenantId));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = JSON.parse(v);
    return out as TenantSettings;
  }

  async update(tenantId: string, patch: Partial<TenantSettings>): Promise<TenantSettings> {
    const multi = this.redis.multi();
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) multi.hdel(this.key(tenantId), field);
      else multi.hset(this.key(tenantId), field, JSON.stringify(value));
    }
    await multi.exec();
    return this.get(tenantId);
  }
}

export function createTenantSettingsStore(options: { redis?: Redis; prefix: string }): TenantSettingsStore {
  return options.redis ? new RedisTenantSettingsStore(options.redis, options.prefix) : new MemoryTenantSettingsStore();
}
