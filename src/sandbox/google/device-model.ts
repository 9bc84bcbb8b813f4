/**
 * The emulated customer's ChromeOS devices and what the Directory API does to them. Pure logic:
 * methods take the request's parameters and return Google's JSON or throw a GoogleApiError; the
 * HTTP layer is in server.ts.
 */
import { Clock } from '../../clock';
import { DeviceBehaviour, FleetDevice, createRandom, seedFrom, milestoneOf } from '../fleet';
import { CommandRecord, commandResource, commandState, delivered, planCommand } from './commands';
import { GoogleApiError, RPC, failedPrecondition, invalid, notFound } from './google-errors';
import { parseQuery } from './query';

export interface DeviceModelOptions {
  clock: Clock;
  seed: string | number;
  /** Largest maxResults accepted; Google's documented practice is 200. */
  maxPageSize: number;
  commandTtlMs: number;
  commandStepMs: number;
}

type DeviceData = FleetDevice;

interface Entry {
  /** The fleet's own object: the model takes it over rather than copying 100,000 devices. */
  data: DeviceData;
  rev: number;
  /** Created on the first command: most devices never get one. */
  commands?: Map<string, CommandRecord>;
}

export interface ListParams {
  projection?: string;
  maxResults?: string;
  pageToken?: string;
  orderBy?: string;
  sortOrder?: string;
  orgUnitPath?: string;
  includeChildOrgunits?: string;
  query?: string;
}

/**
 * chromeosdevices.list `orderBy` (the discovery document's enum). Values compare by UTF-16 code
 * unit, ties by device id: Google documents neither its collation nor its tie order (unconfirmed).
 */
const ORDER_FIELDS = ['annotatedLocation', 'annotatedUser', 'lastSync', 'notes', 'serialNumber', 'status'] as const;
type OrderField = (typeof ORDER_FIELDS)[number];

const STATUS_ACTIONS: Record<string, 'DEPROVISION' | 'DISABLE' | 'REENABLE'> = {
  CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DEPROVISION: 'DEPROVISION',
  CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE: 'DISABLE',
  CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE: 'REENABLE',
};
export const DEPROVISION_REASON_VALUES = [
  'DEPROVISION_REASON_SAME_MODEL_REPLACEMENT',
  'DEPROVISION_REASON_UPGRADE',
  'DEPROVISION_REASON_DOMAIN_MOVE',
  'DEPROVISION_REASON_SERVICE_EXPIRATION',
  'DEPROVISION_REASON_OTHER',
  'DEPROVISION_REASON_DIFFERENT_MODEL_REPLACEMENT',
  'DEPROVISION_REASON_RETIRING_DEVICE',
  'DEPROVISION_REASON_UPGRADE_TRANSFER',
  'DEPROVISION_REASON_NOT_REQUIRED',
  'DEPROVISION_REASON_REPAIR_CENTER',
];
const COMMAND_TYPES = [
  'REBOOT',
  'TAKE_A_SCREENSHOT',
  'SET_VOLUME',
  'WIPE_USERS',
  'REMOTE_POWERWASH',
  'DEVICE_START_CRD_SESSION',
  'CAPTURE_LOGS',
  'FETCH_SUPPORT_PACKET',
];
/** Commands Google accepts only on kiosk (and managed guest session) devices. */
const KIOSK_ONLY = new Set(['TAKE_A_SCREENSHOT', 'SET_VOLUME', 'CAPTURE_LOGS']);
const BATCH_LIMIT = 50;

const iso = (ms: number): string => new Date(ms).toISOString();
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function hash32(text: string): number {
  return seedFrom(text);
}

interface PageCursor {
  /** Sort value and device id of the last device of the previous page. */
  v: string;
  d: string;
  /** Fingerprint of the list parameters the token belongs to. */
  f: number;
}

/**
 * "Schools/North/" → "/Schools/North"; anything else is kept as given, spaces included. Whether
 * Google compares paths regardless of case could not be confirmed: they are compared exactly here.
 */
