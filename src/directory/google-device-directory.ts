import type { admin_directory_v1 } from '@googleapis/admin';
import { Logger } from 'pino';
import { Clock, systemClock } from '../clock';
import { InvalidInput, UpstreamError } from '../errors';
import { silentLogger } from '../log';
import { type DeskMetrics, observeUpstream } from '../telemetry';
import { toChromeDevice, toDeviceCommand } from './map-device';
import { ReadAhead } from './read-ahead';
import { RetryPolicy, createRetryPolicy } from './retry';
import {
  ChromeDevice,
  CommandType,
  DeprovisionReason,
  DeviceCommand,
  DeviceDirectory,
  DevicePage,
  ListOptions,
  StatusAction,
  StatusChangeResult,
} from './types';
import { RetryDecision } from './retry';
import { describeFailure, isQuota, mayHaveRun, retryDecision, toDeskError, UpstreamFailure } from './upstream-errors';

/** Google's limit on device ids per batchChangeStatus request. */
export const STATUS_BATCH_SIZE = 50;
/** Largest page Google serves in practice. */
export const MAX_PAGE_SIZE = 200;

/**
 * How often a 400 "Invalid Input" for a page token Google itself handed out is tried again before
 * the listing gives up: Google answers so now and then for a valid token, and GAM retries it
 * (unconfirmed in Google's documentation; GAM-team/GAM#1534 shows a token sequence expiring).
 */
export const INVALID_PAGE_TOKEN_RETRIES = 3;

/**
 * Partial responses (Google's `fields` syntax, https://developers.google.com/workspace/admin/directory/v1/guides/performance#partial-response):
 * a sync asks only for what the inventory keeps, a device card for what it shows.
 */
export const SYNC_FIELDS =
  'nextPageToken,chromeosdevices(deviceId,serialNumber,status,model,osVersion,lastSync,annotatedUser,annotatedAssetId,annotatedLocation,orgUnitPath,recentUsers)';
/**
 * How a full sync lists the fleet: the fields it keeps, ordered by serial number
 * (chromeosdevices.list `orderBy`, discovery document). The inventory's indexes are sorted by
 * serial, so devices that arrive in that order go in at the end of every index, which costs Redis
 * far less than inserting at random places (docs/performance.md). Google does not say whether an
 * ordered listing is slower to page through (unconfirmed); the order of serials that differ only
 * in case is not documented either, and only makes such inserts land near the end, not at it.
 * Serial numbers do not change while a listing runs, unlike the last sync, whose ascending order
 * once gave incomplete listings until Google fixed it (GAM-team/GAM#1107, 2020).
 */
export const FULL_SYNC_LISTING: ListOptions = { fields: SYNC_FIELDS, orderBy: 'serialNumber', readAhead: 4 };
/** What Google's restart rule reads (restart-rule.ts), for listing an org unit's devices to restart. */
export const RESTART_FIELDS =
  'nextPageToken,chromeosdevices(deviceId,serialNumber,status,model,osVersion,lastSync,annotatedUser,orgUnitPath,recentUsers,deviceLicenseType,activeTimeRanges)';
export const DEVICE_FIELDS =
  'deviceId,serialNumber,status,model,osVersion,platformVersion,lastSync,annotatedUser,annotatedAssetId,annotatedLocation,recentUsers,orgUnitPath,autoUpdateExpiration,deviceLicenseType,bootMode,notes,deprovisionReason,lastEnrollmentTime,etag,activeTimeRanges';

const DAY_MS = 86_400_000;
const PAGE_LOOP_MESSAGE = 'Google Admin returned the same page twice; the device list was not completed.';

/** The device status each status action leads to: "already there" is success on a repeat. */
const TARGET_STATUS: Record<StatusAction, string> = {
  DEPROVISION: 'DEPROVISIONED',
  DISABLE: 'DISABLED',
  REENABLE: 'ACTIVE',
};

export interface GoogleDeviceDirectoryDeps {
  api: admin_directory_v1.Admin;
  customerId: string;
  /** Who the calls act as, shown by the connector status. */
  account: string;
  logger?: Logger;
  retry?: RetryPolicy;
  /** Says when a daily quota resets; the system clock by default. */
  clock?: Clock;
  /** Where every call is counted and timed; traced spans need nothing passed. */
  metrics?: DeskMetrics;
}

/** The Directory API's ChromeOS devices, with one retry policy and typed errors. */
export class GoogleDeviceDirectory implements DeviceDirectory {
  readonly account: string;
  private readonly api: admin_directory_v1.Admin;
  private readonly customerId: string;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly metrics?: DeskMetrics;

  constructor(deps: GoogleDeviceDirectoryDeps) {
    this.metrics = deps.metrics;
    this.clock = deps.clock ?? systemClock;
    this.api = deps.api;
    this.customerId = deps.customerId;
    this.account = deps.account;
    this.logger = deps.logger ?? silentLogger;
    this.retry = deps.retry ?? createRetryPolicy();
  }

