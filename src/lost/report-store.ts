import { readableId } from '../readable-id';
import type Redis from 'ioredis';
import type { LostReport } from './types';

/**
 * Lost-device reports: by id, the unresolved ones per tenant, and at most one unresolved report
 * per device (a second report of the same device finds the first instead of creating another).
 */
export interface LostReportStore {
  /** A new id, unique in the store: LR- and four characters. */
  newId(): Promise<string>;
  /** Saves a new report, unless an unresolved one exists for the same device: then returns that one. */
  create(report: LostReport): Promise<{ created: true } | { created: false; existing: LostReport }>;
  get(id: string): Promise<LostReport | undefined>;
  /**
   * Saves a changed report if nobody saved it since it was read (its stored version is still
   * `report.version`); the saved copy gets the next version. False on a conflict.
   */
  replace(report: LostReport): Promise<boolean>;
  /** The unresolved report of a device, if any. */
  openForDevice(tenantId: string, deviceId: string): Promise<LostReport | undefined>;
  /** Unresolved reports of a tenant, oldest first. */
  listUnresolved(tenantId: string, limit: number): Promise<LostReport[]>;
  /** Unresolved reports of every tenant (resuming escalation checks after a restart). */
  listAllUnresolved(): Promise<LostReport[]>;
}

export function randomReportId(): string {
  return readableId('LR', 4);
}

export const REPORT_ID = /^LR-[A-Z0-9]{4}$/i;

const copy = <T>(v: T): T => structuredClone(v);

export class MemoryLostReportStore implements LostReportStore {
  private readonly reports = new Map<string, LostReport>();
  /** tenant + device → id of its unresolved report. */
  private readonly open = new Map<string, string>();

  private static deviceKey(tenantId: string, deviceId: string): string {
    return `${tenantId}\u0000${deviceId}`;
  }

  async newId(): Promise<string> {
    for (;;) {
      const id = randomReportId();
      if (!this.reports.has(id)) return id;
    }
  }

  async create(report: LostReport): Promise<{ created: true } | { created: false; existing: LostReport }> {
    const key = MemoryLostReportStore.deviceKey(report.tenantId, report.device.id);
    const existingId = this.open.get(key);
    const existing = existingId ? this.reports.get(existingId) : undefined;
    if (existing && existing.state !== 'resolved') return { created: false, existing: copy(existing) };
    this.reports.set(report.id.toUpperCase(), copy(report));
    this.open.set(key, report.id.toUpperCase());
    return { created: true };
  }

  async get(id: string): Promise<LostReport | undefined> {
    const r = this.reports.get(id.toUpperCase());
    return r && copy(r);
  }

  async replace(report: LostReport): Promise<boolean> {
    const current = this.reports.get(report.id.toUpperCase());
    if (!current || current.version !== report.version) return false;
    this.reports.set(report.id.toUpperCase(), { ...copy(report), version: report.version + 1 });
    if (report.state === 'resolved') {
      const key = MemoryLostReportStore.deviceKey(report.tenantId, report.device.id);
      if (this.open.get(key) === report.id.toUpperCase()) this.open.delete(key);
    }
    return true;
  }

  async openForDevice(tenantId: string, deviceId: string): Promise<LostReport | undefined> {
    const id = this.open.get(MemoryLostReportStore.deviceKey(tenantId, deviceId));
    return id ? this.get(id) : undefined;
  }

  async listUnresolved(tenantId: string, limit: number): Promise<LostReport[]> {
    return (await this.listAllUnresolved()).filter((r) => r.tenantId === tenantId).slice(0, limit);
  }

  async listAllUnresolved(): Promise<LostReport[]> {
    return [...this.reports.values()]
      .filter((r) => r.state !== 'resolved')
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map(copy);
  }
}

