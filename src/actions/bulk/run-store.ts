/**
 * Where bulk runs live: the run itself (changed only through compare-and-set, so two clicks or
 * two instances never both start or approve it), its targets, the per-device progress, the set
 * of unfinished runs to resume after a restart, and a lease so that one worker at a time runs it.
 */
import { readableId } from '../../readable-id';
import type Redis from 'ioredis';
import { ACTIVE_RUN_STATES, BulkRun, BulkTarget, isFinished, ItemRecord } from './types';

export interface BulkRunStore {
  newId(): Promise<string>;
  create(run: BulkRun, targets: BulkTarget[]): Promise<void>;
  get(id: string): Promise<BulkRun | undefined>;
  /**
   * Applies `mutate` to the current run atomically; `mutate` returns undefined to leave it as it
   * is (e.g. it is no longer in the state the caller expected). Returns the stored result.
   */
  update(id: string, mutate: (run: BulkRun) => BulkRun | undefined): Promise<BulkRun | undefined>;
  targets(id: string): Promise<BulkTarget[]>;
  replaceTargets(id: string, targets: BulkTarget[]): Promise<void>;
  /** Per-device progress; a device with no record is pending. */
  items(id: string): Promise<Map<string, ItemRecord>>;
  record(id: string, items: ItemRecord[]): Promise<void>;
  /** Runs queued or running: what a restart resumes. */
  active(): Promise<string[]>;
  /** Runs waiting for a second person, to expire them on time. */
  awaiting(): Promise<string[]>;
  /** Takes the run's lease for `owner` unless someone else holds a live one. */
  claim(id: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease; false when it was lost (then the holder must stop). */
  renew(id: string, owner: string, ttlMs: number): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
}

export const RUN_ID = /^BR-[A-Z0-9]{6}$/;

export function randomRunId(): string {
  return readableId('BR', 6);
}

/** Finished runs are kept this long for `bulk status` and the audit. */
const KEEP_MS = 30 * 86_400_000;

export class MemoryBulkRunStore implements BulkRunStore {
  private readonly runs = new Map<string, BulkRun>();
  private readonly targetLists = new Map<string, BulkTarget[]>();
  private readonly progress = new Map<string, Map<string, ItemRecord>>();
  private readonly leases = new Map<string, { owner: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async newId(): Promise<string> {
    for (;;) {
      const id = randomRunId();
      if (!this.runs.has(id)) return id;
    }
  }

  async create(run: BulkRun, targets: BulkTarget[]): Promise<void> {
    this.runs.set(run.id, structuredClone(run));
    this.targetLists.set(run.id, structuredClone(targets));
    this.progress.set(run.id, new Map());
  }

  async get(id: string): Promise<BulkRun | undefined> {
    const r = this.runs.get(id);
    return r && structuredClone(r);
  }

  async update(id: string, mutate: (run: BulkRun) => BulkRun | undefined): Promise<BulkRun | undefined> {
    const current = this.runs.get(id);
    if (!current) return undefined;
    // No await between read and write: atomic within the process.
    const next = mutate(structuredClone(current));
    if (!next) return undefined;
    this.runs.set(id, structuredClone(next));
    return structuredClone(next);
  }

  async targets(id: string): Promise<BulkTarget[]> {
    return structuredClone(this.targetLists.get(id) ?? []);
  }

  async replaceTargets(id: string, targets: BulkTarget[]): Promise<void> {
    this.targetLists.set(id, structuredClone(targets));
  }

  async items(id: string): Promise<Map<string, ItemRecord>> {
    return new Map([...(this.progress.get(id) ?? new Map<string, ItemRecord>())].map(([k, v]) => [k, { ...v }]));
  }

  async record(id: string, items: ItemRecord[]): Promise<void> {
    let m = this.progress.get(id);
    if (!m) this.progress.set(id, (m = new Map()));
    for (const i of items) m.set(i.deviceId, { ...i });
  }

  async active(): Promise<string[]> {
    return [...this.runs.values()].filter((r) => ACTIVE_RUN_STATES.includes(r.state)).map((r) => r.id);
  }

  async awaiting(): Promise<string[]> {
    return [...this.runs.values()].filter((r) => r.state === 'awaiting-approval').map((r) => r.id);
  }

  async claim(id: string, owner: string, ttlMs: number): Promise<boolean> {
    const l = this.leases.get(id);
    if (l && l.owner !== owner && l.until > this.now()) return false;
    this.leases.set(id, { owner, until: this.now() + ttlMs });
    return true;
  }

  async renew(id: string, owner: string, ttlMs: number): Promise<boolean> {
    const l = this.leases.get(id);
    if (!l || l.owner !== owner) return false;
    l.until = this.now() + ttlMs;
    return true;
  }

  async release(id: string, owner: string): Promise<void> {
    if (this.leases.get(id)?.owner === owner) this.leases.delete(id);
  }
}

// KEYS[1] run hash; ARGV expected rev, new json. Sets only when nobody changed it meanwhile.
const CAS_SCRIPT = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if rev ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'rev', tostring(tonumber(rev) + 1))
return 1
`;
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Every key of a run under one prefix; the run is a hash {json, rev} for compare-and-set. */
export class RedisBulkRunStore implements BulkRunStore {
  constructor(
    private readonly redis: Redis,
    /** e.g. desk:bulk: */
    private readonly prefix: string,
  ) {}

  private k(kind: string, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  private get activeKey(): string {
    return `${this.prefix}active`;
  }

  private get awaitingKey(): string {
    return `${this.prefix}awaiting`;
  }

  async newId(): Promise<string> {
    for (;;) {
      const id = randomRunId();
      // Reserves the id until the run is created.
      const ok = await this.redis.hsetnx(this.k('run', id), 'rev', '0');
      if (ok === 1) return id;
    }
  }

  async create(run: BulkRun, targets: BulkTarget[]): Promise<void> {
    const m = this.redis.multi();
    m.hset(this.k('run', run.id), 'json', JSON.stringify(run), 'rev', '1');
    m.set(this.k('targets', run.id), JSON.stringify(targets));
    for (const key of [this.k('run', run.id), this.k('targets', run.id)]) m.pexpire(key, KEEP_MS);
    if (ACTIVE_RUN_STATES.includes(run.state)) m.sadd(this.activeKey, run.id);
    await m.exec();
  }

  async get(id: string): Promise<BulkRun | undefined> {
    const raw = await this.redis.hget(this.k('run', id), 'json');
    return raw ? (JSON.parse(raw) as BulkRun) : undefined;
  }

  async update(id: string, mutate: (run: BulkRun) => BulkRun | undefined): Promise<BulkRun | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const [raw, rev] = await this.redis.hmget(this.k('run', id), 'json', 'rev');
      if (!raw || rev === null) return undefined;
      const next = mutate(JSON.parse(raw) as BulkRun);
      if (!next) return undefined;
      const ok = await this.redis.eval(CAS_SCRIPT, 1, this.k('run', id), rev, JSON.stringify(next));
      if (Number(ok) !== 1) continue;
      if (ACTIVE_RUN_STATES.includes(next.state)) await this.redis.sadd(this.activeKey, id);
      else await this.redis.srem(this.activeKey, id);
      if (next.state === 'awaiting-approval') await this.redis.sadd(this.awaitingKey, id);
      else await this.redis.srem(this.awaitingKey, id);
      if (isFinished(next.state)) {
        const m = this.redis.multi();
        for (const key of [this.k('run', id), this.k('targets', id), this.k('items', id)]) m.pexpire(key, KEEP_MS);
        await m.exec();
      }
      return next;
    }
    throw new Error(`bulk run ${id} kept changing; update given up`);
  }

  async targets(id: string): Promise<BulkTarget[]> {
    const raw = await this.redis.get(this.k('targets', id));
    return raw ? (JSON.parse(raw) as BulkTarget[]) : [];
  }

  async replaceTargets(id: string, targets: BulkTarget[]): Promise<void> {
    await this.redis.set(this.k('targets', id), JSON.stringify(targets), 'KEEPTTL');
  }

  async items(id: string): Promise<Map<string, ItemRecord>> {
    const all = await this.redis.hgetall(this.k('items', id));
    return new Map(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as ItemRecord]));
  }

  async record(id: string, items: ItemRecord[]): Promise<void> {
    if (items.length === 0) return;
    const args: string[] = [];
    for (const i of items) args.push(i.deviceId, JSON.stringify(i));
    await this.redis.hset(this.k('items', id), ...args);
  }

  async active(): Promise<string[]> {
    return this.redis.smembers(this.activeKey);
  }

  async awaiting(): Promise<string[]> {
    return this.redis.smembers(this.awaitingKey);
  }

  async claim(id: string, owner: string, ttlMs: number): Promise<boolean> {
    const key = this.k('lease', id);
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
    // Our own lease (a retried job in the same process) is ours to take again.
    return Number(await this.redis.eval(RENEW_SCRIPT, 1, key, owner, ttlMs)) === 1;
  }

  async renew(id: string, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(RENEW_SCRIPT, 1, this.k('lease', id), owner, ttlMs)) === 1;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.k('lease', id), owner);
  }
}

export function createBulkRunStore(options: { redis?: Redis; prefix: string; now?: () => number }): BulkRunStore {
  return options.redis
    ? new RedisBulkRunStore(options.redis, `${options.prefix}bulk:`)
    : new MemoryBulkRunStore(options.now);
}
