/**
 * Entra users and group membership through Graph, for resolving role assignments made to
 * groups. Membership is asked per user for just the groups the access file names, which is one
 * call for most tenants, and cached for a while because every chat turn needs it.
 */
import type { GroupMembership } from '../access';
import { systemClock, type Clock } from '../clock';
import type { GraphHttpClient } from './graph-http';

/** Graph accepts at most 20 group ids per checkMemberGroups call. */
export const CHECK_MEMBER_GROUPS_LIMIT = 20;

export interface GraphGroupMembershipOptions {
  clock?: Clock;
  /** How long an answer is trusted; a removed member keeps the role at most this long. */
  ttlMs?: number;
  /** Users kept in the cache; the least recently asked about are dropped first. */
  maxUsers?: number;
}

interface CachedAnswer {
  member: boolean;
  expiresAt: number;
}

export class GraphGroupMembership implements GroupMembership {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxUsers: number;
  private readonly cache = new Map<string, Map<string, CachedAnswer>>();
  private readonly names = new Map<string, { name?: string; expiresAt: number }>();
  private readonly directory: GraphDirectory;

  constructor(
    private readonly graph: GraphHttpClient,
    options: GraphGroupMembershipOptions = {},
  ) {
    this.directory = new GraphDirectory(graph);
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxUsers = options.maxUsers ?? 10_000;
  }

  async memberOf(objectId: string, groupIds: string[]): Promise<string[]> {
    const user = objectId.toLowerCase();
    const wanted = [...new Set(groupIds.map((g) => g.toLowerCase()))];
    const now = this.clock.now();
    const answers = this.cache.get(user) ?? new Map<string, CachedAnswer>();
    // Re-insert to mark the user as recently used.
    this.cache.delete(user);
    this.cache.set(user, answers);

    const unknown = wanted.filter((g) => {
      const hit = answers.get(g);
      return !hit || hit.expiresAt <= now;
    });
    for (let i = 0; i < unknown.length; i += CHECK_MEMBER_GROUPS_LIMIT) {
      const batch = unknown.slice(i, i + CHECK_MEMBER_GROUPS_LIMIT);
      const result = await this.graph.post<{ value: string[] }>(
        `/users/${encodeURIComponent(objectId)}/checkMemberGroups`,
        { groupIds: batch },
        // Read-only despite being a POST: safe to retry.
        { idempotent: true },
      );
      const members = new Set((result.value ?? []).map((g) => g.toLowerCase()));
      const expiresAt = this.clock.now() + this.ttlMs;
      for (const g of batch) answers.set(g, { member: members.has(g), expiresAt });
    }
    this.evict();
    return wanted.filter((g) => answers.get(g)?.member);
  }

  /** Names change rarely: kept for the answers' lifetime like membership. */
  async groupName(groupId: string): Promise<string | undefined> {
    return this.cachedName(
      `group:${groupId.toLowerCase()}`,
      async () => (await this.directory.getGroup(groupId))?.displayName,
    );
  }

  async userName(idOrUpn: string): Promise<string | undefined> {
    return this.cachedName(
      `user:${idOrUpn.toLowerCase()}`,
      async () => (await this.directory.getUser(idOrUpn))?.displayName,
    );
  }

  private async cachedName(key: string, read: () => Promise<string | undefined>): Promise<string | undefined> {
    const hit = this.names.get(key);
    if (hit && hit.expiresAt > this.clock.now()) return hit.name;
    const name = await read();
    this.names.set(key, { name, expiresAt: this.clock.now() + this.ttlMs });
    return name;
  }

  /** Forget a user's answers, e.g. after an admin says they changed a group. */
  forget(objectId: string): void {
    this.cache.delete(objectId.toLowerCase());
  }

  private evict(): void {
    while (this.cache.size > this.maxUsers) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}

export interface DirectoryUser {
  id: string;
  displayName?: string;
  userPrincipalName: string;
  mail?: string | null;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
}

/** Looks people and groups up, e.g. to show names in the roles listing. */
export class GraphDirectory {
  constructor(private readonly graph: GraphHttpClient) {}

  /** By object id or UPN; undefined when Graph has no such user. */
  async getUser(idOrUpn: string): Promise<DirectoryUser | undefined> {
    const u = await this.orUndefined(() =>
      this.graph.get<DirectoryUser>(`/users/${encodeURIComponent(idOrUpn)}`, {
        query: { $select: 'id,displayName,userPrincipalName,mail' },
      }),
    );
    return u && { id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName, mail: u.mail ?? null };
  }

  async getGroup(id: string): Promise<DirectoryGroup | undefined> {
    const g = await this.orUndefined(() =>
      this.graph.get<DirectoryGroup>(`/groups/${encodeURIComponent(id)}`, { query: { $select: 'id,displayName' } }),
    );
    return g && { id: g.id, displayName: g.displayName };
  }

  /** Every group the user is in, directly or through nested groups. */
  async transitiveGroups(objectId: string): Promise<DirectoryGroup[]> {
    const all = await this.graph.getAll<DirectoryGroup & { '@odata.type'?: string }>(
      `/users/${encodeURIComponent(objectId)}/transitiveMemberOf`,
    );
    // transitiveMemberOf also lists directory roles and administrative units.
    return all
      .filter((o) => !o['@odata.type'] || o['@odata.type'] === '#microsoft.graph.group')
      .map(({ id, displayName }) => ({ id, displayName }));
  }

  private async orUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }
}