function normalizeOrgUnitPath(path: string): string {
  return `/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '') || '/';
}

export class DeviceModel {
  private readonly byId = new Map<string, Entry>();
  private readonly bySerial = new Map<string, Entry>();
  /** All devices in deviceId order: the default list order. */
  private base: Entry[] = [];
  private readonly sorted = new Map<string, { version: number; entries: Entry[] }>();
  /** Bumped on every change that can move a device in a sorted listing. */
  private version = 0;
  /**
   * The org units that exist: every unit a device has been in, the units above them, and those
   * declared empty. A unit stays when its devices leave, as a real one does until it is deleted.
   */
  private readonly orgUnits = new Set<string>(['/']);
  /** Devices with executed-but-unapplied command effects. */
  private readonly unsettled = new Set<Entry>();
  private nextCommandId = 7_310_000_000;

  constructor(private readonly options: DeviceModelOptions) {}

  private now(): number {
    return this.options.clock.now();
  }

  addDevices(devices: FleetDevice[]): void {
    for (const data of devices) {
      if (this.byId.has(data.deviceId)) throw new Error(`Duplicate deviceId ${data.deviceId}`);
      const entry: Entry = { data, rev: 1 };
      this.byId.set(data.deviceId, entry);
      this.bySerial.set(data.serialNumber, entry);
      this.base.push(entry);
      this.addOrgUnit(data.orgUnitPath);
    }
    this.base.sort((a, b) => cmp(a.data.deviceId, b.data.deviceId));
    this.touchAll();
  }

  /**
   * Changes a device as the admin console or the device itself would (a new user, a sync):
   * listings see it at once. The id and serial number stay.
   */
  updateDevice(deviceId: string, change: Partial<Omit<DeviceData, 'deviceId' | 'serialNumber'>>): void {
    const e = this.mustGet(deviceId);
    this.settle();
    Object.assign(e.data, change);
    if (change.orgUnitPath) this.addOrgUnit(change.orgUnitPath);
    this.touch(e);
  }

  /** An org unit, and every unit above it, exists from now on (with or without devices). */
  addOrgUnit(path: string): void {
    let unit = normalizeOrgUnitPath(path);
    while (unit !== '/' && !this.orgUnits.has(unit)) {
      this.orgUnits.add(unit);
      unit = unit.slice(0, unit.lastIndexOf('/')) || '/';
    }
  }

  /** The device leaves the customer (moved to another domain, or deleted): later listings miss it. */
  removeDevice(deviceId: string): void {
    const e = this.mustGet(deviceId);
    this.byId.delete(deviceId);
    this.bySerial.delete(e.data.serialNumber);
    this.unsettled.delete(e);
    this.base = this.base.filter((x) => x !== e);
    this.touchAll();
  }

  get size(): number {
    return this.byId.size;
  }

  deviceIdBySerial(serial: string): string | undefined {
    return this.bySerial.get(serial)?.data.deviceId;
  }

  getBehaviour(deviceId: string): DeviceBehaviour | undefined {
    const e = this.byId.get(deviceId);
    return e && { ...e.data.behaviour };
  }

  /** Changing behaviour re-plans the commands still waiting: an offline device coming online picks them up. */
  setBehaviour(deviceId: string, change: Partial<DeviceBehaviour>): void {
    const e = this.mustGet(deviceId);
    this.settle();
    e.data.behaviour = { ...e.data.behaviour, ...change };
    const now = this.now();
    for (const c of e.commands?.values() ?? []) {
      if (commandState(c, now) === 'PENDING') c.plan = this.planFor(e, c.commandId, now, c.type);
    }
    this.trackUnsettled(e);
  }

  /** A device as Google would return it with projection FULL, for tests and the control API. */
  readDevice(deviceId: string): Record<string, unknown> | undefined {
    this.settle();
    const e = this.byId.get(deviceId);
    return e && this.resource(e, 'FULL');
  }

  // ---- chromeosdevices.list -------------------------------------------------------------

  list(p: ListParams): Record<string, unknown> {
    this.settle();
    const projection = this.projection(p.projection);
    const maxResults = this.maxResults(p.maxResults);
    if (p.orderBy !== undefined && !(ORDER_FIELDS as readonly string[]).includes(p.orderBy))
      throw invalid(`Invalid value for orderBy: ${p.orderBy}`);
    if (p.sortOrder !== undefined && p.sortOrder !== 'ASCENDING' && p.sortOrder !== 'DESCENDING')
      throw invalid(`Invalid value for sortOrder: ${p.sortOrder}`);
    const includeChildren = this.bool(p.includeChildOrgunits, 'includeChildOrgunits');
    if (includeChildren && !p.orgUnitPath)
      throw invalid("Invalid Input: 'orgUnitPath' must be provided with includeChildOrgunits");

    const predicates: ((d: DeviceData) => boolean)[] = [];
    const query = parseQuery(p.query);
    if (query) predicates.push(query);
    if (p.orgUnitPath) {
      const ou = normalizeOrgUnitPath(p.orgUnitPath);
      const byId = p.orgUnitPath.startsWith('id:') ? p.orgUnitPath.slice(3) : undefined;
      // A path that names no org unit is refused, not answered with an empty list: Google answered
      // a path it could not resolve (one ending in a space) with 400 "Invalid Input: INVALID_OU_ID"
      // (taers232c/GAMADV-XTD3 issue #74), and demisto/content's GSuiteAdmin integration turns that
      // answer to its ChromeOS device list into "invalid org unit path". The Directory API reference
      // does not describe it. Whether an unknown `id:` is refused the same way could not be
      // confirmed: it lists nothing here.
      if (!byId && !this.orgUnits.has(ou)) throw invalid('Invalid Input: INVALID_OU_ID');
      if (byId) predicates.push((d) => d.orgUnitId === byId);
      else if (includeChildren)
        predicates.push((d) => ou === '/' || d.orgUnitPath === ou || d.orgUnitPath.startsWith(`${ou}/`));
      else predicates.push((d) => d.orgUnitPath === ou);
    }
    const matches = (e: Entry): boolean => predicates.every((pr) => pr(e.data));

    const orderBy = p.orderBy as OrderField | undefined;
    const descending = p.sortOrder === 'DESCENDING';
    const fingerprint = hash32(
      JSON.stringify([p.query ?? '', p.orgUnitPath ?? '', includeChildren, orderBy ?? '', descending]),
    );
    const valueOf = (e: Entry): string => (orderBy ? String(e.data[orderBy] ?? '') : e.data.deviceId);
    const compare = (av: string, ad: string, bv: string, bd: string): number => {
      const c = cmp(av, bv) || cmp(ad, bd);
      return descending ? -c : c;
    };
    const entries = this.ordered(orderBy, descending, valueOf, compare);

    let start = 0;
    // An empty pageToken is an invalid token, as with Google: the first page must omit it.
    if (p.pageToken !== undefined) {
      const cursor = this.decodeToken(p.pageToken, fingerprint);
      // First entry strictly after the cursor, by binary search.
      let lo = 0;
      let hi = entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(valueOf(entries[mid]), entries[mid].data.deviceId, cursor.v, cursor.d) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const page: Entry[] = [];
    let more = false;
    for (let i = start; i < entries.length; i++) {
      if (!matches(entries[i])) continue;
      if (page.length === maxResults) {
        more = true;
        break;
      }
      page.push(entries[i]);
    }
    const out: Record<string, unknown> = {
      kind: 'admin#directory#chromeosdevices',
      etag: `"${hash32(`${this.version}:${fingerprint}:${start}`).toString(36)}"`,
      chromeosdevices: page.map((e) => this.resource(e, projection)),
    };
    if (more) {
      const last = page[page.length - 1];
      const token: PageCursor = { v: valueOf(last), d: last.data.deviceId, f: fingerprint };
      out.nextPageToken = Buffer.from(JSON.stringify(token)).toString('base64url');
    }
    return out;
  }

  private ordered(
    orderBy: OrderField | undefined,
    descending: boolean,
    valueOf: (e: Entry) => string,
    compare: (av: string, ad: string, bv: string, bd: string) => number,
  ): Entry[] {
    if (!orderBy && !descending) return this.base;
    const key = `${orderBy ?? 'deviceId'}:${descending}`;
    const cached = this.sorted.get(key);
    if (cached && cached.version === this.version) return cached.entries;
    const keyed = this.base.map((e) => ({ e, v: valueOf(e) }));
    keyed.sort((a, b) => compare(a.v, a.e.data.deviceId, b.v, b.e.data.deviceId));
    const entries = keyed.map((k) => k.e);
    this.sorted.set(key, { version: this.version, entries });
    return entries;
  }

  private decodeToken(token: string, fingerprint: number): PageCursor {
    try {
      const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageCursor;
      if (typeof c.v === 'string' && typeof c.d === 'string' && c.f === fingerprint) return c;
    } catch {
      // falls through to the error below
    }
    throw invalid('Invalid Input: pageToken');
  }

  // ---- chromeosdevices.get --------------------------------------------------------------

  get(deviceId: string, projection?: string): Record<string, unknown> {
    this.settle();
    const p = this.projection(projection);
    return this.resource(this.mustGet(deviceId), p);
  }

  // ---- customer.devices.chromeos.batchChangeStatus -------------------------------------

  batchChangeStatus(body: unknown): Record<string, unknown> {
    this.settle();
    const b = (body ?? {}) as {
      deviceIds?: unknown;
      changeChromeOsDeviceStatusAction?: unknown;
      deprovisionReason?: unknown;
    };
    if (!Array.isArray(b.deviceIds) || b.deviceIds.length === 0 || b.deviceIds.some((id) => typeof id !== 'string')) {
      throw invalid('Invalid Input: deviceIds must list at least one device id.');
    }
    if (b.deviceIds.length > BATCH_LIMIT)
      throw invalid(`Invalid Input: at most ${BATCH_LIMIT} device ids per request.`);
    const action = STATUS_ACTIONS[String(b.changeChromeOsDeviceStatusAction)];
    if (!action) throw invalid('Invalid Input: changeChromeOsDeviceStatusAction is required.');
    const reason = b.deprovisionReason;
    if (action === 'DEPROVISION') {
      if (typeof reason !== 'string' || !DEPROVISION_REASON_VALUES.includes(reason)) {
        throw invalid('Invalid Input: deprovisionReason is required to deprovision a device.');
      }
    } else if (reason !== undefined && reason !== 'DEPROVISION_REASON_UNSPECIFIED') {
      throw invalid('Invalid Input: deprovisionReason is only allowed with the deprovision action.');
    }
    const results = (b.deviceIds as string[]).map((deviceId) => {
      const e = this.byId.get(deviceId);
      if (!e) return { deviceId, error: { code: RPC.NOT_FOUND, message: 'Device not found.' } };
      const problem = this.changeStatus(e, action, reason as string | undefined);
      return problem
        ? { deviceId, error: { code: RPC.FAILED_PRECONDITION, message: problem } }
        : { deviceId, response: {} };
    });
    return { changeChromeOsDeviceStatusResults: results };
  }

  // ---- chromeosdevices.action (legacy) --------------------------------------------------

  action(resourceId: string, body: unknown): void {
    this.settle();
    const b = (body ?? {}) as { action?: unknown; deprovisionReason?: unknown };
    const e = this.mustGet(resourceId);
    const legacyReasons: Record<string, string> = {
      same_model_replacement: 'DEPROVISION_REASON_SAME_MODEL_REPLACEMENT',
      different_model_replacement: 'DEPROVISION_REASON_DIFFERENT_MODEL_REPLACEMENT',
      retiring_device: 'DEPROVISION_REASON_RETIRING_DEVICE',
      upgrade_transfer: 'DEPROVISION_REASON_UPGRADE_TRANSFER',
    };
    const actions: Record<string, 'DEPROVISION' | 'DISABLE' | 'REENABLE'> = {
      deprovision: 'DEPROVISION',
      disable: 'DISABLE',
      reenable: 'REENABLE',
    };
    const action = actions[String(b.action)];
    if (!action) throw invalid(`Invalid Input: action ${String(b.action)}`);
    let reason: string | undefined;
    if (action === 'DEPROVISION') {
      reason = legacyReasons[String(b.deprovisionReason)];
      if (!reason) throw invalid('Invalid Input: deprovisionReason');
    }
    const problem = this.changeStatus(e, action, reason);
    // Google answers an illegal transition of the legacy method with 412 conditionNotMet.
    if (problem) throw new GoogleApiError(412, 'conditionNotMet', problem, 'FAILED_PRECONDITION');
  }

  /** Returns why the change is not possible, or undefined once it is done. */
  private changeStatus(e: Entry, action: 'DEPROVISION' | 'DISABLE' | 'REENABLE', reason?: string): string | undefined {
    const d = e.data;
    const now = this.now();
    if (d.status === 'DEPROVISIONED') return 'Illegal device state transition: the device is deprovisioned.';
    switch (action) {
      case 'DISABLE':
        if (d.status === 'DISABLED') return 'Illegal device state transition: the device is already disabled.';
        d.status = 'DISABLED';
        break;
      case 'REENABLE':
        if (d.status !== 'DISABLED') return 'Illegal device state transition: the device is not disabled.';
        d.status = 'ACTIVE';
        break;
      case 'DEPROVISION':
        d.status = 'DEPROVISIONED';
        d.deprovisionReason = reason;
        d.lastDeprovisionTimestamp = iso(now);
        // A deprovisioned device gets no more policies, and no more commands.
        for (const c of e.commands?.values() ?? []) if (c.plan && c.plan.sentAt > now) c.plan = undefined;
        break;
    }
    this.touch(e);
    return undefined;
  }

  // ---- customer.devices.chromeos.issueCommand / commands.get -----------------------------

  issueCommand(deviceId: string, body: unknown): Record<string, unknown> {
    this.settle();
    const e = this.mustGet(deviceId);
    const b = (body ?? {}) as { commandType?: unknown; payload?: unknown };
    const type = String(b.commandType ?? '');
    if (!COMMAND_TYPES.includes(type))
      throw invalid(`Invalid value at 'command_type': ${type || 'COMMAND_TYPE_UNSPECIFIED'}`);
    if (b.payload !== undefined && typeof b.payload !== 'string')
      throw invalid("Invalid value at 'payload': must be a JSON string");
    const payload = b.payload as string | undefined;
    // Seed 000 / Microsoft's ChromeOS remote actions page: "Factory reset (powerwash) … Before using
    // this action, deprovision the device. Otherwise, once it connects to Wi-Fi, it will
    // automatically enroll again." So a powerwash is accepted for a deprovisioned device and the
    // device runs it. Google's own pages say neither way (unconfirmed); other commands are refused,
    // since a deprovisioned device no longer syncs policy (chromeosdevices.action warning).
    if (e.data.status === 'DEPROVISIONED' && type !== 'REMOTE_POWERWASH')
      throw failedPrecondition('Commands cannot be issued to a deprovisioned device.');
    const kiosk = e.data.behaviour.kiosk;
    if (type === 'REBOOT') {
      if (!kiosk && milestoneOf(e.data.osVersion) < 113) {
        throw failedPrecondition(
          'REBOOT can only be issued to kiosk and managed guest session devices, and to devices running ChromeOS 113 or later.',
        );
      }
      if (payload !== undefined) this.checkRebootPayload(payload);
    } else if (KIOSK_ONLY.has(type) && !kiosk) {
      throw failedPrecondition(`${type} can only be issued to kiosk and managed guest session devices.`);
    } else if (type === 'SET_VOLUME') {
      this.checkJson(
        payload,
        (p) => Number.isInteger(p.volume) && (p.volume as number) >= 0 && (p.volume as number) <= 100,
        'volume must be an integer in [0,100]',
      );
    } else if (payload !== undefined && !['DEVICE_START_CRD_SESSION', 'FETCH_SUPPORT_PACKET'].includes(type)) {
      throw invalid(`Invalid Input: ${type} takes no payload.`);
    }
    const now = this.now();
    const commandId = String(this.nextCommandId++);
    const record: CommandRecord = {
      commandId,
      type,
      payload,
      issueTime: now,
      expireTime: now + this.options.commandTtlMs,
      applied: false,
    };
    record.plan = this.planFor(e, commandId, now, type);
    (e.commands ??= new Map()).set(commandId, record);
    this.trackUnsettled(e);
    return { commandId };
  }

  private checkRebootPayload(payload: string): void {
    this.checkJson(
      payload,
      (p) => {
        const delay = p.user_session_delay_seconds;
        return delay === undefined || (Number.isInteger(delay) && (delay as number) >= 0 && (delay as number) <= 300);
      },
      'user_session_delay_seconds must be an integer in [0,300]',
    );
  }

  private checkJson(payload: string | undefined, ok: (p: Record<string, unknown>) => boolean, what: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? '');
    } catch {
      throw invalid(`Invalid Input: payload is not valid JSON (${what}).`);
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      !ok(parsed as Record<string, unknown>)
    ) {
      throw invalid(`Invalid Input: ${what}.`);
    }
  }

  getCommand(deviceId: string, commandId: string): Record<string, unknown> {
    this.settle();
    const e = this.mustGet(deviceId);
    if (!/^\d+$/.test(commandId)) throw invalid(`Invalid value at 'command_id': ${commandId}`);
    const c = e.commands?.get(commandId);
    if (!c) throw notFound('Resource Not Found: commandId');
    return commandResource(c, this.now());
  }

  // ---- internals ------------------------------------------------------------------------

  private planFor(e: Entry, commandId: string, from: number, type?: string) {
    if (e.data.status === 'DEPROVISIONED' && type !== 'REMOTE_POWERWASH') return undefined;
    const random = createRandom(`${this.options.seed}:${e.data.deviceId}:${commandId}:${from}`);
    return planCommand(from, e.data.behaviour, { stepMs: this.options.commandStepMs }, random);
  }

  private trackUnsettled(e: Entry): void {
    for (const c of e.commands?.values() ?? []) {
      if (!c.applied && delivered(c)) {
        this.unsettled.add(e);
        return;
      }
    }
    this.unsettled.delete(e);
  }

  /** Applies the effects of every command executed by now, in the order the devices ran them. */
  private settle(): void {
    if (this.unsettled.size === 0) return;
    const now = this.now();
    for (const e of [...this.unsettled]) {
      const due = [...(e.commands?.values() ?? [])]
        .filter((c) => !c.applied && delivered(c) && c.plan && c.plan.executedAt <= now)
        .sort((a, b) => (a.plan?.executedAt ?? 0) - (b.plan?.executedAt ?? 0));
      for (const c of due) {
        c.applied = true;
        if (c.plan) this.applyEffect(e, c.type, c.plan.result, c.plan.executedAt);
      }
      this.trackUnsettled(e);
    }
  }

  private applyEffect(e: Entry, type: string, result: string, at: number): void {
    const d = e.data;
    // Running any command means the device talked to Google.
    d.lastSync = iso(Math.max(Date.parse(d.lastSync) || 0, at));
    if (result === 'SUCCESS') {
      if (type === 'WIPE_USERS') d.recentUsers = [];
      if (type === 'REMOTE_POWERWASH') {
        d.recentUsers = [];
        // Forced re-enrolment brings a wiped device back unless it was deprovisioned first.
        if (d.status !== 'DEPROVISIONED') {
          d.lastEnrollmentTime = iso(at + 90_000);
          d.lastSync = iso(at + 90_000);
        }
      }
      if (type === 'REBOOT') d.lastSync = iso(at + 45_000);
    }
    this.touch(e);
  }

  private touch(e: Entry): void {
    e.rev++;
    this.touchAll();
  }

  private touchAll(): void {
    this.version++;
  }

  private mustGet(deviceId: string): Entry {
    const e = this.byId.get(deviceId);
    if (!e) throw notFound();
    return e;
  }

  private projection(value: string | undefined): 'BASIC' | 'FULL' {
    if (value === undefined || value === 'FULL') return 'FULL';
    if (value === 'BASIC') return 'BASIC';
    throw invalid(`Invalid value for projection: ${value}`);
  }

  private maxResults(value: string | undefined): number {
    if (value === undefined || value === '') return 100;
    const n = Number(value);
    if (!Number.isInteger(n)) throw invalid(`Invalid value '${value}'. Values must be an integer.`);
    if (n < 1 || n > this.options.maxPageSize)
      throw invalid(`Invalid value '${value}'. Values must be within the range: [1, ${this.options.maxPageSize}]`);
    return n;
  }

  private bool(value: string | undefined, name: string): boolean {
    if (value === undefined || value === '' || value === 'false') return false;
    if (value === 'true') return true;
    throw invalid(`Invalid value for ${name}: ${value}`);
  }

  /**
   * The hardware and usage reports of projection FULL, as the discovery document's ChromeOsDevice
   * schema describes them (cpuStatusReports, systemRamFreeReports, diskVolumeReports, cpuInfo,
   * deviceFiles, osUpdateStatus …): deterministic per device, a few samples each, as a device
   * reporting every few hours would have. How many samples Google keeps is unconfirmed.
   */
  private reports(d: DeviceData, h: number): Record<string, unknown> {
    if (d.status === 'DEPROVISIONED') return {};
    const last = Date.parse(d.lastSync) || this.now();
    const at = (i: number) => iso(last - i * 3 * 3_600_000);
    const samples = [0, 1, 2];
    const ram = (h % 2 === 0 ? 8 : 4) * 1024 ** 3;
    return {
      cpuStatusReports: samples.map((i) => ({
        reportTime: at(i),
        cpuUtilizationPercentageInfo: [(h >>> i) % 60, (h >>> (i + 3)) % 60],
        cpuTemperatureInfo: [
          { label: 'Core 0', temperature: 40 + ((h >>> i) % 25) },
          { label: 'Core 1', temperature: 41 + ((h >>> (i + 2)) % 25) },
        ],
      })),
      systemRamFreeReports: samples.map((i) => ({
        reportTime: at(i),
        systemRamFreeInfo: [String(Math.floor(ram * (0.2 + ((h >>> i) % 50) / 100)))],
      })),
      diskVolumeReports: [
        {
          volumeInfo: [
            {
              volumeId: '/home/chronos/user',
              storageTotal: String(64 * 1024 ** 3),
              storageFree: String((40 - (h % 40)) * 1024 ** 3),
            },
            { volumeId: '/media/removable', storageTotal: String(32 * 1024 ** 3), storageFree: String(30 * 1024 ** 3) },
          ],
        },
      ],
      cpuInfo: [
        {
          model: h % 3 === 0 ? 'Intel(R) Celeron(R) N4500 @ 1.10GHz' : 'MediaTek MT8183',
          architecture: h % 3 === 0 ? 'x64' : 'arm64',
          maxClockSpeedKhz: 2_800_000,
          logicalCpus: [0, 1].map((n) => ({
            maxScalingFrequencyKhz: 2_800_000,
            currentScalingFrequencyKhz: 1_100_000 + n * 100_000,
            idleDuration: `${(h % 9_000) + n}s`,
            cStates: [{ displayName: 'C1', sessionDuration: `${(h % 4_000) + n}s` }],
          })),
        },
      ],
      deviceFiles: [
        {
          name: `${d.serialNumber}-logs.zip`,
          type: 'LOG_FILE',
          createTime: at(1),
          downloadUrl: `https://admin.google.com/chromeos/devicefiles/${d.deviceId}/${h % 100_000}`,
        },
      ],
      osUpdateStatus: {
        state: 'updateStateNotStarted',
        rebootTime: at(2),
        targetOsVersion: d.osVersion,
        targetKioskAppVersion: '',
      },
    };
  }

  /** Google's ChromeOsDevice JSON. BASIC leaves out users and the hardware reports. */
  private resource(e: Entry, projection: 'BASIC' | 'FULL'): Record<string, unknown> {
    const d = e.data;
    const out: Record<string, unknown> = {
      kind: 'admin#directory#chromeosdevice',
      etag: `"${hash32(`${d.deviceId}:${e.rev}`).toString(36)}/${e.rev}"`,
      deviceId: d.deviceId,
      serialNumber: d.serialNumber,
      status: d.status,
      lastSync: d.lastSync,
      model: d.model,
      osVersion: d.osVersion,
      platformVersion: d.platformVersion,
      firmwareVersion: d.firmwareVersion,
      macAddress: d.macAddress,
      bootMode: d.bootMode,
      firstEnrollmentTime: d.firstEnrollmentTime,
      lastEnrollmentTime: d.lastEnrollmentTime,
      orgUnitPath: d.orgUnitPath,
      orgUnitId: d.orgUnitId,
      autoUpdateExpiration: d.autoUpdateExpiration,
      deviceLicenseType: d.deviceLicenseType,
      manufactureDate: d.manufactureDate,
      chromeOsType: 'chromeOs',
      willAutoRenew: false,
    };
    const optional = [
      'annotatedUser',
      'annotatedAssetId',
      'annotatedLocation',
      'notes',
      'orderNumber',
      'deprovisionReason',
      'lastDeprovisionTimestamp',
    ] as const;
    for (const k of optional) if (d[k] !== undefined) out[k] = d[k];
    if (projection === 'FULL') {
      out.recentUsers = d.recentUsers.map((u) => (u.email ? { type: u.type, email: u.email } : { type: u.type }));
      const h = hash32(d.deviceId);
      const syncDay = d.lastSync.slice(0, 10);
      // A device is in use when someone signs in to it, or when it runs a kiosk app with nobody signed in.
      const inUse = d.status !== 'DEPROVISIONED' && (d.recentUsers.length > 0 || d.behaviour.kiosk);
      out.activeTimeRanges = inUse ? [{ date: syncDay, activeTime: (h % 20_000) * 1000 }] : [];
      out.lastKnownNetwork = [
        {
          ipAddress: `10.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${(h & 253) + 1}`,
          wanIpAddress: `203.0.113.${((h >>> 24) % 254) + 1}`,
        },
      ];
      out.systemRamTotal = String((h % 2 === 0 ? 8 : 4) * 1024 ** 3);
      out.diskSpaceUsage = { capacityBytes: String(64 * 1024 ** 3), usedBytes: String((h % 40) * 1024 ** 3) };
      Object.assign(out, this.reports(d, h));
      out.tpmVersionInfo = {
        family: '322e3000',
        specLevel: '116',
        manufacturer: '43524f53',
        tpmModel: '1',
        firmwareVersion: 'a7ef2b4d',
        vendorSpecific: 'xCG fTPM',
      };
    }
    return out;
  }
}