  async listPage(options: ListOptions = {}, pageToken?: string): Promise<DevicePage> {
    const params: admin_directory_v1.Params$Resource$Chromeosdevices$List = {
      customerId: this.customerId,
      maxResults: options.maxResults ?? MAX_PAGE_SIZE,
      projection: options.projection ?? 'FULL',
    };
    if (options.query) params.query = options.query;
    if (options.orgUnitPath) params.orgUnitPath = options.orgUnitPath;
    if (options.includeChildOrgunits) params.includeChildOrgunits = true;
    if (options.fields) params.fields = options.fields;
    if (options.orderBy) {
      params.orderBy = options.orderBy;
      params.sortOrder = options.sortOrder ?? 'ASCENDING';
    }
    // Google wants no pageToken at all on the first page.
    if (pageToken) params.pageToken = pageToken;
    let tokenRetries = 0;
    const res = await this.call(
      'chromeosdevices.list',
      'the device list',
      true,
      () => this.api.chromeosdevices.list(params),
      undefined,
      (f) => {
        if (pageToken && f.status === 400 && /invalid input/i.test(f.message ?? '')) {
          return { retry: tokenRetries++ < INVALID_PAGE_TOKEN_RETRIES };
        }
        return retryDecision(f, true);
      },
    );
    const page: DevicePage = { devices: (res.data.chromeosdevices ?? []).map(toChromeDevice) };
    if (res.data.nextPageToken) page.nextPageToken = res.data.nextPageToken;
    return page;
  }

  /**
   * Streams page by page, asking for each page as soon as the one before it arrives: the caller
   * holds the page it stores, and up to `readAhead` pages (default 1) are asked for or held
   * beyond it, so memory stays flat whatever the fleet size.
   */
  async *listAll(options: ListOptions = {}): AsyncIterable<ChromeDevice[]> {
    const { readAhead = 1, ...listing } = options;
    for await (const page of this.pages(listing, readAhead)) if (page.devices.length > 0) yield page.devices;
  }

  /** Pages in order, read ahead; none is asked for after a page `goOn` turns down. */
  private async *pages(
    listing: ListOptions,
    readAhead: number,
    goOn?: (page: DevicePage) => boolean,
  ): AsyncIterable<DevicePage> {
    const pages = new ReadAhead<DevicePage>(
      (token) => this.listPage(listing, token),
      Math.max(1, readAhead),
      () => new UpstreamError(PAGE_LOOP_MESSAGE, 200, 'pageLoop'),
      goOn,
    );
    for (let next = pages.take(); ; next = pages.take()) {
      const page = await next;
      if (!page) return;
      // Let the next request leave before the caller's synchronous work on this page holds the thread.
      if (pages.more) await new Promise((resolve) => setImmediate(resolve));
      yield page;
    }
  }

