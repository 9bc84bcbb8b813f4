import { readableId } from '../readable-id';
import type Redis from 'ioredis';
import { isTerminal, type ActionRequest } from './types';

/** Executed actions: by id, by requester (newest first), and those still being tracked. */
export interface ActionRequestStore {
  /** A new id, unique in the store: DD- and six characters people can read out. */
  newId(): Promise<string>;
  save(request: ActionRequest): Promise<void>;
  /**
   * Saves what poll `seq` of a request found, only if the stored request still waits for that poll:
   * of two copies of one poll (a job run again while it still runs), the second saves nothing, so
   * it announces nothing either. False when it did not save.
   */
  savePoll(request: ActionRequest, seq: number): Promise<boolean>;
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

  async savePoll(r: ActionRequest, seq: number): Promise<boolean> {
    if (this.items.get(r.id)?.pollSeq !== seq) return false;
    await this.save(r);
    return true;
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

/** Writes a request as `save` does, if the stored one's pollSeq is still ARGV[1]. */
const SAVE_POLL_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, stored = pcall(cjson.decode, raw)
if not ok or type(stored) ~= 'table' or stored.pollSeq ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
if ARGV[5] == '1' then redis.call('SREM', KEYS[3], ARGV[4]) else redis.call('SADD', KEYS[3], ARGV[4]) end
return 1
`;

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

  async savePoll(r: ActionRequest, seq: number): Promise<boolean> {
    const keys = [this.key(r.id), this.byRequester(r.requester.teamsId), this.active];
    const args = [seq, JSON.stringify(r), r.createdAt, r.id, isTerminal(r.state) ? '1' : '0'];
    return Number(await this.redis.eval(SAVE_POLL_SCRIPT, keys.length, ...keys, ...args)) === 1;
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
