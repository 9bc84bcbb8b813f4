import { readableId } from '../readable-id';
import type Redis from 'ioredis';
import { isTerminal, type ActionRequest } from './types';

/** Executed actions: by id, by requester (newest first), and those still being tracked. */
export interface ActionRequestStore {
  /** A new id, unique in the store: DD- and six characters people can read out. */
  newId(): Promise<string>;
  save(request: ActionRequest): Promise<void>;
  get(id: string): Promise<ActionRequest | undefined>;
  listByRequester(teamsId: string, limit: number): Promise<ActionRequest[]>;
  /** Requests not yet in a terminal state, for resuming the tracking after a restart. */
  listActive(): Promise<ActionRequest[]>;
}

export function randomRequestId(): string {
  return readableId('DD', 6);
}

export const REQUEST_ID = /^DD-[A-Z0-9]{6}$/i;

export class MemoryActionRequestStore implements ActionRequestStore {
  private readonly items = new Map<string, ActionRequest>();

  async newId(): Promise<string> {
    for (;;) {
      const id = randomRequestId();
      if (!this.items.has(id)) return id;
    }
  }

  async save(r: ActionRequest): Promise<void> {
    this.items.set(r.id, structuredClone(r));
  }

  async get(id: string): Promise<ActionRequest | undefined> {
    const r = this.items.get(id.toUpperCase());
    return r && structuredClone(r);
  }

  async listByRequester(teamsId: string, limit: number): Promise<ActionRequest[]> {
    return [...this.items.values()]
      .filter((r) => r.requester.teamsId === teamsId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listActive(): Promise<ActionRequest[]> {
    return [...this.items.values()].filter((r) => !isTerminal(r.state)).map((r) => structuredClone(r));
  }
}

/** A JSON value per request, a sorted set per requester and a set of the active ones. */
export class RedisActionRequestStore implements ActionRequestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}request:${id.toUpperCase()}`;
  }
  private byRequester(teamsId: string): string {
    return `${this.prefix}requests:by:${teamsId}`;
  }
  private get active(): string {
    return `${this.prefix}requests:active`;
  }

  async newId(): Promise<string> {
    for (;;) {
      const id = randomRequestId();
      // Reserves the id until the request is saved.
      if ((await this.redis.set(this.key(id), '{}', 'PX', 60_000, 'NX')) === 'OK') return id;
    }
  }

  async save(r: ActionRequest): Promise<void> {
    const multi = this.redis
      .multi()
      .set(this.key(r.id), JSON.stringify(r))
      .zadd(this.byRequester(r.requester.teamsId), r.createdAt, r.id);
    if (isTerminal(r.state)) multi.srem(this.active, r.id);
    else multi.sadd(this.active, r.id);
    await multi.exec();
  }

  async get(id: string): Promise<ActionRequest | undefined> {
    const raw = await this.redis.get(this.key(id));
    if (!raw || raw === '{}') return undefined;
    return JSON.parse(raw) as ActionRequest;
  }

  async listByRequester(teamsId: string, limit: number): Promise<ActionRequest[]> {
    const ids = await this.redis.zrevrange(this.byRequester(teamsId), 0, Math.max(0, limit - 1));
    return this.many(ids);
  }

  async listActive(): Promise<ActionRequest[]> {
    return (await this.many(await this.redis.smembers(this.active))).filter((r) => !isTerminal(r.state));
  }

  private async many(ids: string[]): Promise<ActionRequest[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.key(id)));
    return raws.filter((raw): raw is string => !!raw && raw !== '{}').map((raw) => JSON.parse(raw) as ActionRequest);
  }
}