  /**
   * Devices Google heard from at or after `since` (ISO 8601), newest first, page by page: what an
   * incremental sync reads. Google's `sync:` operator takes whole days
   * (https://developers.google.com/workspace/admin/directory/v1/list-query-operators, "Last sync"),
   * so the query starts a day early, which covers any time zone Google may count days in
   * (unconfirmed), and the exact cut is made here: the list is ordered by `lastSync` descending
   * (chromeosdevices.list `orderBy=lastSync`, discovery) and paging stops at the first older device.
   * A device that syncs while this runs moves ahead of the cursor and is missed here; it is read
   * next time, since its last sync is then later than this listing's start.
   */
  async *listChangedSince(since: string, options: ListOptions = {}): AsyncIterable<ChromeDevice[]> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new InvalidInput(`Not a time: ${since}`);
    if (options.fields && !/\blastSync\b/.test(options.fields))
      throw new InvalidInput('A listing of changed devices needs lastSync among its fields.');
    const dayBefore = new Date(sinceMs - DAY_MS).toISOString().slice(0, 10);
    const listing: ListOptions = {
      ...options,
      query: [options.query, `sync:${dayBefore}..`].filter(Boolean).join(' '),
      orderBy: 'lastSync',
      sortOrder: 'DESCENDING',
    };
    const isChanged = (d: ChromeDevice) => d.lastSync !== undefined && Date.parse(d.lastSync) >= sinceMs;
    // Newest first: once one device is older, so is the rest of the list, and no next page is asked for.
    for await (const page of this.pages(listing, 1, (p) => p.devices.every(isChanged))) {
      const changed = page.devices.filter(isChanged);
      if (changed.length > 0) yield changed;
    }
  }

  async get(deviceId: string): Promise<ChromeDevice> {
    const res = await this.call(
      'chromeosdevices.get',
      'the device lookup',
      true,
      () =>
        this.api.chromeosdevices.get({
          customerId: this.customerId,
          deviceId,
          projection: 'FULL',
          fields: DEVICE_FIELDS,
        }),
      deviceId,
    );
    return toChromeDevice(res.data);
  }

  async batchChangeStatus(
    deviceIds: string[],
    action: StatusAction,
    reason?: DeprovisionReason,
  ): Promise<StatusChangeResult[]> {
    if (action === 'DEPROVISION' && !reason) throw new InvalidInput('A reason is required to deprovision a device.');
    if (action !== 'DEPROVISION' && reason) throw new InvalidInput('A reason only goes with deprovisioning.');
    const results: StatusChangeResult[] = [];
    for (let i = 0; i < deviceIds.length; i += STATUS_BATCH_SIZE) {
      const chunk = deviceIds.slice(i, i + STATUS_BATCH_SIZE);
      const requestBody: admin_directory_v1.Schema$BatchChangeChromeOsDeviceStatusRequest = {
        deviceIds: chunk,
        changeChromeOsDeviceStatusAction: `CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_${action}`,
      };
      if (reason) requestBody.deprovisionReason = `DEPROVISION_REASON_${reason}`;
      // A repeat after a server error or a lost answer is safe only because "already in that
      // state" is then read back from the device and counted as done.
      let uncertain = false;
      const res = await this.call(
        'customer.devices.chromeos.batchChangeStatus',
        'the status change',
        false,
        () => this.api.customer.devices.chromeos.batchChangeStatus({ customerId: this.customerId, requestBody }),
        undefined,
        (f) => {
          if (!mayHaveRun(f)) return retryDecision(f, false);
          uncertain = true;
          return { retry: true, retryAfterMs: f.retryAfterMs };
        },
      );
      // Per-device failures come back inside the HTTP 200: every one is checked.
      const byId = new Map((res.data.changeChromeOsDeviceStatusResults ?? []).map((r) => [r.deviceId ?? '', r]));
      for (const deviceId of chunk) {
        const r = byId.get(deviceId);
        if (r && !r.error) results.push({ deviceId, ok: true });
        else if (uncertain && (await this.alreadyIn(deviceId, TARGET_STATUS[action])))
          results.push({ deviceId, ok: true });
        else
          results.push({
            deviceId,
            ok: false,
            error: r?.error
              ? { code: r.error.code ?? 2, message: r.error.message ?? 'Unknown error' }
              : { code: 2, message: 'Google Admin returned no result for this device.' },
          });
      }
    }
    return results;
  }

  async issueCommand(deviceId: string, type: CommandType, payload?: Record<string, unknown>): Promise<string> {
    const requestBody: admin_directory_v1.Schema$DirectoryChromeosdevicesIssueCommandRequest = { commandType: type };
    if (payload !== undefined) requestBody.payload = JSON.stringify(payload);
    const res = await this.call(
      'customer.devices.chromeos.issueCommand',
      `the ${type} command`,
      false,
      () => this.api.customer.devices.chromeos.issueCommand({ customerId: this.customerId, deviceId, requestBody }),
      deviceId,
    );
    if (!res.data.commandId)
      throw new UpstreamError('Google Admin accepted the command but returned no command id.', 200, 'noCommandId');
    return res.data.commandId;
  }

  async getCommand(deviceId: string, commandId: string): Promise<DeviceCommand> {
    const res = await this.call(
      'customer.devices.chromeos.commands.get',
      'the command status',
      true,
      () => this.api.customer.devices.chromeos.commands.get({ customerId: this.customerId, deviceId, commandId }),
      deviceId,
    );
    return toDeviceCommand(res.data, commandId);
  }

  /** Whether the device already has the status a repeated change was meant to give it. */
  private async alreadyIn(deviceId: string, status: string): Promise<boolean> {
    try {
      return (await this.get(deviceId)).status.toUpperCase() === status;
    } catch {
      return false;
    }
  }

  private call<T>(
    method: string,
    what: string,
    idempotent: boolean,
    op: () => Promise<T>,
    deviceId?: string,
    decide: (f: UpstreamFailure) => RetryDecision = (f) => retryDecision(f, idempotent),
  ): Promise<T> {
    return observeUpstream(this.metrics, 'google', method, async (call) => {
      try {
        const result = await this.retry.run(
          () => {
            call.attempt();
            return op();
          },
          (err) => {
            const f = describeFailure(err);
            if (isQuota(f)) call.throttled();
            return decide(f);
          },
          ({ attempt, delayMs, error }) => {
            const f = describeFailure(error);
            this.logger.warn(
              { method, attempt, delayMs, status: f.status, reason: f.reason },
              'google directory call failed; retrying',
            );
          },
        );
        call.status((result as { status?: number }).status ?? 200);
        return result;
      } catch (err) {
        const f = describeFailure(err);
        this.logger.warn({ method, status: f.status, reason: f.reason }, 'google directory call failed');
        call.status(f.status ?? 0);
        throw toDeskError(err, what, deviceId, idempotent, this.clock.now());
      }
    });
  }
}