// Saves only when the stored version is the one the caller read; a resolved report frees its device.
const REPLACE = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local stored = cjson.decode(current)
if tonumber(stored.version) ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then
  if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('DEL', KEYS[2]) end
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('ZREM', KEYS[4], ARGV[4])
end
return 1
`;

/**
 * A JSON value per report, a key per device naming its unresolved report (SET NX makes the
 * duplicate check atomic across instances), and sorted sets of unresolved reports.
 */
export class RedisLostReportStore implements LostReportStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}lost:report:${id.toUpperCase()}`;
  }
  private deviceKey(tenantId: string, deviceId: string): string {
    return `${this.prefix}lost:open:${encodeURIComponent(tenantId)}:${encodeURIComponent(deviceId)}`;
  }
  private unresolved(tenantId: string): string {
    return `${this.prefix}lost:unresolved:${encodeURIComponent(tenantId)}`;
  }
  private get allUnresolved(): string {
    return `${this.prefix}lost:unresolved-all`;
  }

  async newId(): Promise<string> {
    for (;;) {
      const id = randomReportId();
      // Reserves the id until the report is saved.
      if ((await this.redis.set(this.key(id), JSON.stringify({ version: -1 }), 'PX', 60_000, 'NX')) === 'OK') return id;
    }
  }

  async create(report: LostReport): Promise<{ created: true } | { created: false; existing: LostReport }> {
    const id = report.id.toUpperCase();
    const deviceKey = this.deviceKey(report.tenantId, report.device.id);
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.redis.set(deviceKey, id, 'NX')) === 'OK') {
        await this.redis
          .multi()
          .set(this.key(id), JSON.stringify(report))
          .zadd(this.unresolved(report.tenantId), report.createdAt, id)
          .zadd(this.allUnresolved, report.createdAt, id)
          .exec();
        return { created: true };
      }
      const existingId = await this.redis.get(deviceKey);
      const existing = existingId ? await this.get(existingId) : undefined;
      if (existing && existing.state !== 'resolved') return { created: false, existing };
      // A pointer left behind by a report that is gone or resolved: free it and try again.
      if (existingId)
        await this.redis.eval(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
          1,
          deviceKey,
          existingId,
        );
    }
    throw new Error(`could not file a report for device ${report.device.id}: its open-report marker keeps changing`);
  }

  async get(id: string): Promise<LostReport | undefined> {
    const raw = await this.redis.get(this.key(id));
    if (!raw) return undefined;
    const r = JSON.parse(raw) as LostReport;
    // A reserved id with no report yet.
    return r.id ? r : undefined;
  }

  async replace(report: LostReport): Promise<boolean> {
    const id = report.id.toUpperCase();
    const next = JSON.stringify({ ...report, version: report.version + 1 });
    const done = await this.redis.eval(
      REPLACE,
      4,
      this.key(id),
      this.deviceKey(report.tenantId, report.device.id),
      this.unresolved(report.tenantId),
      this.allUnresolved,
      next,
      String(report.version),
      report.state === 'resolved' ? '1' : '0',
      id,
    );
    return Number(done) === 1;
  }

  async openForDevice(tenantId: string, deviceId: string): Promise<LostReport | undefined> {
    const id = await this.redis.get(this.deviceKey(tenantId, deviceId));
    const r = id ? await this.get(id) : undefined;
    return r && r.state !== 'resolved' ? r : undefined;
  }

  async listUnresolved(tenantId: string, limit: number): Promise<LostReport[]> {
    const ids = await this.redis.zrange(this.unresolved(tenantId), '0', String(Math.max(0, limit - 1)));
    return this.load(ids);
  }

  async listAllUnresolved(): Promise<LostReport[]> {
    return this.load(await this.redis.zrange(this.allUnresolved, '0', '-1'));
  }

  private async load(ids: string[]): Promise<LostReport[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.key(id)));
    return raws
      .filter((r): r is string => !!r)
      .map((r) => JSON.parse(r) as LostReport)
      .filter((r) => r.id && r.state !== 'resolved');
  }
}

export function createLostReportStore(options: { redis?: Redis; prefix: string }): LostReportStore {
  return options.redis ? new RedisLostReportStore(options.redis, options.prefix) : new MemoryLostReportStore();
}
